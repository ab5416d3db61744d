"""Background jobs: handed to the django-q2 cluster (`stiplan qcluster`, the database as queue),
or run at once when STIPLAN_JOBS_SYNC is set (tests, one-off use); how a job nobody finishes (no
worker, a killed one) is failed as stale by one schedule; and how a worker of that cluster stops
at once on a signal instead of finishing the job it is running."""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from stiplan.core.permissions import require

log = logging.getLogger(__name__)


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


# --- Stale jobs: one schedule, one command, each app's own expirer -------------------------------
# A job whose row a page polls (a document, a plan draft being read, a registry import, an index
# computation) ends done or failed by itself, unless no worker takes it or its worker is killed
# (kill -9, out of memory, a lost machine). Each app registers, from its AppConfig.ready, an
# expirer that fails its own rows queued or running since before a cutoff, each with an audit
# entry, and answers their ids; `expire_stale_jobs` runs them all, from the django-q2 schedule
# STALE_SCHEDULE (made by migration core 0004) and from `stiplan jobs expire-stale`.

#: Longer than any job may run: django-q2 stops a job after Q_CLUSTER["timeout"] (600 s).
STALE_AFTER = dt.timedelta(minutes=20)
#: The one django-q2 schedule that runs `expire_stale_jobs` every 5 minutes.
STALE_SCHEDULE = "stiplan-expire-stale-jobs"
STALE_FUNC = "stiplan.core.jobs.expire_stale_jobs"
#: What a stale row says (stored on it, shown by its page and the admin; tests look for
#: "qcluster" and "timed out").
STALE_MESSAGE = ("Không có tiến trình chạy nền làm xong việc này trong 20 phút: tiến trình "
                 "(stiplan qcluster) không chạy, hoặc bị dừng giữa chừng; không có gì được lưu, hãy "
                 "yêu cầu lại / timed out: no job worker (stiplan qcluster) finished this job "
                 "within 20 minutes (none was running, or it was stopped midway); nothing was "
                 "saved, please ask again")


class JobExpired(Exception):
    """Raised inside a job whose row was failed as stale meanwhile: the job stops, and what it
    was writing rolls back (the row keeps its stale state)."""

    def __init__(self):
        super().__init__(STALE_MESSAGE)


#: label → dotted path of `expirer(before=None, *, by=None) -> list[int]`.
_EXPIRERS: dict[str, str] = {}


def register_expirer(label: str, func: str) -> None:
    """Register an app's expirer of stale jobs (call it from the app's AppConfig.ready; core
    imports no app, so the function is named by its dotted path). `func(before=None, *, by=None)`
    ends the app's rows still queued or running since before `before` (`stale_cutoff`), through
    `end_stale`, and answers their ids."""
    _EXPIRERS[label] = func


def expirers() -> dict[str, str]:
    """The registered expirers, by label."""
    return dict(sorted(_EXPIRERS.items()))


def stale_cutoff(before: dt.datetime | None = None) -> dt.datetime:
    """`before`, or by default the moment before which a job queued or started will not end by
    itself."""
    return before or timezone.now() - STALE_AFTER


def end_stale(stale, end: Callable[[object, object], None], *, by=None, perm: str) -> list[int]:
    """The frame every expirer shares: `by` (None: the system) needs `perm`; then, in one durable
    transaction, each row of the query set `stale` is locked, skipping a row a job holds (it is
    writing its result), and ended by `end(row, by)`, the app's action that writes the row and
    its audit entry. Answers the ids ended."""
    if by is not None:
        require(by, perm)
    ended = []
    with transaction.atomic(durable=True):
        for row in stale.select_for_update(skip_locked=True).order_by("pk"):
            end(row, by)
            ended.append(row.pk)
    return ended


def expire_stale_jobs(*, by=None) -> dict[str, list[int]]:
    """Fail every stale job of every app: label → ids failed. One app's error does not keep the
    others from running (it is logged, then raised at the end, so the schedule's run shows it);
    `by` (None: the system) needs each app's own permission."""
    before, expired, errors = stale_cutoff(), {}, []
    for label, path in expirers().items():
        try:
            expired[label] = import_string(path)(before, by=by)
        except PermissionDenied:
            raise
        except Exception as exc:  # noqa: BLE001 — the other apps' jobs still expire
            log.exception("stale %s jobs could not be expired", label)
            errors.append(exc)
    if errors:
        raise errors[0]
    return expired


class JobStopped(KeyboardInterrupt):
    """Raised inside a running job when its worker is told to stop: the job's transaction rolls
    back and the job ends failed with this plain reason (a document shows it; ask again).

    An interrupt, as the worker's SIGINT is, not an Exception: no library's `except Exception`
    swallows it, and psycopg cancels a query it lands in (any other exception leaves the connection
    busy). Each job catches it by name and calls `drop_busy_connections` before it writes that it
    failed: a stop may still land where psycopg cannot clean up."""

    def __init__(self):
        super().__init__("Tiến trình chạy nền đã dừng trước khi xong việc; hãy yêu cầu lại / the job "
                         "worker was stopped before the job finished; please ask for it again")


def drop_busy_connections() -> None:
    """Close this worker's database connections that no transaction holds, once a job has caught
    JobStopped, before it writes that it failed. psycopg cancels a query the stop lands in while
    it waits for the server; a stop landing a moment earlier or later, while psycopg runs its own
    Python code around the query, leaves the query's result unread, and the connection then
    refuses every statement ("another command is already in progress"). Django opens a new
    connection for the next statement."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


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
    transaction.on_commit(lambda: run_later(func, *args, name=name))
