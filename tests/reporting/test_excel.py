"""The Excel round trip of a unit report, checked from the outside.

The template is opened with openpyxl, the way a spreadsheet program would see it, and filled the
way an official would fill it: statuses by their Vietnamese label, numbers written "1.234" or
"1,234.5", text typed in legacy TCVN3 or VNI fonts. An upload is saved whole or not at all, and
each refusal names the sheet, row and column, in Vietnamese and in English.

The round of 2025 is opened inside each test (rolled back afterwards). Sở Tài chính (VL25.STC)
reports 18 actions and 6 indicators; `tasks_proposed` is its one count-valued indicator.
"""

import io
import unicodedata
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied

from stiplan.core.models import AuditEntry
from stiplan.core.yamlio import InputError
from stiplan.reporting.actions import Conflict, open_round, save_items
from stiplan.reporting.excel import FIRST_ROW, HEADER_ROW, STAMP_SHEET, apply_upload, build_template
from stiplan.reporting.models import UnitReport

pytestmark = pytest.mark.django_db

ACTIONS, INDICATORS = "Nhiệm vụ", "Chỉ tiêu"
STATUS_LABELS = {"Chưa triển khai": "not_started", "Đang triển khai": "in_progress",
                 "Hoàn thành": "done", "Gặp vướng mắc": "blocked"}
# Per sheet: the columns a unit types in, and the ones it must not touch.
INPUT_COLUMNS = {ACTIONS: "DEFGH", INDICATORS: "DEFG"}
LOCKED_COLUMNS = {ACTIONS: "ABCI", INDICATORS: "ABCH"}
HEADERS = {
    ACTIONS: ["Mã", "Nhiệm vụ", "Vai trò", "Tình trạng", "Đã thực hiện trong năm",
              "Kết quả, sản phẩm", "Khó khăn, vướng mắc", "Đề xuất, kiến nghị", "Nhận xét của Sở"],
    INDICATORS: ["Mã", "Chỉ tiêu", "Đơn vị tính", "Giá trị", "Nguồn số liệu", "Ghi chú",
                 "Giải trình", "Nhận xét của Sở"],
}
STC_INDICATORS = ["grdp_current", "rd_state_spending", "st_investment", "sti_budget_spending",
                  "tasks_proposed", "total_budget_spending"]
UNICODE_TEXT = "Sở Tài chính đã triển khai"


# --- Fixtures and helpers ----------------------------------------------------------------------

def open_template(raw: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(raw))


