"""The principal investigator (chủ nhiệm) of tasks read in bulk: the prefetch and the choice of
the one to show, shared by the registry's pages and the open datasets."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from stiplan.registry.models import MemberRole, TaskMember

#: The principal investigators of each task (restricted like every related row), for the PI column.
PRINCIPALS = Prefetch("members", TaskMember.objects.filter(role=MemberRole.PRINCIPAL)
                      .select_related("person").order_by("-valid_from"), to_attr="principals")


def principal_of(task):
    """The principal investigator holding the role today, else the latest one (a finished task's)."""
    today = timezone.localdate()
    members = getattr(task, "principals", [])
    current = next((m for m in members if m.holds_on(today)), None)
    member = current or (members[0] if members else None)
    return member.person if member else None
