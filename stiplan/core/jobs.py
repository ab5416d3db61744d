"""Background jobs: handed to the django-q2 cluster (`stiplan qcluster`, the database as queue),
or run at once when STIPLAN_JOBS_SYNC is set (tests, one-off use); and how a worker of that
cluster stops at once on a signal instead of finishing the job it is running."""

from __future__ import annotations

import os
import signal

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


class JobStopped(Exception):
    """Raised inside a running job when its worker is told to stop: the job's transaction rolls
    back and the job ends failed with this plain reason (a document shows it; ask again)."""

    def __init__(self):
        super().__init__("Tiến trình chạy nền đã dừng trước khi xong việc; hãy yêu cầu lại / the job "
                         "worker was stopped before the job finished; please ask for it again")


# The state of this worker process: the queue entry of the job it runs, and whether it must stop.
_worker = {"ack_id": None, "stopping": False}


def prepare_workers() -> None:
    """In the cluster's main process, before the workers are forked: each worker stops its
    running job on SIGINT or SIGTERM, and hands back (does not start) a job after that."""
    from django_q.signals import post_execute_in_worker, post_spawn, pre_execute

    post_spawn.connect(_worker_started, dispatch_uid="stiplan-worker-started")
    pre_execute.connect(_job_starting, dispatch_uid="stiplan-job-starting")
    post_execute_in_worker.connect(_job_ended, dispatch_uid="stiplan-job-ended")


def interrupt_workers(sentinel_pid: int) -> None:
    """Send SIGINT to the processes of the cluster's sentinel: its workers stop their jobs; its
    pusher and monitor ignore SIGINT (django-q2 sets that) and stop as usual."""
    try:
        with open(f"/proc/{sentinel_pid}/task/{sentinel_pid}/children", encoding="ascii") as fh:
            children = [int(pid) for pid in fh.read().split()]
    except OSError:  # no /proc (not Linux): the workers finish their jobs before they stop
        return
    for pid in children:
        try:
            os.kill(pid, signal.SIGINT)
        except ProcessLookupError:
            pass


def _worker_started(**_kwargs) -> None:
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)


def _stop(signum, _frame) -> None:
    first, _worker["stopping"] = not _worker["stopping"], True
    if _worker["ack_id"] is not None:
        if first:  # once: a second signal must not break the job's own clean-up
            raise JobStopped()
        return
    if signum == signal.SIGTERM:  # idle, and the whole service is being stopped: leave now
        raise SystemExit(0)
    # idle on SIGINT: the sentinel's stop message ends this worker


def _job_starting(task: dict, **_kwargs) -> None:
    """A job taken from the queue after the stop order goes back to the queue untouched (the
    next start runs it at once) and this worker ends."""
    if _worker["stopping"]:
        from stiplan.core.actions import return_job_to_queue

        return_job_to_queue(task.get("ack_id"))
        raise SystemExit(0)
    _worker["ack_id"] = task.get("ack_id", "")


def _job_ended(**_kwargs) -> None:
    _worker["ack_id"] = None


def run_after_commit(func: str, *args, name: str = "") -> None:
    """`run_later(func, *args)` once the current transaction commits (at once outside one): the job
    reads what the transaction wrote, and a transaction rolled back queues nothing."""
    from django.db import transaction

    transaction.on_commit(lambda: run_later(func, *args, name=name))