def to_bytes(wb: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def data_rows(ws) -> list[int]:
    return [r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(r, 1).value not in (None, "")]


def codes(ws) -> list[str]:
    return [ws.cell(r, 1).value for r in data_rows(ws)]


def row_of(ws, code: str) -> int:
    return next(r for r in data_rows(ws) if ws.cell(r, 1).value == code)


def action_codes(report) -> list[str]:
    return [i.action.code for i in report.action_items.select_related("action")]


def state(report) -> dict:
    """Everything an upload could change: version, every item field, the audit log."""
    report.refresh_from_db()
    return {
        "version": report.version,
        "actions": list(report.action_items.order_by("pk").values_list(
            "status", "done", "results", "difficulties", "proposals", "review_comment",
            "changed_version")),
        "indicators": list(report.indicator_items.order_by("pk").values_list(
            "value", "source", "note", "explanation", "review_comment", "changed_version")),
        "audit": AuditEntry.objects.count(),
    }


def fill_valid(wb: openpyxl.Workbook) -> None:
    """Good answers in every row, so a refusal also proves nothing of them was saved."""
    ws = wb[ACTIONS]
    for n, r in enumerate(data_rows(ws)):
        ws[f"D{r}"] = list(STATUS_LABELS)[n % 3]  # not "Gặp vướng mắc": it needs a difficulty
        ws[f"E{r}"] = f"Đã thực hiện mục {n}"
    ws = wb[INDICATORS]
    for n, r in enumerate(data_rows(ws)):
        ws[f"D{r}"] = str(n + 1)
        ws[f"E{r}"] = "Cục Thống kê"


def filled(report) -> openpyxl.Workbook:
    """The report's template with good answers in every row (`fill_valid`)."""
    wb = open_template(build_template(report))
    fill_valid(wb)
    return wb


def refused(report, raw: bytes, by) -> InputError:
    """The refusal of uploading `raw` to `report`: it says why, and nothing of the report (items,
    version, audit log) changed."""
    before = state(report)
    with pytest.raises(InputError) as caught:
        apply_upload(report, raw, by=by)
    assert str(caught.value).strip(), "a refusal must say why"
    assert state(report) == before
    return caught.value


# --- The template as Excel shows it ----------------------------------------------------------

def test_template_has_the_action_and_indicator_sheets_and_a_very_hidden_stamp(stc):
    wb = open_template(build_template(stc))

    assert wb.sheetnames[:2] == [ACTIONS, INDICATORS]
    assert STAMP_SHEET in wb.sheetnames
    assert wb[STAMP_SHEET].sheet_state == "veryHidden"
    assert wb[ACTIONS].sheet_state == wb[INDICATORS].sheet_state == "visible"


def test_every_sheet_of_the_template_is_protected(stc):
    wb = open_template(build_template(stc))

    assert [ws.title for ws in wb if not ws.protection.sheet] == []


@pytest.mark.parametrize("sheet", [ACTIONS, INDICATORS])
def test_only_the_input_cells_of_each_row_are_unlocked(stc, sheet):
    ws = open_template(build_template(stc))[sheet]
    rows = data_rows(ws)
    assert rows, "the sheet has rows"

    for r in rows:
        unlocked = "".join(c.column_letter for c in ws[r] if not c.protection.locked)
        assert unlocked == INPUT_COLUMNS[sheet], f"row {r}"
        for letter in LOCKED_COLUMNS[sheet]:
            assert ws[f"{letter}{r}"].protection.locked, f"{letter}{r} must be locked"
    for r in range(1, FIRST_ROW):  # title, instructions and headers
        assert all(c.protection.locked for c in ws[r]), f"row {r}"


@pytest.mark.parametrize("sheet", [ACTIONS, INDICATORS])
def test_header_row_names_the_columns(stc, sheet):
    ws = open_template(build_template(stc))[sheet]

    assert [c.value for c in ws[HEADER_ROW]] == HEADERS[sheet]


def test_status_column_is_a_drop_down_of_the_four_statuses(stc):
    ws = open_template(build_template(stc))[ACTIONS]
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]

    assert len(lists) == 1
    offered = lists[0].formula1.strip('"').split(",")
    assert sorted(offered) == sorted(STATUS_LABELS)
    for r in data_rows(ws):
        assert f"D{r}" in lists[0].sqref, f"D{r} has the drop-down"
    assert not any(f"{c}{r}" in lists[0].sqref for c in "ABCEFGHI" for r in data_rows(ws))


def test_rows_hold_exactly_the_reports_codes_in_order(stc, sgddt):
    for report in (stc, sgddt):
        wb = open_template(build_template(report))
        assert codes(wb[ACTIONS]) == action_codes(report)
        assert codes(wb[INDICATORS]) == sorted(
            report.indicator_items.values_list("indicator__code", flat=True))
    assert codes(open_template(build_template(stc))[INDICATORS]) == STC_INDICATORS


def test_rows_show_the_label_and_what_is_already_saved(stc):
    first = action_codes(stc)[0]
    save_items(stc, by=None, actions={first: {"status": "done", "done": "Đã họp"}},
               indicators={"st_investment": {"value": Decimal("1234.5"), "source": "Sở"}})
    wb = open_template(build_template(stc))

    ws = wb[ACTIONS]
    r = row_of(ws, first)
    item = stc.action_items.get(action__code=first)
    assert ws[f"B{r}"].value == item.action.text
    assert (ws[f"D{r}"].value, ws[f"E{r}"].value) == ("Hoàn thành", "Đã họp")
    ws = wb[INDICATORS]
    r = row_of(ws, "st_investment")
    assert ws[f"C{r}"].value == "triệu đồng"
    assert Decimal(str(ws[f"D{r}"].value)) == Decimal("1234.5")
    assert ws[f"E{r}"].value == "Sở"


