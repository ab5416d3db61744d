"""Audited writes of the core app: generic save and delete for reference data edited in the
admin, and API tokens (create, revoke)."""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone

from stiplan.core.audit import record, snapshot
from stiplan.core.permissions import require
from stiplan.core.tokens import PREFIX_LENGTH, ApiToken, digest, new_key


def _perm(obj: models.Model, verb: str) -> str:
    return f"{obj._meta.app_label}.{verb}_{obj._meta.model_name}"


@transaction.atomic
def do_save(obj: models.Model, *, by, perm: str | None = None, reason: str = "") -> models.Model:
    """Save `obj` after a permission check, recording its before → after snapshot."""
    require(by, perm or _perm(obj, "change"), obj)
    before = snapshot(type(obj).objects.filter(pk=obj.pk).first()) if obj.pk else None
    obj.save()
    record(f"{obj._meta.label_lower}.save", obj, by=by, before=before, after=snapshot(obj),
           unit=_unit_of(obj), reason=reason)
    return obj


@transaction.atomic
def do_delete(obj: models.Model, *, by, perm: str | None = None, reason: str = "") -> None:
    require(by, perm or _perm(obj, "change"), obj)
    record(f"{obj._meta.label_lower}.delete", obj, by=by, before=snapshot(obj), after=None,
           unit=_unit_of(obj), reason=reason)
    obj.delete()


def _unit_of(obj: models.Model):
    """The unit an object belongs to, for scoping its audit entries."""
    from stiplan.orgs.models import OrgUnit

    if isinstance(obj, OrgUnit):
        return obj
    return getattr(obj, "unit", None)


@transaction.atomic
def do_create_token(user, *, by, name: str = "") -> tuple[ApiToken, str]:
    """Make an API token for `user`; returns the token and its key, which is shown only once."""
    require(by, "core.add_apitoken")
    key = new_key()
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=key[:PREFIX_LENGTH],
                                    digest=digest(key))
    record("core.create_token", token, by=by, after=_token_facts(token), repr_=str(token))
    return token, key


@transaction.atomic
def do_revoke_token(token: ApiToken, *, by, reason: str = "") -> ApiToken:
    """Stop a token from signing in; the row stays for the record."""
    require(by, "core.change_apitoken", token)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        before = _token_facts(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record("core.revoke_token", token, by=by, before=before, after=_token_facts(token),
               repr_=str(token), reason=reason)
    return token


def _token_facts(token: ApiToken) -> dict:
    """What the audit log keeps of a token: never its key or digest."""
    return {"user": token.user.username, "name": token.name, "prefix": token.prefix,
            "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None}
