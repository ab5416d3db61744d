"""The Excel template through a real office suite: a unit downloads its report's template, fills
it, and LibreOffice Calc (headless, `libreoffice-calc-nogui`, installed by `make system-deps`)
saves it again, rewriting the whole workbook as Calc writes .xlsx — not as openpyxl does. The
upload page takes that file and updates the report; a template downloaded before the report
changed is refused with the message that says so, even after Calc re-saved it.
"""

import io
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.contrib.messages import get_messages

from stiplan.reporting.actions import save_items
from stiplan.reporting.excel import FIRST_ROW

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")]

ACTIONS, INDICATORS = "Nhiệm vụ", "Chỉ tiêu"
#: What the unit types in the indicator sheet, as an official would (Vietnamese digit grouping,
#: a comma for the decimals, «x» for no figure), and what is stored.
TYPED = {"grdp_current": ("1.234.567", Decimal("1234567")),
         "rd_state_spending": ("12,5", Decimal("12.5")),
         "tasks_proposed": (7, Decimal("7")),
         "sti_budget_spending": ("x", None)}
DONE = "Đã triển khai 3 mô hình ứng dụng khoa học và công nghệ"


@pytest.fixture(scope="module")
def calc_profile(tmp_path_factory) -> Path:
    """A LibreOffice user profile of this module's own, made on the first run."""
    return tmp_path_factory.mktemp("calc-profile")


def resave_in_calc(raw: bytes, folder: Path, profile: Path) -> bytes:
    """The workbook opened and saved again as .xlsx by LibreOffice Calc, headless."""
    (folder / "in").mkdir()
    source = folder / "in" / "bao-cao.xlsx"
    source.write_bytes(raw)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--norestore", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
                    "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=300)
    return (folder / "bao-cao.xlsx").read_bytes()


def written_by(raw: bytes) -> str:
    """The application a workbook names as its writer (docProps/app.xml)."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return archive.read("docProps/app.xml").decode()


def row_of(ws, code: str) -> int:
    return next(r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(r, 1).value == code)


def filled(template: bytes) -> bytes:
    """The template with every action marked in progress with what was done, and the indicators
    of TYPED entered with their source."""
    wb = openpyxl.load_workbook(io.BytesIO(template))
    ws = wb[ACTIONS]
    for r in range(FIRST_ROW, ws.max_row + 1):
        if ws.cell(r, 1).value:
            ws[f"D{r}"], ws[f"E{r}"] = "Đang triển khai", DONE
    ws = wb[INDICATORS]
    for code, (typed, _stored) in TYPED.items():
        r = row_of(ws, code)
        ws[f"D{r}"], ws[f"E{r}"] = typed, "Cục Thống kê tỉnh"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, report, raw: bytes):
    body = io.BytesIO(raw)
    body.name = "bao-cao.xlsx"
    return client.post(f"/reporting/reports/{report.pk}/upload/", {"file": body})


def test_a_template_filled_and_resaved_by_calc_updates_the_report(stc, login, tmp_path,
                                                                  calc_profile):
    client = login("baocao.stc")
    template = client.get(f"/reporting/reports/{stc.pk}/template.xlsx").content
    version = stc.version

    resaved = resave_in_calc(filled(template), tmp_path, calc_profile)
    assert "LibreOffice" in written_by(resaved) and "LibreOffice" not in written_by(template)

    response = upload(client, stc, resaved)

    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert response.status_code == 302
    assert any(m.startswith("Đã nhận tệp") for m in shown), shown
    stc.refresh_from_db()
    assert stc.version == version + 1
    actions = list(stc.action_items.values_list("status", "done"))
    assert actions and set(actions) == {("in_progress", DONE)}
    values = dict(stc.indicator_items.values_list("indicator__code", "value"))
    assert {code: values[code] for code in TYPED} == {c: v for c, (_t, v) in TYPED.items()}
    assert set(stc.indicator_items.filter(indicator__code__in=TYPED)
               .values_list("source", flat=True)) == {"Cục Thống kê tỉnh"}


def test_a_stale_template_resaved_by_calc_is_refused_and_saves_nothing(stc, login, tmp_path,
                                                                       calc_profile):
    client = login("baocao.stc")
    template = client.get(f"/reporting/reports/{stc.pk}/template.xlsx").content
    first = stc.action_items.select_related("action").first()
    save_items(stc, by=None, actions={first.action.code: {"done": "Sửa trên trang web"}})
    stc.refresh_from_db()
    version = stc.version

    response = upload(client, stc, resave_in_calc(filled(template), tmp_path, calc_profile))

    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert response.status_code == 302
    assert f"báo cáo đã thay đổi sau khi tải mẫu (mẫu: phiên bản {version - 1}, " \
           f"hiện tại: {version}); hãy tải mẫu mới" in shown
    stc.refresh_from_db()
    assert stc.version == version
    assert set(stc.action_items.values_list("done", flat=True)) == {"Sửa trên trang web", ""}
    assert stc.indicator_items.filter(value__isnull=False).count() == 0
