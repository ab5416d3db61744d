"""One validation for every input path: the web form, the Excel upload and the API refuse the
same bad values, with the same message, and save nothing. Sở Tài chính (VL25.STC) reports
`tasks_proposed`, a count bounded to [0; 200]."""

import html
import io
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from stiplan.core.yamlio import InputError
from stiplan.reporting import inputs
from stiplan.reporting.excel import HEADER_ROW, apply_upload, build_template
from stiplan.reporting.models import UnitReport

pytestmark = pytest.mark.django_db

# (what is wrong, item kind, field, bad value, the message every path must give)
BAD = [
    ("fraction for a count", "indicator", "value", "2,5", "cần một số nguyên, không phải 2,5"),
    ("over the upper bound", "indicator", "value", "500", "giá trị 500 ngoài khoảng cho phép [0; 200]"),
    ("under the lower bound", "indicator", "value", "-1", "giá trị -1 ngoài khoảng cho phép [0; 200]"),
    ("not a number", "indicator", "value", "nhiều", "«nhiều» không phải là số"),
    ("too many decimals", "indicator", "value", "1,23456", "tối đa 4 chữ số sau dấu phẩy"),
    ("over-long narrative", "action", "done", "đ" * 8001,
     "nội dung quá dài (8001 ký tự, tối đa 8000)"),
    ("over-long note", "indicator", "note", "n" * 8001, "nội dung quá dài (8001 ký tự, tối đa 8000)"),
    ("over-long source", "indicator", "source", "s" * 301, "nội dung quá dài (301 ký tự, tối đa 300)"),
    ("unknown status", "action", "status", "Sắp xong",
     "tình trạng «Sắp xong» không có trong danh sách"),
]


def code_of(report, kind: str) -> str:
    if kind == "indicator":
        return "tasks_proposed"
    return report.action_items.select_related("action").first().action.code
SHEET = {"action": "Nhiệm vụ", "indicator": "Chỉ tiêu"}
HEADER = {"value": "Giá trị", "source": "Nguồn số liệu", "note": "Ghi chú", "done":
          "Đã thực hiện trong năm", "status": "Tình trạng"}


def snapshot(report) -> tuple:
    report = UnitReport.objects.get(pk=report.pk)
    return (report.version,
            list(report.indicator_items.values_list("value", "source", "note")),
            list(report.action_items.values_list("status", "done")))


def by_web(client, report, kind, field, bad) -> list[str]:
    prefix = {"action": "a", "indicator": "i"}[kind] + f":{code_of(report, kind)}:"
    form = {"verb": "save", "version": report.version,
            prefix + ("status" if kind == "action" else "value"): ""} | {prefix + field: bad}
    response = client.post(f"/reporting/reports/{report.pk}/", form)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    start = page.index('data-testid="refused"')  # the page's list of refused values
    return page[start:page.index("</section>", start)].split("<li>")[1:]


def by_excel(report, kind, field, bad, user) -> list[str]:
    wb = openpyxl.load_workbook(io.BytesIO(build_template(report)))
    ws = wb[SHEET[kind]]
    column = [c.value for c in ws[HEADER_ROW]].index(HEADER[field]) + 1
    code = code_of(report, kind)
    row = next(r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value == code)
    ws.cell(row, column).value = bad
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(InputError) as err:
        apply_upload(report, out.getvalue(), by=user)
    return [str(p) for p in err.value.problems]


def by_api(report, kind, field, bad, user) -> list[str]:
    api = APIClient()
    api.force_authenticate(user)
    response = api.post(f"/api/v1/reports/{report.pk}/save/",
                        {"version": report.version, f"{kind}s": {code_of(report, kind): {field: bad}}},
                        format="json")
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert {(p["item"], p["field"]) for p in problems} == {(f"{kind}:{code_of(report, kind)}", field)}
    return [p["vi"] for p in problems]


@pytest.mark.parametrize(("wrong", "kind", "field", "bad", "message"), BAD, ids=[b[0] for b in BAD])
def test_web_excel_and_api_refuse_the_same_bad_values(stc, reporter, login, wrong, kind, field, bad,
                                                      message):
    before = snapshot(stc)
    answers = {"web": by_web(login("baocao.stc"), stc, kind, field, bad),
               "excel": by_excel(stc, kind, field, bad, reporter),
               "api": by_api(stc, kind, field, bad, reporter)}
    for path, said in answers.items():
        assert any(message in m for m in said), (path, said)
        assert snapshot(stc) == before, path


def test_the_same_values_are_accepted_everywhere(stc, reporter, login):
    """The other side: a whole number in bounds, a 300-character source and an 8,000-character
    narrative are saved by each path."""
    client = login("baocao.stc")
    prefix = "i:tasks_proposed:"
    client.post(f"/reporting/reports/{stc.pk}/", {"verb": "save", "version": stc.version,
                                                  prefix + "value": "200", prefix + "source": "s" * 300})
    item = stc.indicator_items.get(indicator__code="tasks_proposed")
    assert (item.value, len(item.source)) == (Decimal(200), 300)
    api = APIClient()
    api.force_authenticate(reporter)
    stc.refresh_from_db()
    action = code_of(stc, "action")
    response = api.post(f"/api/v1/reports/{stc.pk}/save/", {"version": stc.version, "actions": {
        action: {"status": "Đang triển khai", "done": "đ" * 8000}}}, format="json")
    assert response.status_code == 200 and response.json()["changed"] == 1
    action = stc.action_items.get(action__code=action)
    assert (action.status, len(action.done)) == ("in_progress", 8000)


def test_the_api_refuses_unknown_items_and_fields(stc, reporter):
    api = APIClient()
    api.force_authenticate(reporter)
    response = api.post(f"/api/v1/reports/{stc.pk}/save/", {"indicators": {
        "no_such_code": {"value": "1"}, "tasks_proposed": {"review_comment": "tự duyệt"}}},
        format="json")
    assert response.status_code == 400
    assert {(p["item"], p["field"]) for p in response.json()["problems"]} == {
        ("indicator:no_such_code", ""), ("indicator:tasks_proposed", "review_comment")}


# --- The definition itself, on arbitrary input ---------------------------------------------------

bounds = st.one_of(st.none(), st.decimals(-1000, 1000, places=2, allow_nan=False))


@given(st.decimals(-10**6, 10**6, places=6, allow_nan=False), st.booleans(), bounds, bounds)
def test_a_value_is_accepted_exactly_when_every_rule_holds(number, whole, low, high):
    rules = inputs.ValueRules(whole, low, high)
    value, problem = inputs.read_value(str(number), rules)
    holds = (number.normalize().as_tuple().exponent >= -4
             and (not whole or number == number.to_integral_value())
             and (low is None or number >= low) and (high is None or number <= high))
    assert (problem is None) == holds
    assert value == (number if holds else None)


@settings(deadline=None)  # long texts on a loaded machine; what is checked is the rule, not speed
@given(st.text(min_size=1, max_size=3), st.integers(1, 2800),
       st.sampled_from(["source", "note", "done", "answer"]))
def test_a_text_is_accepted_exactly_when_it_fits(piece, times, field):
    limit = 300 if field == "source" else 8000
    typed = inputs.clean_text(piece * times)
    value, problem = inputs.read_text(field, piece * times)
    assert (problem is not None) == (len(typed) > limit)
    if problem is None and field == "source":
        assert value == typed
