"""Audited writes of the core app: generic save and delete for what is edited in the admin
(reference data, accounts: a password hash never enters the log, only the fact that it changed),
API tokens (create, revoke), a backup restored, a job handed back to the queue."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from stiplan.core.audit import Subject, record, snapshot
from stiplan.core.backup import MANIFEST, NATURAL, backed_up_models
from stiplan.core.permissions import require
from stiplan.core.restore import (
    checked_archive,
    counts_differ,
    place_files,
    refusal,
    remove_files,
    rows_in,
    signals_muted,
    summary,
)
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
def save_object(obj: models.Model, *, by, perm: str | None = None, reason: str = "") -> models.Model:
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
def delete_object(obj: models.Model, *, by, perm: str | None = None, reason: str = "") -> None:
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
def create_account(username: str, *, full_name: str, email: str, password: str, by,
                   staff: bool = False, superuser: bool = False):
    """A new sign-in account; the password is stored hashed and never written to the log."""
    User = get_user_model()
    require(by, "auth.add_user")
    first, _sep, last = full_name.partition(" ")
    user = User(username=username, first_name=first, last_name=last, email=email,
                is_staff=staff, is_superuser=superuser)
    user.set_password(password)
    user.save()
    record("core.create_account", user, by=by, after={
        "username": username, "full_name": full_name, "staff": staff, "superuser": superuser})
    return user


@transaction.atomic
def set_account_access(user, *, groups, permissions, by, reason: str = "") -> None:
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
def create_token(user, *, by, name: str = "") -> tuple[ApiToken, str]:
    """Make an API token for `user`; returns the token and its key, which is shown only once."""
    require(by, "core.add_apitoken")
    key = new_key()
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=key[:PREFIX_LENGTH],
                                    digest=digest(key))
    record("core.create_token", token, by=by, after=_token_facts(token), repr_=str(token))
    return token, key


@transaction.atomic
def revoke_token(token: ApiToken, *, by, reason: str = "") -> ApiToken:
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


def restore_archive(path: Path, *, by=None, alias: str = DEFAULT_DB_ALIAS) -> dict:
    """`stiplan restore`: check the archive and the target (core.restore), then fill the empty
    database and data folders from it, all rows in one transaction. The restored audit log stays
    exactly as archived, plus one entry for the restore itself. Only the system (the CLI) may.
    Returns the summary the command prints."""
    require(by, "core.restore_archive")
    started = time.monotonic()
    with checked_archive(path, alias) as (archive, manifest):
        written = place_files(archive, manifest)
        try:
            rows = _load_rows(archive, manifest, alias, by=by, path=path)
        except BaseException:
            remove_files(written)
            raise
    call_command("createcachetable", database=alias, verbosity=0)
    return summary(path, manifest, alias, rows=rows, files=len(written), started=started)


def _load_rows(archive, manifest: dict, alias: str, *, by, path: Path) -> int:
    """Every archived row written as archived (model signals muted, so no handler adds or changes
    rows meanwhile); then constraints, sequences and row counts checked, then the restore's own
    audit entry, in the same transaction."""
    connection = connections[alias]
    kept = [m for m in backed_up_models() if m._meta.label_lower in manifest["rows"]]
    problems, loaded = [], 0
    with transaction.atomic(using=alias), signals_muted():
        for model in reversed(kept):  # rows a migration may have made; the archive has its own
            if model._meta.label_lower not in NATURAL:
                model._base_manager.using(alias).all().delete()
        with connection.constraint_checks_disabled():
            batch: list[models.Model] = []
            for item, unfit in rows_in(archive, manifest, alias):
                problems += unfit
                if problems:
                    continue
                if not _one_by_one(item):
                    if batch and (type(batch[0]) is not type(item.object) or len(batch) >= 1000):
                        _insert_as_archived(batch, alias)
                        batch = []
                    batch.append(item.object)
                else:
                    item.save(using=alias)
                loaded += 1
            if batch and not problems:
                _insert_as_archived(batch, alias)
        if problems:
            raise refusal(f"Dữ liệu không hợp với cơ sở dữ liệu {connection.vendor}, không khôi "
                          "phục gì", f"values {connection.vendor} cannot store, nothing was "
                          "restored", problems)
        connection.check_constraints(table_names=[m._meta.db_table for m in kept])
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), kept):
                cursor.execute(sql)
        if counts := counts_differ(manifest, kept, alias):
            raise refusal("Số dòng sau khi nạp khác manifest", "row counts differ from the "
                          "manifest after loading", counts)
        backup_id = hashlib.sha256(archive.read(MANIFEST)).hexdigest()[:16]
        record("core.restore_archive", Subject("core.backup", backup_id, path.name), by=by,
               after={"created_at": manifest.get("created_at"), "rows": loaded,
                      "source_vendor": manifest.get("database_vendor"),
                      "stiplan_version": manifest.get("stiplan_version")})
    return loaded


def _one_by_one(item) -> bool:
    """A row saved on its own: matched by natural key (content types, permissions), carrying
    many-to-many links or unresolved references, or a model with a parent table."""
    meta = item.object._meta
    return (meta.label_lower in NATURAL or meta.parents or item.deferred_fields
            or any(item.m2m_data.values()))


def _insert_as_archived(rows: list[models.Model], alias: str) -> None:
    """Rows of one model in multi-row INSERTs, raw as `loaddata` saves them: the archived values
    (stamps included) as they are, no signal."""
    model = type(rows[0])
    fields = model._meta.local_concrete_fields
    size = connections[alias].ops.bulk_batch_size(fields, rows) or len(rows)
    for start in range(0, len(rows), size):
        model._base_manager.using(alias)._insert(rows[start:start + size], fields=fields,
                                                 using=alias, raw=True)


@transaction.atomic
def return_job_to_queue(ack_id, *, by=None) -> None:
    """A job taken from django-q2's queue by a worker that is stopping goes back untouched: its
    lock is released at once, so the next worker runs it. Audited; only the system may."""
    from django_q.models import OrmQ

    require(by, "core.run_jobs")
    job = OrmQ.objects.select_for_update().filter(pk=ack_id).first()
    if job is None:
        return
    job.lock = timezone.now()
    job.save(update_fields=["lock"])
    record("core.return_job", job, by=by, after={"func": job.func(), "lock": job.lock},
           repr_=job.name() or job.func(), reason="worker stopping")


def keep_upload(row: models.Model, upload: FieldFile, raw: bytes, suffix: str, *, audit_as: str,
                by) -> models.Model:
    """An uploaded file kept for the background job that will read it: the file in the row's
    private file field (named by the row's `sha256` and `suffix`), the row saved, the request
    audited as `audit_as`. The caller has judged the permission, built the row, and queues the
    job (`core.jobs.run_after_commit`)."""
    upload.save(f"{row.sha256[:16]}{suffix}", ContentFile(raw), save=False)
    row.save()
    record(audit_as, row, by=by, after=snapshot(row), repr_=str(row))
    return row
