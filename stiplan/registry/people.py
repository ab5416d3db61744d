"""Who a task's principal investigator (chủ nhiệm) is, as the pages, the API and the national
exchange show it: the prefetch of the principals, and the one holding the role today (else the
latest one: a finished task's)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from stiplan.registry.models import MemberRole, Task, TaskMember

#: The principal investigators of each task (restricted like every related row when given to
#: `with_related`), latest first, as `task.principals`.
PRINCIPALS = Prefetch("members", TaskMember.objects.filter(role=MemberRole.PRINCIPAL)
                      .select_related("person").order_by("-valid_from"), to_attr="principals")


def principal_of(task: Task):
    """The principal investigator holding the role today, else the latest one (a finished task's)."""
    today = timezone.localdate()
    members = getattr(task, "principals", [])
    current = next((m for m in members if m.holds_on(today)), None)
    member = current or (members[0] if members else None)
    return member.person if member else None
