"""Audited writes of the core app: generic save and delete for what is edited in the admin
(reference data, accounts: a password hash never enters the log, only the fact that it changed),
and API tokens (create, revoke)."""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone

from stiplan.core.audit import record, snapshot
from stiplan.core.permissions import require
from stiplan.core.tokens import PREFIX_LENGTH, ApiToken, digest, new_key


def _perm(obj: models.Model, verb: str) -> str:
    return f"{obj._meta.app_label}.{verb}_{obj._meta.model_name}"


def _logged(data: dict | None) -> dict | None:
    """A snapshot fit for the log: a password hash is replaced by a mark."""
    if data and data.get("password"):
        data = {**data, "password": "(ẩn / hidden)"}
    return data


def _password_changed(before: dict | None, after: dict) -> bool:
    return "password" in after and (before or {}).get("password") != after["password"]


@transaction.atomic
def do_save(obj: models.Model, *, by, perm: str | None = None, reason: str = "") -> models.Model:
    """Save `obj` after a permission check, recording its before → after snapshot."""
    require(by, perm or _perm(obj, "change"), obj)
    before = snapshot(type(obj).objects.filter(pk=obj.pk).first()) if obj.pk else None
    obj.save()
    after = snapshot(obj)
    logged_after = _logged(after)
    if _password_changed(before, after):
        logged_after["password_changed"] = True
    record(f"{obj._meta.label_lower}.save", obj, by=by, before=_logged(before),
           after=logged_after, unit=_unit_of(obj), reason=reason)
    return obj


@transaction.atomic
def do_delete(obj: models.Model, *, by, perm: str | None = None, reason: str = "") -> None:
    """Delete `obj` after a permission check; a user's memberships, removed with it, are logged
    one by one."""
    require(by, perm or _perm(obj, "change"), obj)
    if _is_user(obj):
        for membership in obj.memberships.all():
            record(f"{membership._meta.label_lower}.delete", membership, by=by,
                   before=snapshot(membership), after=None, unit=_unit_of(membership),
                   reason=reason)
    record(f"{obj._meta.label_lower}.delete", obj, by=by, before=_logged(snapshot(obj)),
           after=None, unit=_unit_of(obj), reason=reason)
    obj.delete()


@transaction.atomic
def do_set_account_access(user, *, groups, permissions, by, reason: str = "") -> None:
    """Set a user's groups and direct permissions, logging them before → after if they change."""
    require(by, "auth.change_user", user)
    before = _access(user)
    user.groups.set(groups)
    user.user_permissions.set(permissions)
    after = _access(user)
    if after != before:
        record("auth.user.access", user, by=by, before=before, after=after, reason=reason)


def _access(user) -> dict:
    return {"groups": sorted(user.groups.values_list("name", flat=True)),
            "user_permissions": sorted(f"{app}.{code}" for app, code in user.user_permissions
                                       .values_list("content_type__app_label", "codename"))}


def _is_user(obj: models.Model) -> bool:
    from django.contrib.auth import get_user_model

    return isinstance(obj, get_user_model())


def _unit_of(obj: models.Model):
    """The unit an object belongs to, for scoping its audit entries: the model's `audit_unit`
    where it names one (a unit is its own), else its `unit` field."""
    if hasattr(obj, "audit_unit"):
        return obj.audit_unit
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
