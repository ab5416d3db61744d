"""What the database itself refuses in the registry, and the regime a start date gives."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from stiplan.registry.models import BudgetLine, Person, Regime, TaskMember, regime_for

pytestmark = pytest.mark.django_db


def test_the_regime_changes_on_the_first_of_october_2025():
    assert regime_for(dt.date(2025, 9, 30)) == Regime.CIRCULARS_2014
    assert regime_for(dt.date(2025, 10, 1)) == Regime.LAW_2025


def test_a_lump_sum_part_cannot_exceed_the_amount_and_a_source_year_is_counted_once(propose):
    task = propose()
    BudgetLine.objects.create(task=task, source="provincial", year=2024, amount=500, lump_sum=300)
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(task=task, source="host", year=2024, amount=100, lump_sum=101)
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(task=task, source="provincial", year=2024, amount=1)


def test_a_dated_role_cannot_end_before_it_starts(propose, people):
    task = propose()
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskMember.objects.create(task=task, person=people[0], role="principal",
                                  valid_from=dt.date(2025, 1, 2), valid_to=dt.date(2025, 1, 1))


def test_the_principal_investigator_is_the_one_holding_the_role_on_the_day(propose, people):
    task = propose()
    TaskMember.objects.create(task=task, person=people[0], role="principal",
                              valid_from=dt.date(2024, 3, 1), valid_to=dt.date(2024, 12, 31))
    TaskMember.objects.create(task=task, person=people[1], role="principal", valid_from=dt.date(2025, 1, 1))
    TaskMember.objects.create(task=task, person=people[2], role="member", valid_from=dt.date(2024, 3, 1))
    assert task.principal_investigator(dt.date(2024, 6, 1)) == people[0]
    assert task.principal_investigator(dt.date(2025, 6, 1)) == people[1]
    assert task.principal_investigator(dt.date(2020, 1, 1)) is None


def test_an_innovation_subkind_belongs_to_innovation_tasks_only(propose):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="268/2025"):
        propose("law2025", code="DMST-1", kind="innovation")
    assert propose("law2025", code="DMST-2", kind="innovation", innovation_subkind="startup").pk
    with pytest.raises(ValidationError, match="Chỉ nhiệm vụ đổi mới sáng tạo"):
        propose("law2025", code="DT-3", innovation_subkind="startup")


def test_personal_data_fields_are_declared_private():
    names = {f.name for f in Person._meta.get_fields()}
    assert {"email", "phone", "id_number", "birth_date", "address"} == set(Person.PRIVATE_FIELDS)
    assert set(Person.PRIVATE_FIELDS) <= names
