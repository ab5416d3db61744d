"""A restricted set is DISTINCT only where its condition may repeat a row: a lookup through a
to-many relation (a round reached through its reports); a condition on the row's own fields or
through a foreign key leaves it plain, so the database can stop at the first page."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from stiplan.core.querysets import repeats_rows
from stiplan.registry.models import Task
from stiplan.reporting.models import Round, UnitReport


def test_a_condition_through_a_to_many_relation_repeats_rows():
    assert repeats_rows(Round, Q(reports__unit_id__in=[1, 2]))
    assert repeats_rows(Round, Q(pk=1) | Q(reports__unit_id=1))


def test_own_fields_and_foreign_keys_do_not():
    assert not repeats_rows(Task, Q(public=True))
    assert not repeats_rows(Task, Q(public=True) & ~Q(code="x"))
    assert not repeats_rows(UnitReport, Q(round__title__icontains="x", unit_id__in=[1]))


def test_a_visitor_reads_public_tasks_without_distinct(db):
    assert not Task.objects.restrict(AnonymousUser()).query.distinct