@pytest.mark.parametrize("payload", [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "@SUM(A1)",
    "-2+3",
])
def test_narratives_that_look_like_formulas_come_out_as_text(stc, payload):
    first = action_codes(stc)[0]
    save_items(stc, by=None, actions={first: {"done": payload, "proposals": payload}},
               indicators={"st_investment": {"source": payload}})
    wb = open_template(build_template(stc))

    cells = [wb[ACTIONS][f"E{row_of(wb[ACTIONS], first)}"],
             wb[ACTIONS][f"H{row_of(wb[ACTIONS], first)}"],
             wb[INDICATORS][f"E{row_of(wb[INDICATORS], 'st_investment')}"]]
    for cell in cells:
        assert cell.data_type != "f", f"{cell.coordinate} became a formula"
        assert isinstance(cell.value, str) and cell.value.startswith(payload[:2])
        assert cell.value == payload
        assert cell.quotePrefix, f"{cell.coordinate} must stay text when edited in Excel"


# --- A filled template comes back ------------------------------------------------------------

def test_a_filled_template_is_saved_exactly_with_a_new_version_and_an_audit_trail(stc, reporter):
    before = state(stc)
    wb = open_template(build_template(stc))
    ws = wb[ACTIONS]
    labels = list(STATUS_LABELS)
    expected_actions = {}
    for n, r in enumerate(data_rows(ws)):
        label = labels[n % 4]
        ws[f"D{r}"] = label
        ws[f"E{r}"] = f"Đã thực hiện việc {n}"
        ws[f"F{r}"] = "Kết quả 1\nKết quả 2"
        ws[f"G{r}"] = "Thiếu kinh phí" if label == "Gặp vướng mắc" else None
        ws[f"H{r}"] = "Đề nghị bổ sung" if n == 0 else None
        expected_actions[ws[f"A{r}"].value] = STATUS_LABELS[label]
    ws = wb[INDICATORS]
    typed = {"grdp_current": "1.234", "rd_state_spending": "12,5", "st_investment": "1,234.5",
             "sti_budget_spending": "x", "tasks_proposed": 7, "total_budget_spending": 2500000.75}
    for code, value in typed.items():
        r = row_of(ws, code)
        ws[f"D{r}"] = value
        ws[f"E{r}"] = "Cục Thống kê tỉnh"
    ws[f"F{row_of(ws, 'sti_budget_spending')}"] = "Chưa có số liệu quyết toán"

    changed = apply_upload(stc, to_bytes(wb), by=reporter)

    items = {i.action.code: i for i in stc.action_items.select_related("action")}
    assert {code: i.status for code, i in items.items()} == expected_actions
    first = action_codes(stc)[0]
    assert items[first].done == "Đã thực hiện việc 0"
    assert items[first].results == "Kết quả 1\nKết quả 2"
    assert items[first].proposals == "Đề nghị bổ sung"
    assert all(i.difficulties == "Thiếu kinh phí" for i in items.values() if i.status == "blocked")
    values = dict(stc.indicator_items.values_list("indicator__code", "value"))
    assert values == {"grdp_current": Decimal("1234"), "rd_state_spending": Decimal("12.5"),
                      "st_investment": Decimal("1234.5"), "sti_budget_spending": None,
                      "tasks_proposed": Decimal("7"), "total_budget_spending": Decimal("2500000.75")}
    assert all(isinstance(v, Decimal) for v in values.values() if v is not None)
    assert set(stc.indicator_items.values_list("source", flat=True)) == {"Cục Thống kê tỉnh"}
    stc.refresh_from_db()
    assert stc.version == before["version"] + 1
    assert changed == len(items) + len(typed)
    new = AuditEntry.objects.order_by("pk")[before["audit"]:]
    assert sorted(e.action for e in new) == (["reporting.save_actionitem"] * len(items)
                                             + ["reporting.save_indicatoritem"] * len(typed))
    assert {(e.actor_id, e.reason) for e in new} == {(reporter.pk, "excel")}


def test_an_untouched_template_changes_nothing(stc, reporter):
    # Narratives are stored sanitised, as the web form saves them ("&" as "&amp;").
    save_items(stc, by=None, actions={action_codes(stc)[0]: {"status": "done",
                                                             "done": "Họp &amp; ký kết"}},
               indicators={"grdp_current": {"value": Decimal("12.3456")}})
    stc.refresh_from_db()
    before = state(stc)

    assert apply_upload(stc, build_template(stc), by=reporter) == 0
    assert state(stc) == before


