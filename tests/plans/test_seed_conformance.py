"""`stiplan plan export vinh-long-1925-2023 --format json` holds every target, action and
responsibility of the seed decision (1925/QĐ-UBND, Vĩnh Long, 16/8/2023).

Every check is made item by item against the seed's own TEXT, parsed here independently of the
plan YAML: the section headings ("III. NHIỆM VỤ,", "IV. TỔ CHỨC"), the numbered group headings
("1. ", "2. " …) and the bullets ("- "). The seed has hard line breaks inside paragraphs, so
whitespace is collapsed on both sides before comparing.
"""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PLAN_CODE = "vinh-long-1925-2023"
# The seed decision text (../shared/seed/000_66da5b860bff0b28.txt next to the main checkout); the
# repository keeps the same bytes in tests/plans/data/, so the test runs in any checkout.
SHARED_SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_66da5b860bff0b28.txt"
SEED = SHARED_SEED if SHARED_SEED.is_file() else Path(__file__).with_name("data") / \
    "vinh-long-1925-2023.txt"

III_BULLETS = [5, 4, 2, 3, 5, 2, 6, 3, 3]  # 33 actions in 9 groups
IV_ITEMS = [3, 3, 2, 1, 1, 1, 2, 3]  # 16 responsibilities in 8 blocks
IV_PARAGRAPH_BLOCKS = {4, 5, 6}  # blocks written as one paragraph, without "- "

# A share or a range of shares as the decision writes them: "trên 50%", "1,2% - 1,5%", "60% - 65%".
NUM = r"\d+(?:,\d+)?"
RANGE = rf"{NUM}% - {NUM}%"


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def number(text: str) -> Decimal:
    """A Vietnamese decimal ("1,2") as a number."""
    return Decimal(text.replace(",", "."))


# --- The seed, parsed from its text ------------------------------------------------------------

def _between(lines: list[str], start: str, end: str) -> list[str]:
    i = next(k for k, line in enumerate(lines) if line.startswith(start))
    j = next(k for k, line in enumerate(lines) if k > i and line.startswith(end))
    return lines[i + 1:j]


def _blocks(lines: list[str]) -> list[dict]:
    """Numbered blocks of a section: title (heading lines) and items (bullets or one paragraph).

    A heading is the line "N. …" (N the next number) plus the following lines that continue it
    (they start in lower case); a line starting "- " opens a bullet; another line continues the
    current bullet, or, right after a heading, opens the block's single paragraph.
    """
    blocks: list[dict] = []
    state = None
    for line in lines:
        heading = re.match(r"^(\d+)\.\s+(.*)$", line)
        if heading and int(heading.group(1)) == len(blocks) + 1:
            blocks.append({"title": [heading.group(2)], "items": [], "bullets": False})
            state = "title"
        elif not blocks:
            continue  # the section's introductory paragraph
        elif line.startswith("- "):
            blocks[-1]["items"].append([line[2:]])
            blocks[-1]["bullets"] = True
            state = "item"
        elif state == "title" and line[:1].islower():
            blocks[-1]["title"].append(line)
        elif state == "title":
            blocks[-1]["items"].append([line])
            state = "item"
        else:
            blocks[-1]["items"][-1].append(line)
    return [
        {"title": norm(" ".join(b["title"])), "bullets": b["bullets"],
         "items": [norm(" ".join(item)) for item in b["items"]]}
        for b in blocks
    ]


@lru_cache(maxsize=1)
def seed() -> dict:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    section_ii = _between(lines, "II. MỤC TIÊU", "III. NHIỆM VỤ,")
    objectives = _blocks(section_ii)
    return {
        "text": norm("\n".join(lines)),
        "lines": lines,
        "II.1": objectives[0]["items"],
        "II.2": objectives[1]["items"],
        "II.2 text": " ".join(objectives[1]["items"]),
        "III": _blocks(_between(lines, "III. NHIỆM VỤ,", "IV. TỔ CHỨC")),
        "IV": _blocks(_between(lines, "IV. TỔ CHỨC", "Trên đây là Kế hoạch")),
    }


