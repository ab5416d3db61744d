"""Background jobs: handed to the django-q2 cluster (`stiplan qcluster`, the database as queue),
or run at once when STIPLAN_JOBS_SYNC is set (tests, one-off use)."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string


def run_later(func: str, *args, name: str = "") -> None:
    """Run the function at dotted path `func` with `args` in the background."""
    if settings.STIPLAN_JOBS_SYNC:
        import_string(func)(*args)
        return
    from django_q.tasks import async_task

    async_task(func, *args, task_name=name or None)


def background() -> bool:
    """True when a cluster runs the jobs (work worth doing ahead of time can be queued)."""
    return not settings.STIPLAN_JOBS_SYNC