def test_a_template_filled_through_the_pages_is_saved(stc, login):
    client = login("baocao.stc")
    response = client.get(f"/reporting/reports/{stc.pk}/template.xlsx")
    assert response.status_code == 200
    wb = open_template(response.content)
    wb[INDICATORS][f"D{row_of(wb[INDICATORS], 'grdp_current')}"] = "1.234,5"

    upload = io.BytesIO(to_bytes(wb))
    upload.name = "bao-cao.xlsx"
    response = client.post(f"/reporting/reports/{stc.pk}/upload/", {"file": upload})

    assert response.status_code == 302
    assert stc.indicator_items.get(indicator__code="grdp_current").value == Decimal("1234.5")


@pytest.mark.parametrize("typed", [
    "Së Tµi chÝnh ®· triÓn khai",  # TCVN3 (ABC)
    "Sôû Taøi chính ñaõ trieån khai",  # VNI
    unicodedata.normalize("NFD", UNICODE_TEXT),  # decomposed Unicode (macOS, some IMEs)
], ids=["tcvn3", "vni", "nfd"])
def test_legacy_and_decomposed_text_is_saved_as_unicode_nfc(stc, reporter, typed):
    wb = open_template(build_template(stc))
    first = row_of(wb[ACTIONS], action_codes(stc)[0])
    wb[ACTIONS][f"E{first}"] = typed
    wb[INDICATORS][f"E{row_of(wb[INDICATORS], 'grdp_current')}"] = typed

    apply_upload(stc, to_bytes(wb), by=reporter)

    done = stc.action_items.get(action__code=action_codes(stc)[0]).done
    source = stc.indicator_items.get(indicator__code="grdp_current").source
    assert done == source == UNICODE_TEXT
    assert unicodedata.is_normalized("NFC", done)


@pytest.mark.parametrize("typed", ["hoan thanh", "HOÀN THÀNH", "Hoµn thµnh", "done"])
def test_a_status_is_recognised_without_diacritics_in_capitals_or_in_tcvn3(stc, reporter, typed):
    wb = open_template(build_template(stc))
    wb[ACTIONS][f"D{FIRST_ROW}"] = typed

    apply_upload(stc, to_bytes(wb), by=reporter)

    assert stc.action_items.get(action__code=action_codes(stc)[0]).status == "done"


# --- Refusals: where, why, and nothing saved ---------------------------------------------------

def _number(code, typed):
    def edit(wb):
        ws = wb[INDICATORS]
        r = row_of(ws, code)
        ws[f"D{r}"] = typed
        return INDICATORS, r, "D"
    return edit


def _cell(sheet, column, value, row_index=0):
    def edit(wb):
        ws = wb[sheet]
        r = data_rows(ws)[row_index]
        ws[f"{column}{r}"] = value
        return sheet, r, column
    return edit


def _appended_row(code_of):
    def edit(wb):
        ws = wb[ACTIONS]
        source, last = data_rows(ws)[0], data_rows(ws)[-1]
        for col in range(1, 10):
            ws.cell(last + 1, col).value = ws.cell(source, col).value
        ws.cell(last + 1, 1).value = code_of(ws.cell(source, 1).value)
        return ACTIONS, last + 1, "A"
    return edit


def _header(wb):
    wb[ACTIONS]["E5"] = "Đã làm"
    return ACTIONS, HEADER_ROW, "E"