@pytest.fixture
def the_seed() -> dict:
    if not SEED.is_file():
        pytest.skip(f"the seed decision text is not present at {SEED}")
    return seed()


@pytest.fixture
def exported() -> dict:
    """The plan as `stiplan plan export vinh-long-1925-2023 --format json` prints it."""
    buf = io.StringIO()
    call_command("plan", "export", PLAN_CODE, format="json", stdout=buf)
    return json.loads(buf.getvalue())


def groups(exported: dict, section: str) -> list[dict]:
    return [g for g in exported["task_groups"] if g["section"] == section]


def targets_worded(exported: dict, wording: str, year: int | None = None) -> list[dict]:
    return [t for t in exported["targets"]
            if norm(t["wording"]) == wording and (year is None or t["year"] == year)]


def the_target(exported: dict, wording: str, year: int) -> dict:
    found = targets_worded(exported, wording, year)
    assert len(found) == 1, f"expected one target worded «{wording}» for {year}, found {found}"
    return found[0]


def num(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


# --- The parser of the seed itself (so that a wrong parse cannot pass silently) -----------------

def test_seed_parser_finds_the_numbered_groups_and_bullets_of_sections_iii_and_iv(the_seed):
    assert [len(b["items"]) for b in the_seed["III"]] == III_BULLETS
    assert sum(III_BULLETS) == 33
    assert [len(b["items"]) for b in the_seed["IV"]] == IV_ITEMS
    assert sum(IV_ITEMS) == 16
    assert {i + 1 for i, b in enumerate(the_seed["IV"]) if not b["bullets"]} == IV_PARAGRAPH_BLOCKS
    assert len(the_seed["II.1"]) == 3 and len(the_seed["II.2"]) == 5


# --- Section III: tasks and solutions ------------------------------------------------------------

def test_section_iii_has_nine_groups_with_the_seeds_bullet_counts(the_seed, exported):
    section = groups(exported, "III")
    assert [g["code"] for g in section] == [f"III.{i}" for i in range(1, 10)]
    assert [len(g["actions"]) for g in section] == III_BULLETS


def test_every_section_iii_group_title_is_the_seed_heading(the_seed, exported):
    section = groups(exported, "III")
    for i, (block, group) in enumerate(zip(the_seed["III"], section, strict=True), start=1):
        assert norm(group["title"]) == block["title"], f"title of group III.{i}"


def items_checked_against_actions(the_seed: dict, exported: dict, section: str) -> int:
    """How many items of the seed's `section` were found, each block's items in order as the
    actions of the group of the same number; fails at the first one that is not."""
    by_code = {g["code"]: g for g in groups(exported, section)}
    checked = 0
    for i, block in enumerate(the_seed[section], start=1):
        actions = by_code[f"{section}.{i}"]["actions"]
        assert len(actions) == len(block["items"]), f"number of actions of {section}.{i}"
        for j, (item, action) in enumerate(zip(block["items"], actions, strict=True), start=1):
            assert norm(action["text"]) == item, f"action {j} of {section}.{i}"
            checked += 1
    return checked


def test_every_section_iii_bullet_of_the_seed_is_the_action_in_the_same_place(the_seed, exported):
    assert items_checked_against_actions(the_seed, exported, "III") == 33


# --- Section IV: organisation of implementation ------------------------------------------------

def test_section_iv_has_eight_blocks_with_sixteen_responsibilities(the_seed, exported):
    section = groups(exported, "IV")
    assert [g["code"] for g in section] == [f"IV.{i}" for i in range(1, 9)]
    assert [len(g["actions"]) for g in section] == IV_ITEMS


def test_every_section_iv_block_title_is_the_seed_heading(the_seed, exported):
    for i, (block, group) in enumerate(zip(the_seed["IV"], groups(exported, "IV"), strict=True),
                                       start=1):
        assert norm(group["title"]) == block["title"], f"title of block IV.{i}"


def test_every_responsibility_of_the_seed_is_the_section_iv_action_in_the_same_place(
        the_seed, exported):
    assert items_checked_against_actions(the_seed, exported, "IV") == 16


def test_the_one_paragraph_blocks_4_5_6_are_each_one_responsibility(the_seed, exported):
    section = {g["code"]: g for g in groups(exported, "IV")}
    for i in IV_PARAGRAPH_BLOCKS:
        (paragraph,) = the_seed["IV"][i - 1]["items"]
        (action,) = section[f"IV.{i}"]["actions"]
        assert norm(action["text"]) == paragraph
        assert paragraph.startswith("Chủ trì")


# --- Objectives (section II) -------------------------------------------------------------------

def test_general_and_specific_objectives_are_the_seeds_bullets(the_seed, exported):
    general = [norm(o["text"]) for o in exported["objectives"] if o["kind"] == "general"]
    specific = [norm(o["text"]) for o in exported["objectives"] if o["kind"] == "specific"]
    assert general == the_seed["II.1"]
    assert specific == the_seed["II.2"]


def test_objectives_include_the_local_innovation_index_sentence(the_seed, exported):
    sentence = re.search(r"Xây dựng và triển khai bộ chỉ số đổi mới sáng tạo địa phương",
                         the_seed["II.2 text"])
    assert sentence, "the seed's section II.2 names the local innovation index"
    assert any(sentence.group(0) in norm(o["text"]) for o in exported["objectives"])
    assert targets_worded(exported, sentence.group(0)), "the index is also a target"


# --- Quantitative targets (II.2 and III.3) -----------------------------------------------------

def test_tfp_share_above_50_percent_by_2030(the_seed, exported):
    m = re.search(r"Đến năm (\d{4}) đóng góp của năng suất nhân tố tổng hợp \(TFP\) vào tăng "
                  rf"trưởng GRDP của tỉnh ở mức (trên ({NUM})%)", the_seed["II.2 text"])
    assert m, "the TFP sentence of section II.2"
    year, wording, value = int(m.group(1)), m.group(2), number(m.group(3))
    assert (year, wording) == (2030, "trên 50%")
    target = the_target(exported, wording, year)
    assert target["comparator"] == "gt"
    assert num(target["value"]) == value
    assert target["low"] is None and target["high"] is None


def targets_of_each_year(the_seed: dict, exported: dict, sentence: re.Pattern,
                         expected: list[tuple[str, ...]]) -> list[tuple[dict, str]]:
    """(target, phrase) for the three phrases of each (year, *phrases) `sentence` that section
    II.2 of the seed says once for every milestone year, found there as `expected`; the three are
    different measures, the same in every year."""
    found = sentence.findall(the_seed["II.2 text"])
    assert found == expected
    pairs, measures_by_year = [], []
    for year, *phrases in found:
        targets = [the_target(exported, phrase, int(year)) for phrase in phrases]
        measures = [t["indicator"] for t in targets]
        assert len(set(measures)) == 3, f"three different measures in one sentence ({year})"
        measures_by_year.append(measures)
        pairs.extend(zip(targets, phrases, strict=True))
    assert all(m == measures_by_year[0] for m in measures_by_year), "the same measures every year"
    return pairs


SPENDING = re.compile(
    rf"Đến năm (\d{{4}}), đầu tư cho khoa học và công nghệ đạt ({RANGE}) GRDP, trong đó tổng chi "
    rf"ngân sách cho nghiên cứu khoa học và phát triển công nghệ đạt ({RANGE}) GRDP và đóng góp "
    rf"của xã hội cho nghiên cứu khoa học và phát triển công nghệ chiếm ({RANGE})"
)


def test_spending_ranges_for_2025_and_2030_are_targets_with_their_bounds(the_seed, exported):
    for target, phrase in targets_of_each_year(the_seed, exported, SPENDING, [
        ("2025", "1,2% - 1,5%", "0,8% - 1%", "60% - 65%"),
        ("2030", "1,5% - 2%", "1% - 1,2%", "65% - 70%"),
    ]):
        low, high = re.findall(NUM, phrase)
        assert target["comparator"] == "range", phrase
        assert (num(target["low"]), num(target["high"])) == (number(low), number(high)), phrase
        assert target["value"] is None, phrase


TRAINING = re.compile(
    r"[Đđ]ến năm (\d{4}), đào tạo sau đại học (\d+ cán bộ) làm việc trực tiếp trong lĩnh vực khoa "
    r"học và công nghệ; nghiên cứu khoa học kết hợp hỗ trợ đào tạo (\d+ tiến sĩ), (\d+ thạc sĩ)"
)


def test_training_numbers_for_2025_and_2030_are_targets_with_their_values(the_seed, exported):
    for target, phrase in targets_of_each_year(the_seed, exported, TRAINING, [
        ("2025", "20 cán bộ", "10 tiến sĩ", "10 thạc sĩ"),
        ("2030", "30 cán bộ", "10 tiến sĩ", "20 thạc sĩ"),
    ]):
        assert num(target["value"]) == number(phrase.split()[0]), phrase
        assert target["comparator"] in ("gte", "eq"), phrase


def test_budget_share_of_at_least_1_5_to_2_percent_every_year(the_seed, exported):
    iii_3 = " ".join(the_seed["III"][2]["items"])
    m = re.search(rf"(từ ({NUM})% - ({NUM})% trở lên) trong tổng chi ngân sách của tỉnh hằng năm",
                  iii_3)
    assert m, "the budget share sentence of section III.3"
    wording, low, high = m.group(1), number(m.group(2)), number(m.group(3))
    assert wording == "từ 1,5% - 2% trở lên"
    (target,) = targets_worded(exported, wording)
    assert target["recurring"] is True, "«hằng năm»: every year"
    assert target["at_least"] is True, "«trở lên»: at least"
    assert target["comparator"] == "range"
    assert (num(target["low"]), num(target["high"])) == (low, high)
    assert exported["period"]["start"] <= target["year"] <= exported["period"]["end"]
    action = groups(exported, "III")[2]["actions"][0]
    assert target["code"] in action["targets"], "the III.3 action that states it points to it"


def test_every_target_wording_is_words_of_the_seed(the_seed, exported):
    for target in exported["targets"]:
        assert norm(target["wording"]) in the_seed["text"], target["code"]


# --- Related documents, legal basis, reporting -------------------------------------------------

def test_the_five_linked_programmes_of_section_ii_2_are_related_documents(the_seed, exported):
    found = re.findall(r"(\d+/QĐ-UBND),? ngày (\d{1,2})/(\d{1,2})/(\d{4})",
                       the_seed["II.2"][-1])
    numbers = [n for n, *_ in found]
    assert numbers == ["1457/QĐ-UBND", "776/QĐ-UBND", "841/QĐ-UBND", "4538/QĐ-UBND",
                       "1425/QĐ-UBND"]
    related = {d["number"]: d for d in exported["related_documents"]}
    for n, day, month, year in found:
        assert n in related, n
        assert related[n]["date"] == f"{year}-{int(month):02d}-{int(day):02d}", n


def test_legal_basis_is_decision_1925_of_16_august_2023_signed_by_the_vice_chair(
        the_seed, exported):
    lines = the_seed["lines"]
    number_ = re.search(r"Số: (\S+)", the_seed["text"]).group(1)
    day, month, year = re.search(r"ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})",
                                 the_seed["text"]).groups()
    signer = lines[lines.index("PHÓ CHỦ TỊCH") + 1]
    assert (number_, signer) == ("1925/QĐ-UBND", "Nguyễn Thị Quyên Thanh")
    legal = exported["legal_basis"]
    assert legal["number"] == number_
    assert legal["date"] == f"{year}-{int(month):02d}-{int(day):02d}" == "2023-08-16"
    assert legal["signer"] == signer


def test_reporting_is_due_on_10_december_every_year(the_seed, exported):
    day, month = re.search(r"trước ngày (\d{1,2}) tháng (\d{1,2}) hằng năm",
                           the_seed["text"]).groups()
    assert exported["reporting"]["annual_due"] == f"{int(month):02d}-{int(day):02d}" == "12-10"
    assert norm(exported["reporting"]["wording"]) == the_seed["IV"][7]["items"][-1]
