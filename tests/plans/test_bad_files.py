"""A bad plan file is refused with a message naming the place, and nothing is loaded.

Each bad file is the real plan file (plans/vinh-long-1925-2023.yaml) with its plan code changed to
`vinh-long-bad`, so that it would otherwise load as a NEW plan, and then exactly one defect. The
expected line is found by searching the produced text, never hard-coded.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from stiplan.core.models import AuditEntry
from stiplan.core.yamlio import InputError
from stiplan.plans.io import parse_plan
from stiplan.plans.models import Action, Assignment, Indicator, Plan, Target

pytestmark = pytest.mark.django_db

PLAN_FILE = Path(django_settings.BASE_DIR) / "plans" / "vinh-long-1925-2023.yaml"
REAL = PLAN_FILE.read_text(encoding="utf-8")
BASE, _n = re.subn(r"^code: vinh-long-1925-2023$", "code: vinh-long-bad", REAL, flags=re.M)
assert _n == 1, "the plan file has one top-level `code:` line"


# --- Building the bad files ---------------------------------------------------------------------

def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based number of the line holding the `occurrence`-th `needle`."""
    found = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(found) >= occurrence, f"«{needle}» is not in the produced file"
    return found[occurrence - 1]


def edit(old: str, new: str, *, at: str | None = None, occurrence: int = 1):
    """A defect: replace the first `old` by `new`; the place is the line holding `at` (or `new`)."""
    def make(base: str):
        assert old in base, f"«{old}» is not in the plan file"
        text = base.replace(old, new, 1)
        return text, line_of(text, at or new.strip().splitlines()[0], occurrence)
    return make


def delete_line(old: str, *, at: str):
    def make(base: str):
        text, n = re.subn(rf"^{re.escape(old)}\n", "", base, count=1, flags=re.M)
        assert n == 1
        return text, line_of(text, at)
    return make


def top_level_list(base: str):
    lines = []
    first = True
    for line in base.splitlines():
        if line.startswith("#") or not line:
            lines.append(line)
        elif first:
            lines.append("- " + line)
            first = False
        else:
            lines.append("  " + line)
    text = "\n".join(lines) + "\n"
    return text, line_of(text, "- schema:")


def not_utf8(base: str):
    """The signer's name typed in Latin-1 ("Quy\\xean"), as an old editor would save it."""
    raw = base.encode("utf-8")
    name = "Nguyễn Thị Quyên Thanh".encode()
    assert name in raw
    raw = raw.replace(name, name.replace("Quyên".encode(), "Quyên".encode("latin-1")), 1)
    return raw, line_of(base, "signer: ")


def unclosed_quote_at_end(base: str):
    text = base.rstrip("\n")
    cut = text.rfind("basis: seed}")
    text = text[:cut] + 'basis: "seed}\n'
    return text, len(text.splitlines())


def complex_key(base: str):
    text = base + "? [status, code]\n: in_force\n"
    return text, line_of(text, "? [status, code]")


# (id, make(base) -> (text or bytes, expected line), fragment of the expected problem)
CASES = [
    ("malformed-yaml-bad-indentation",
     edit("  date: 2023-08-16\n", "    date: 2023-08-16\n"), "malformed YAML"),
    ("malformed-yaml-unclosed-quote",
     edit('wording: "trên 50%", ', 'wording: "trên 50%, ', at='"trên 50%, '), "malformed YAML"),
    ("malformed-yaml-unclosed-quote-at-end-of-file", unclosed_quote_at_end, "malformed YAML"),
    ("top-level-is-a-list", top_level_list, "a mapping is required"),
    ("wrong-schema", edit("schema: stiplan.plan/1", "schema: stiplan.plan/2"), "schema"),
    ("missing-required-status",
     delete_line("status: in_force", at="schema: stiplan.plan/1"), "(tệp).status"),
    ("unknown-field", edit("title_en:", "titel_en:"), "titel_en': unknown field"),
    ("duplicated-key",
     edit("status: in_force\n", "status: in_force\nstatus: draft\n", at="status: draft"),
     "status': duplicated key"),
    ("unknown-unit",
     edit("{unit: VL.SKHCN, role: lead", "{unit: VL.KHONGCO, role: lead"),
     "task_groups[0].actions[0].assignments[0].unit"),
    ("unit-not-yet-existing-on-the-issue-date",
     edit("{unit: VL.SKHCN, role: lead", "{unit: VL25.SKHCN, role: lead"),
     "unit 'VL25.SKHCN' did not exist on the issue date"),
    ("range-low-above-high", edit("low: 1.2, high: 1.5", "low: 1.8, high: 1.5"),
     "targets[2].low"),
    ("milestone-outside-the-period",
     edit("{code: T01, indicator: tfp_share, year: 2030",
          "{code: T01, indicator: tfp_share, year: 2035"), "targets[0].year"),
    ("duplicate-target-code", edit("{code: T02,", "{code: T01,", at="{code: T01,", occurrence=2),
     "targets[1].code': duplicate code 'T01'"),
    ("duplicate-action-code",
     edit('code: "III.1.2"', 'code: "III.1.1"', at='code: "III.1.1"', occurrence=2),
     "task_groups[0].actions[1].code': duplicate code 'III.1.1'"),
    ("unknown-indicator", edit("indicator: tfp_share,", "indicator: tfp_shares,"),
     "targets[0].indicator': indicator 'tfp_shares' is not declared"),
    ("unknown-target-referenced", edit("targets: [T15]", "targets: [T99]"),
     "task_groups[2].actions[0].targets[0]': target 'T99' is not in the plan"),
    ("invalid-role", edit("role: lead", "role: boss"),
     "task_groups[0].actions[0].assignments[0].role': invalid value 'boss'"),
    ("wrong-type-year",
     edit("{code: T01, indicator: tfp_share, year: 2030",
          '{code: T01, indicator: tfp_share, year: "hai nghìn"'),
     "targets[0].year': an integer is required"),
    ("period-start-after-end",
     edit("period: {start: 2023, end: 2030}", "period: {start: 2031, end: 2030}"),
     "start year 2031 is after end year 2030"),
    ("unit-and-unit-type",
     edit("{unit: VL.SKHCN, role: lead", "{unit: VL.SKHCN, unit_type: department, role: lead"),
     "exactly one of unit or unit_type"),
    ("bad-annual-due", edit('annual_due: "12-10"', 'annual_due: "13-45"'),
     "reporting.annual_due"),
    ("not-utf-8", not_utf8, "not UTF-8"),
    ("plan-code-not-a-slug", edit("code: vinh-long-bad", "code: Vĩnh-Long-Bad"),
     "lowercase ASCII"),
    ("impossible-date", edit("  date: 2023-08-16", "  date: 2023-02-30"), "invalid value"),
    ("negative-period-start",
     edit("period: {start: 2023, end: 2030}", "period: {start: -5, end: 2030}"),
     "period.start"),
    ("mapping-key-that-is-a-list", complex_key, "(tệp)"),
    ("target-reference-that-is-a-list", edit("targets: [T15]", "targets: [[T15]]"),
     "task_groups[2].actions[0].targets[0]"),
    ("report-recipient-that-is-a-list",
     edit("recipients: [VL.UBND, BKHCN]", "recipients: [[VL.UBND], BKHCN]"),
     "reporting.recipients[0]"),
    ("annual-due-with-a-huge-month",
     edit('annual_due: "12-10"', 'annual_due: "99999999999999999999-10"'),
     "reporting.annual_due"),
]