REFUSALS = {
    "letters in a number cell": (_number("rd_state_spending", "mười hai"),
                                 "«mười hai» không phải là số", "'mười hai' is not a number"),
    "a date in a number cell": (_number("rd_state_spending", date(2025, 12, 10)),
                                "không phải là số", "is not a number"),
    "TRUE in a number cell": (_number("rd_state_spending", True),
                              "không phải là số", "is not a number"),
    "1e400 typed in a number cell": (_number("rd_state_spending", "1e400"),
                                     "không phải là số", "is not a number"),
    "a status not in the list": (_cell(ACTIONS, "D", "Xong rồi"),
                                 "tình trạng «Xong rồi» không có trong danh sách",
                                 "status 'Xong rồi' is not in the list"),
    "an edited action text (locked column B)": (_cell(ACTIONS, "B", "Nhiệm vụ khác"),
                                                "ô bị khóa đã bị sửa", "a locked cell was changed"),
    "an edited indicator unit (locked column C)": (_cell(INDICATORS, "C", "đồng"),
                                                   "ô bị khóa đã bị sửa",
                                                   "a locked cell was changed"),
    "a reviewer comment typed by the unit (locked)": (_cell(ACTIONS, "I", "Tốt"),
                                                      "ô bị khóa đã bị sửa",
                                                      "a locked cell was changed"),
    "a formula in a number cell": (_number("grdp_current", "=1+1"),
                                   "không được dùng công thức", "formulas are not allowed"),
    "a formula in a narrative cell": (_cell(ACTIONS, "E", '=HYPERLINK("http://x","y")', 2),
                                      "không được dùng công thức", "formulas are not allowed"),
    "a value above the bound": (_number("grdp_current", "10.000.001"),
                                "ngoài khoảng cho phép", "outside the allowed range"),
    "a value below the bound": (_number("grdp_current", "-1"),
                                "ngoài khoảng cho phép", "outside the allowed range"),
    "a fraction in a count indicator": (_number("tasks_proposed", "2,5"),
                                        "cần một số nguyên", "a whole number is required"),
    "a fractional number in a count indicator": (_number("tasks_proposed", 3.5),
                                                 "cần một số nguyên", "a whole number is required"),
    "more decimals than can be stored": (_number("rd_state_spending", "0,12345"),
                                         "", ""),
    "an unknown code": (_appended_row(lambda code: "IX.9.9"),
                        "mã «IX.9.9» không có trong báo cáo", "code 'IX.9.9' is not in this report"),
    "a duplicated row": (_appended_row(lambda code: code), "lặp lại", "repeated"),
    "an edited column header": (_header, "tiêu đề cột bị sửa", "column header changed"),
    "a text too long": (_cell(ACTIONS, "F", "chữ " * 2001), "nội dung quá dài", "text too long"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_bad_cell_is_refused_naming_sheet_row_and_column_and_nothing_is_saved(
        stc, reporter, case):
    edit, vi, en = REFUSALS[case]
    wb = filled(stc)
    sheet, row, column = edit(wb)

    error = refused(stc, to_bytes(wb), reporter)

    text = str(error)
    assert f"Trang «{sheet}», dòng {row}, cột {column}" in text
    assert f"sheet '{sheet}', row {row}, column {column}" in text
    assert vi in text and en in text


@pytest.mark.parametrize("sheet", [ACTIONS, INDICATORS])
def test_a_deleted_row_is_refused_naming_the_missing_code(stc, reporter, sheet):
    wb = filled(stc)
    ws = wb[sheet]
    r = data_rows(ws)[1]
    code = ws[f"A{r}"].value
    ws.delete_rows(r)

    text = str(refused(stc, to_bytes(wb), reporter))

    assert f"Trang «{sheet}», cột A: thiếu dòng của mã «{code}»" in text
    assert f"sheet '{sheet}', column A: the row of code '{code}' is missing" in text


@pytest.mark.parametrize("sheet", [ACTIONS, INDICATORS])
def test_a_renamed_sheet_is_refused_as_missing(stc, reporter, sheet):
    wb = filled(stc)
    wb[sheet].title = "Trang 1"

    text = str(refused(stc, to_bytes(wb), reporter))

    assert f"Trang «{sheet}»: thiếu trang này trong tệp" in text
    assert f"sheet '{sheet}': the sheet is missing" in text


def test_every_bad_cell_is_listed_at_once(stc, reporter):
    wb = open_template(build_template(stc))
    ws = wb[INDICATORS]
    ws[f"D{row_of(ws, 'grdp_current')}"] = "mười"
    ws[f"D{row_of(ws, 'tasks_proposed')}"] = "2,5"
    wb[ACTIONS][f"D{FIRST_ROW}"] = "Xong"

    error = refused(stc, to_bytes(wb), reporter)

    assert len(error.problems) == 3
    assert [str(p).count("Trang «") for p in error.problems] == [1, 1, 1]


# --- Refusals of the whole file: stale, foreign or tampered templates -------------------------

def test_a_template_downloaded_before_a_change_is_refused(stc, reporter):
    old = filled(stc)
    save_items(stc, by=None, actions={action_codes(stc)[0]: {"done": "Sửa trên trang web"}})

    fresh = UnitReport.objects.get(pk=stc.pk)  # as the upload page loads it
    text = str(refused(fresh, to_bytes(old), reporter))

    assert "đã thay đổi sau khi tải mẫu" in text
    assert "changed after this template was downloaded" in text


def test_a_stale_template_is_refused_even_against_a_stale_copy_of_the_report(stc, reporter):
    old = filled(stc)
    save_items(stc, by=None, actions={action_codes(stc)[0]: {"done": "Sửa trên trang web"}})
    before = state(stc)
    stc.version = 1  # the caller still holds the report as it was before the change

    with pytest.raises((InputError, Conflict)):
        apply_upload(stc, to_bytes(old), by=reporter)
    assert state(stc) == before


def test_another_units_template_is_refused_naming_that_unit(stc, sgddt, reporter):
    wb = filled(sgddt)

    text = str(refused(stc, to_bytes(wb), reporter))

    assert "mẫu của đơn vị khác (VL25.SGDDT)" in text
    assert "template of another unit (VL25.SGDDT)" in text


def test_a_template_of_another_round_is_refused(plan, stc, reporter):
    next_year = open_round(plan, kind="annual", year=2026, deadline=date(2026, 12, 10),
                           opened_on=date(2026, 11, 1), by=None)
    wb = filled(next_year.reports.get(unit__code="VL25.STC"))

    text = str(refused(stc, to_bytes(wb), reporter))

    assert "mẫu của kỳ báo cáo khác" in text and "template of another reporting round" in text


def _stamp_version_raised(ws):
    ws["B1"] = ws["B1"].value.replace('"version": 1', '"version": 2')


def _stamp_other_report(ws):
    ws["B1"] = ws["B1"].value.replace('"report": ', '"report": 9')


def _signature_flipped(ws):
    sig = ws["B2"].value
    ws["B2"] = ("0" if sig[0] != "0" else "1") + sig[1:]


def _signature_in_vietnamese(ws):
    ws["B2"] = "chữ ký"


def _stamp_numbers(ws):
    ws["B1"], ws["B2"] = 1, 2


def _stamp_cleared(ws):
    for ref in ("A1", "B1", "A2", "B2"):
        ws[ref] = None


STAMP_EDITS = {"version raised": _stamp_version_raised, "report id": _stamp_other_report,
               "signature flipped": _signature_flipped,
               "signature in Vietnamese": _signature_in_vietnamese,
               "numbers instead of text": _stamp_numbers, "cleared": _stamp_cleared}


@pytest.mark.parametrize("edit", list(STAMP_EDITS))
def test_a_workbook_whose_hidden_stamp_was_edited_is_refused(stc, reporter, edit):
    wb = filled(stc)
    STAMP_EDITS[edit](wb[STAMP_SHEET])

    text = str(refused(stc, to_bytes(wb), reporter))

    assert f"Trang «{STAMP_SHEET}»" in text
    assert "dấu mẫu không hợp lệ" in text or "thiếu dấu mẫu" in text


def test_a_workbook_without_the_stamp_is_refused(stc, reporter):
    wb = filled(stc)
    del wb[STAMP_SHEET]

    text = str(refused(stc, to_bytes(wb), reporter))

    assert "không phải mẫu do stiplan tạo" in text and "not a stiplan template" in text


def test_an_upload_by_another_units_officer_is_denied_and_saves_nothing(stc, other_reporter):
    before = state(stc)
    wb = filled(stc)

    with pytest.raises(PermissionDenied):
        apply_upload(stc, to_bytes(wb), by=other_reporter)
    assert state(stc) == before


def test_a_refused_upload_through_the_page_redirects_with_the_problems(stc, login):
    client = login("baocao.stc")
    before = state(stc)
    wb = open_template(build_template(stc))
    r = row_of(wb[INDICATORS], "rd_state_spending")
    wb[INDICATORS][f"D{r}"] = "mười hai"
    upload = io.BytesIO(to_bytes(wb))
    upload.name = "bao-cao.xlsx"

    response = client.post(f"/reporting/reports/{stc.pk}/upload/", {"file": upload})

    assert response.status_code == 302
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(f"Trang «{INDICATORS}», dòng {r}, cột D" in m for m in shown), shown
    assert state(stc) == before


def test_uploads_are_parsed_through_defusedxml_not_lxml():
    """lxml is installed (Word documents); openpyxl must still read uploads with defusedxml."""
    import openpyxl

    assert openpyxl.DEFUSEDXML and not openpyxl.LXML
