"""One stale-job path: each app whose job rows a page polls registers its expirer with core/jobs.py;
one django-q2 schedule (made by migration core 0004, replacing the documents-only one) and one
command (`stiplan jobs expire-stale`, and `stiplan report expire-stale` as before) run them all."""

from __future__ import annotations

import importlib
import io
import json

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import call_command
from django.utils.module_loading import import_string
from django_q.models import Schedule

from stiplan.core import jobs

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("stiplan.core.migrations.0004_one_stale_job_schedule")


def test_every_app_with_a_polled_job_registers_its_expirer():
    assert jobs.expirers() == {
        "documents": "stiplan.documents.actions.expire_stale_jobs",
        "index": "stiplan.index.actions.expire_stale_computations",
        "plans": "stiplan.plans.actions.expire_stale_drafts",
        "registry": "stiplan.registry.actions.expire_stale_imports",
    }
    for path in jobs.expirers().values():
        assert callable(import_string(path))


def test_there_is_exactly_one_stale_job_schedule_and_it_runs_them_all():
    stale = Schedule.objects.filter(func__contains="expire_stale")
    assert [(s.name, s.func) for s in stale] == [(jobs.STALE_SCHEDULE, jobs.STALE_FUNC)]
    [schedule] = stale
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 5, -1)
    assert import_string(schedule.func) is jobs.expire_stale_jobs
    assert import_string(schedule.func)() == {label: [] for label in jobs.expirers()}


def test_the_migration_replaces_the_documents_schedule_of_an_existing_deployment():
    Schedule.objects.all().delete()
    Schedule.objects.create(name=MIGRATION.OLD_NAME, func=MIGRATION.OLD_FUNC, schedule_type="I",
                            minutes=5, repeats=-1)
    MIGRATION.one_schedule(django_apps, None)
    MIGRATION.one_schedule(django_apps, None)  # run again: still one
    assert list(Schedule.objects.values_list("name", "func")) == [
        (jobs.STALE_SCHEDULE, jobs.STALE_FUNC)]
    MIGRATION.documents_schedule(django_apps, None)  # migrating back restores the old one
    assert list(Schedule.objects.values_list("name", "func")) == [
        (MIGRATION.OLD_NAME, MIGRATION.OLD_FUNC)]


def test_a_job_is_stale_only_after_django_q_would_have_stopped_it():
    assert jobs.STALE_AFTER.total_seconds() > settings.Q_CLUSTER["timeout"]
    assert "Không có tiến trình chạy nền" in jobs.STALE_MESSAGE
    assert jobs.STALE_MESSAGE.index("qcluster") < jobs.STALE_MESSAGE.index(" / timed out")


SEEN: list = []


def broken_expirer(before, *, by=None):
    raise RuntimeError("the expirer of an app fails")


def working_expirer(before, *, by=None):
    SEEN.append(before)
    return [7]


def test_one_app_failing_does_not_keep_the_others_from_expiring(monkeypatch):
    SEEN.clear()
    monkeypatch.setattr(jobs, "_EXPIRERS", {
        "a-broken": f"{__name__}.broken_expirer", "b-working": f"{__name__}.working_expirer"})
    with pytest.raises(RuntimeError, match="fails"):  # the schedule's run shows the error
        jobs.expire_stale_jobs()
    assert len(SEEN) == 1, "the app after the broken one still ran"


def test_both_commands_print_every_app_and_the_total():
    for command in (["jobs", "expire-stale"], ["report", "expire-stale"]):
        out = io.StringIO()
        call_command(*command, stdout=out)
        lines = out.getvalue().splitlines()
        assert lines == [*(f"{label}: 0 (-)" for label in jobs.expirers()),
                         "0 việc quá hạn đã đánh dấu lỗi / stale jobs failed"], command
    out = io.StringIO()
    call_command("jobs", "expire-stale", "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == {label: [] for label in jobs.expirers()}