assert len(CASES) >= 14


def bad_file(make) -> tuple[bytes, int]:
    content, line = make(BASE)
    return (content if isinstance(content, bytes) else content.encode("utf-8")), line


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count()
            for m in (Plan, Indicator, Target, Action, Assignment, AuditEntry)}


@pytest.fixture(scope="module", autouse=True)
def base_file_is_good(django_db_setup, django_db_blocker):
    """The bad files differ from a good file by their one defect only."""
    with django_db_blocker.unblock():
        assert parse_plan(BASE.encode("utf-8"))["code"] == "vinh-long-bad"


@pytest.mark.parametrize("make, fragment", [pytest.param(m, f, id=i) for i, m, f in CASES])
def test_bad_file_is_refused_naming_the_line_and_field(make, fragment):
    raw, line = bad_file(make)
    with pytest.raises(InputError) as refused:
        parse_plan(raw)
    problems = refused.value.problems
    assert problems
    at_line = [str(p) for p in problems if p.line == line]
    assert at_line, f"no problem on line {line}: {[str(p) for p in problems]}"
    assert any(fragment in s for s in at_line), f"«{fragment}» not in {at_line}"
    message = str(refused.value)
    assert f"Dòng {line}," in message and f"line {line}," in message, message


@pytest.mark.parametrize("make, fragment", [pytest.param(m, f, id=i) for i, m, f in CASES])
def test_bad_file_through_the_cli_is_refused_and_nothing_is_loaded(make, fragment, tmp_path):
    raw, line = bad_file(make)
    path = tmp_path / "bad.yaml"
    path.write_bytes(raw)
    before = counts()
    with pytest.raises(CommandError) as refused:
        call_command("plan", "load", str(path))
    message = str(refused.value)
    assert "nothing was saved" in message and "không có dữ liệu nào được lưu" in message
    assert f"Dòng {line}," in message and f"line {line}," in message, message
    assert counts() == before
    assert not Plan.objects.filter(code="vinh-long-bad").exists()


def test_loading_the_real_file_again_without_replace_is_refused_and_changes_nothing(plan):
    before = counts()
    with pytest.raises(CommandError) as refused:
        call_command("plan", "load", str(PLAN_FILE))
    message = str(refused.value)
    assert "vinh-long-1925-2023" in message and "--replace" in message
    assert counts() == before
    assert Plan.objects.get(code="vinh-long-1925-2023").pk == plan.pk


def test_check_only_validates_and_saves_nothing(tmp_path):
    path = tmp_path / "new.yaml"
    path.write_text(BASE, encoding="utf-8")
    before = counts()
    call_command("plan", "load", str(path), check=True)
    assert counts() == before
    assert not Plan.objects.filter(code="vinh-long-bad").exists()


# --- Whatever the bytes, parse_plan refuses with InputError or succeeds -------------------------

def parses_or_refuses(raw) -> None:
    try:
        parse_plan(raw)
    except InputError as exc:
        assert exc.problems
        assert all(p.vi and p.en for p in exc.problems)


@st.composite
def mutated_plan(draw) -> str:
    """The real plan file with 1–3 random edits: delete a line, duplicate a line, swap two chars."""
    text = BASE
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["delete", "duplicate", "swap"]))
        lines = text.splitlines(keepends=True)
        if kind == "delete":
            del lines[draw(st.integers(0, len(lines) - 1))]
            text = "".join(lines)
        elif kind == "duplicate":
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            text = "".join(lines)
        else:
            i, j = sorted(draw(st.lists(st.integers(0, len(text) - 1), min_size=2, max_size=2,
                                        unique=True)))
            text = text[:i] + text[j] + text[i + 1:j] + text[i] + text[j + 1:]
    return text


FUZZ = hsettings(max_examples=60, deadline=None, database=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_are_refused_with_input_error_or_parsed(raw):
    parses_or_refuses(raw)


@FUZZ
@given(mutated_plan())
def test_random_edits_of_the_real_file_are_refused_with_input_error_or_parsed(text):
    parses_or_refuses(text)
