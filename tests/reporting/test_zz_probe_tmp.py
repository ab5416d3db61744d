import io
from datetime import date
import openpyxl, pytest
from stiplan.reporting.actions import open_round
from stiplan.reporting.excel import build_template, apply_upload

@pytest.mark.django_db
def test_probe(plan):
    r = open_round(plan, kind="annual", year=2025, deadline=date(2025,12,10), opened_on=date(2025,11,1), by=None)
    rep = r.reports.get(unit__code="VL25.STC")
    wb = openpyxl.load_workbook(io.BytesIO(build_template(rep)))
    ws = wb["Chỉ tiêu"]; ws["D6"] = "0,12345"; ws["D7"] = "99999999,99999"
    b = io.BytesIO(); wb.save(b)
    print(apply_upload(rep, b.getvalue(), by=None))
    rep.refresh_from_db(); print(rep.version, [i.value for i in rep.indicator_items.all()])
    print(apply_upload(rep, build_template(rep), by=None))
    rep.refresh_from_db(); print(rep.version, [i.value for i in rep.indicator_items.all()])
