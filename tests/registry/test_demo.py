"""The demo registry: built through the audited actions and, for `stiplan demo`, topped up to the
province's 2021–2025 magnitudes through the bulk import; it holds every level, kind, regime and
state (risk acceptance only under Law 93/2025), flags what is synthetic and keeps the real
institutions, programmes and IP assets unflagged."""

from stiplan.core.models import AuditEntry
from stiplan.demo.registry import PROVINCE_2021_2025, create_demo_registry
from stiplan.registry.models import IPAsset, Organisation, Output, Person, Programme, Task

STATES_2014 = {"proposed", "rejected", "listed", "approved", "contracted", "suspended", "terminated",
               "not_accepted", "accepted", "registered", "applied"}


def test_the_demo_registry(db):
    """One build (it is slow), four statements."""
    create_demo_registry(tasks=40, province=True)
    the_magnitudes_are_the_provinces()
    every_level_kind_regime_and_state_is_represented()
    the_demo_is_audited_and_registered_results_carry_certificates()
    real_and_synthetic_rows_are_told_apart()


def the_magnitudes_are_the_provinces():
    window = Task.objects.filter(start_date__year__range=(2021, 2025))
    assert window.count() == PROVINCE_2021_2025["tasks"] == 373
    assert window.filter(level="national").count() == 17
    assert window.filter(level="grassroots").count() == 86
    assert Output.objects.filter(kind="plant_variety").count() == 15
    assert Organisation.objects.filter(kind="st_enterprise").count() == 14
    assert AuditEntry.objects.filter(action="registry.import_tasks").count() == 1


def every_level_kind_regime_and_state_is_represented():
    tasks = Task.objects.all()
    assert {t.level for t in tasks} == {"national", "ministerial", "provincial", "grassroots"}
    assert {t.kind for t in tasks} == {"de_tai", "du_an_sxtn", "de_an", "du_an_khcn", "innovation", "special"}
    assert {t.state for t in tasks if t.regime == "tt2014"} == STATES_2014
    assert {t.state for t in tasks if t.regime == "law2025"} == STATES_2014 | {"risk_accepted"}
    assert all(t.regime == t.default_regime for t in tasks)


def the_demo_is_audited_and_registered_results_carry_certificates():
    assert AuditEntry.objects.filter(action="registry.contract").count() == Task.objects.filter(
        steps__step="contract").count() > 0
    registered = Output.objects.filter(task__state__in=["registered", "applied"])
    assert registered and all(o.certificate_number for o in registered)


def real_and_synthetic_rows_are_told_apart():
    assert set(IPAsset.objects.values_list("title", flat=True)) >= {"Bưởi da xanh Vũng Liêm"}
    assert not IPAsset.objects.filter(synthetic=True).exists()
    assert Organisation.objects.get(code="dh-tra-vinh").synthetic is False
    assert all("mô phỏng" in o.name for o in Organisation.objects.filter(synthetic=True))
    assert Person.objects.filter(synthetic=False).count() == 0
    assert all(t.synthetic for t in Task.objects.all())
    assert sorted(Programme.objects.values_list("decision_number", flat=True)) == [
        "1425/QĐ-UBND", "1457/QĐ-UBND", "4538/QĐ-UBND", "776/QĐ-UBND", "841/QĐ-UBND"]
