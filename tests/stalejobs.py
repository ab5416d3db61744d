"""What the stale-job tests of each app share: run the one schedule as the cluster does, read the
rows' states back, and read the expirer's audit entries."""

from __future__ import annotations

from django.utils.module_loading import import_string
from django_q.models import Schedule

from stiplan.core.jobs import STALE_SCHEDULE
from stiplan.core.models import AuditEntry


def run_schedule(label: str) -> list[int]:
    """What the cluster runs every 5 minutes (the one schedule's function, with its arguments):
    the ids the expirer registered as `label` ended."""
    return import_string(Schedule.objects.get(name=STALE_SCHEDULE).func)()[label]


def states(*rows) -> dict[int, str]:
    """The stored state of each row (of one model), by id."""
    return {row.pk: type(row).objects.get(pk=row.pk).state for row in rows}


def audited(action: str) -> list[tuple[str, str, str, str]]:
    """The entries of `action`: object id, state before, state after, who (by object id, as a
    number: the ids are text, and "100" must come after "99")."""
    entries = sorted(AuditEntry.objects.filter(action=action), key=lambda e: int(e.object_id))
    return [(e.object_id, e.before["state"], e.after["state"], e.actor_label) for e in entries]
