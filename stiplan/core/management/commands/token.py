"""`stiplan token create USERNAME [--name NAME] [--format json]` and `stiplan token revoke PREFIX`:
API tokens, made and revoked through the audited actions (the key is printed once)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from stiplan.core.actions import create_token, revoke_token
from stiplan.core.cli import add_format, clean_errors, print_json, verbs
from stiplan.core.tokens import ApiToken


class Command(BaseCommand):
    help = "Khóa API / API tokens"

    def add_arguments(self, parser):
        sub = verbs(parser)
        create = sub.add_parser("create", help="tạo khóa / make a token")
        create.add_argument("username")
        create.add_argument("--name", default="")
        add_format(create, dest="fmt")
        revoke = sub.add_parser("revoke", help="thu hồi khóa / revoke a token")
        revoke.add_argument("prefix")
        revoke.add_argument("--reason", default="")

    @clean_errors
    def handle(self, *args, verb, **opts):
        if verb == "create":
            user = get_user_model().objects.filter(username=opts["username"]).first()
            if user is None or not user.is_active:
                raise CommandError(f"Không có người dùng «{opts['username']}» đang hoạt động / "
                                   f"no active user '{opts['username']}'")
            token, key = create_token(user, by=None, name=opts["name"])
            if opts["fmt"] == "json":
                print_json({"user": user.username, "name": token.name, "prefix": token.prefix,
                            "key": key}, self.stdout)
            else:
                self.stdout.write(key)
            return
        tokens = list(ApiToken.objects.filter(prefix=opts["prefix"], revoked_at__isnull=True))
        if len(tokens) != 1:
            raise CommandError(f"Cần đúng một khóa còn hiệu lực có đầu «{opts['prefix']}» "
                               f"(có {len(tokens)}) / need exactly one live token with that prefix")
        revoke_token(tokens[0], by=None, reason=opts["reason"])
        self.stdout.write(f"revoked {tokens[0].prefix}")
