"""The demo registry: a few dozen tasks walked through the real actions (every step audited),
and for `stiplan demo` the rest of a province's registry through the bulk import.

Magnitudes (`province=True`, what `stiplan demo` builds): like the merged province's real figures
for 2021–2025 (CONTEXT.md §5, nhandan.vn post921414): 373 tasks started in those years, 17 of them
national and 86 grassroots; 15 new plant varieties; 14 certified S&T enterprises; with the walked
tasks, every level, kind, regime and state. The figures are real; every task, variety and
enterprise behind them is synthetic. Tests build the small registry (`tasks=14` or 40).

What is real and what is synthetic:
- real: the 6 fields of Circular 24/2025; the public institutions (the Department of S&T and the
  four universities of CONTEXT.md §8); the five programmes of the plan's section II.2 (numbers,
  dates and titles from the plan's related documents); the IP assets of CONTEXT.md §8 (collective
  mark "Bưởi da xanh Vũng Liêm", the "Bến Tre" geographical indications), without certificate
  numbers, which were not at hand;
- synthetic (flagged `synthetic=True`, names marked "mô phỏng" where they could be mistaken for
  real ones): enterprises (the certified ones' certificate numbers too), the innovation centre,
  every person (contacts and ID numbers are placeholders in reserved ranges), every task,
  council, score and output (the plant varieties included);
- the exchange (`create_demo_exchange`): the owners are real public institutions (the two
  universities, and the province's Centre for the Application of S&T Advances, added there), but
  every lab, item of equipment, offer and demand is synthetic (flagged, titles marked "mô phỏng");
  the demands come from the synthetic enterprises, and every contact is a placeholder.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

from stiplan.core.actions import save_object
from stiplan.demo.competitions import create_demo_competitions
from stiplan.registry.actions import (
    Decision,
    add_council_member,
    create_council,
    enter_scores,
    load_fields,
    move_task,
    propose_task,
    rank_council,
    record_conclusion,
    report_application,
)
from stiplan.registry.deadlines import add_months
from stiplan.registry.exchange.actions import add_demand, add_equipment, add_lab, add_offer, set_status
from stiplan.registry.io import read_fields, read_legacy
from stiplan.registry.models import (
    IPAsset,
    Level,
    Organisation,
    OrganisationKind,
    Output,
    Person,
    Programme,
    ScienceField,
    Task,
    TaskKind,
    TaskMember,
)
from stiplan.registry.tables import write_table
from stiplan.registry.transfer import run_import

REAL_ORGANISATIONS = [
    ("skhcn-vinh-long", "Sở Khoa học và Công nghệ tỉnh Vĩnh Long", "agency"),
    ("dh-spkt-vinh-long", "Trường Đại học Sư phạm Kỹ thuật Vĩnh Long", "university"),
    ("dh-tra-vinh", "Trường Đại học Trà Vinh", "university"),
    ("dh-cuu-long", "Trường Đại học Cửu Long", "university"),
    ("dh-mekong", "Trường Đại học Mekong", "university"),
]
SYNTHETIC_ORGANISATIONS = [
    ("dn-nong-san-song-tien", "Công ty TNHH Nông sản Sông Tiền (mô phỏng)", "st_enterprise"),
    ("dn-dua-xanh", "Công ty Cổ phần Chế biến Dừa Xanh (mô phỏng)", "enterprise"),
    ("kn-lua-thong-minh", "Công ty Khởi nghiệp Lúa Thông Minh (mô phỏng)", "startup"),
    ("tt-dmst-vinh-long", "Trung tâm Hỗ trợ khởi nghiệp sáng tạo (mô phỏng)", "innovation_centre"),
]
PROGRAMMES = [
    ("qd-1457-2021", "1457/QĐ-UBND", dt.date(2021, 6, 14), 2021, 2025,
     "Kế hoạch thực hiện Đề án “Hỗ trợ hệ sinh thái khởi nghiệp đổi mới sáng tạo quốc gia đến năm "
     "2025”, giai đoạn 2021 – 2025 trên địa bàn tỉnh Vĩnh Long"),
    ("qd-776-2021", "776/QĐ-UBND", dt.date(2021, 4, 5), 2021, 2025,
     "Kế hoạch thực hiện Chương trình quốc gia hỗ trợ doanh nghiệp nâng cao năng suất và chất lượng "
     "sản phẩm, hàng hóa trên địa bàn tỉnh Vĩnh Long giai đoạn 2021-2025"),
    ("qd-841-2021", "841/QĐ-UBND", dt.date(2021, 4, 5), 2021, None,
     "Kế hoạch triển khai, áp dụng và quản lý hệ thống truy xuất nguồn gốc sản phẩm, hàng hóa trên "
     "địa bàn tỉnh Vĩnh Long"),
    ("qd-4538-2021", "4538/QĐ-UBND", dt.date(2021, 12, 31), 2021, 2030,
     "Chương trình phát triển tài sản trí tuệ tỉnh Vĩnh Long giai đoạn 2021-2030"),
    ("qd-1425-2022", "1425/QĐ-UBND", dt.date(2022, 7, 14), 2022, 2030,
     "Kế hoạch triển khai thực hiện Chiến lược quốc gia về nghiên cứu, phát triển và ứng dụng trí tuệ "
     "nhân tạo đến năm 2030 trên địa bàn tỉnh Vĩnh Long"),
]
REAL_IP = [
    ("collective_mark", "Bưởi da xanh Vũng Liêm", "Nhãn hiệu tập thể, 2016 (CONTEXT.md §8)"),
    ("geographical_indication", "Bến Tre — dừa", "Chỉ dẫn địa lý, 2018 (CONTEXT.md §8)"),
    ("geographical_indication", "Bến Tre — bưởi da xanh", "Chỉ dẫn địa lý, 2018 (CONTEXT.md §8)"),
    ("geographical_indication", "Bến Tre — xoài tứ quý", "Chỉ dẫn địa lý, 2022 (CONTEXT.md §8)"),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi"]
GIVEN = ["Văn An", "Thị Bích", "Minh Châu", "Quốc Dũng", "Thị Hạnh", "Hoàng Khang", "Thanh Lâm",
         "Ngọc Mai", "Đức Nam", "Thị Oanh", "Hữu Phước", "Kim Quyên"]
SUBJECTS = ["chọn tạo giống lúa chịu mặn", "quy trình canh tác bưởi Năm Roi an toàn",
            "chế biến sâu sản phẩm từ dừa", "ứng dụng trí tuệ nhân tạo dự báo xâm nhập mặn",
            "truy xuất nguồn gốc nông sản", "nuôi tôm càng xanh kết hợp lúa",
            "phát triển nhãn hiệu tập thể cho đặc sản địa phương", "xử lý phụ phẩm nông nghiệp"]

#: The legal road of both regimes up to each state (the one branch step last).
ROADS = {
    "proposed": [], "rejected": ["reject_proposal"],
    "listed": ["identify", "approve_list"],
    "approved": ["identify", "approve_list", "select", "appraise", "approve"],
}
ROADS["contracted"] = [*ROADS["approved"], "contract", "inspect"]
ROADS["suspended"] = [*ROADS["contracted"], "suspend"]
ROADS["terminated"] = [*ROADS["contracted"], "terminate"]
ROADS["risk_accepted"] = [*ROADS["terminated"], "accept_risk"]
ROADS["not_accepted"] = [*ROADS["contracted"], "self_assess", "fail_acceptance"]
ROADS["accepted"] = [*ROADS["contracted"], "self_assess", "accept"]
ROADS["registered"] = [*ROADS["accepted"], "register"]
ROADS["applied"] = [*ROADS["registered"], "apply"]

CRITERIA = [{"code": "C1", "name": "Tính cấp thiết", "max": 30},
            {"code": "C2", "name": "Nội dung, phương pháp", "max": 40},
            {"code": "C3", "name": "Năng lực thực hiện", "max": 30}]


#: The merged province's registry, 2021–2025 (see the module's docstring).
PROVINCE_2021_2025 = {"tasks": 373, "national": 17, "grassroots": 86, "plant_varieties": 15,
                      "st_enterprises": 14}
PLACES = ["Trà Ôn", "Long Hồ", "Vũng Liêm", "Tam Bình", "Bình Minh", "Chợ Lách", "Mỏ Cày Nam",
          "Giồng Trôm", "Ba Tri", "Thạnh Phú", "Càng Long", "Cầu Kè", "Tiểu Cần", "Trà Cú"]
OPENINGS = ["Nghiên cứu", "Ứng dụng", "Xây dựng mô hình", "Chuyển giao công nghệ", "Đánh giá"]
#: The states a bulk task of a start year has reached by 2026.
STATES_BY_YEAR = {2021: ["registered", "applied", "applied"], 2022: ["accepted", "registered", "applied"],
                  2023: ["contracted", "accepted", "registered"], 2024: ["contracted"],
                  2025: ["listed", "approved", "contracted"]}
VARIETIES = ["lúa", "bưởi", "dừa", "xoài", "chôm chôm", "sầu riêng", "cam sành", "khoai lang"]


def create_demo_registry(*, tasks: int = 40, seed: int = 2026, by=None,
                         province: bool = False) -> dict[str, int]:
    """Fill an empty registry (fields, organisations, people, programmes, IP, and tasks in every
    level, kind, regime and state); with `province`, topped up to the province's magnitudes
    (`PROVINCE_2021_2025`) through the bulk import. Returns counts by model. A registry that
    holds tasks is left as it is (the demo runs again on its own data)."""
    if Task.objects.exists():
        return {}
    rnd = random.Random(seed)
    load_fields(read_fields(), read_legacy(), by=by)
    orgs = [_saved(Organisation, by, code=code, name=name, kind=kind, synthetic=synthetic)
            for rows, synthetic in ((REAL_ORGANISATIONS, False), (SYNTHETIC_ORGANISATIONS, True))
            for code, name, kind in rows]
    hosts = [o for o in orgs if o.kind != "agency"]
    programmes = [_saved(Programme, by, code=code, name=name, decision_number=number,
                         decision_date=day, start_year=start, end_year=end)
                  for code, number, day, start, end, name in PROGRAMMES]
    for kind, title, source in REAL_IP:
        _saved(IPAsset, by, kind=kind, title=title, source=source)
    people = [_saved(Person, by, full_name=f"{FAMILY[n % len(FAMILY)]} {GIVEN[n % len(GIVEN)]}",
                     degree=rnd.choice(["master", "doctor"]), email=f"nguoi{n}@example.invalid",
                     phone=f"0900{n:06d}", id_number=f"0000000{n:05d}", synthetic=True)
              for n in range(12)]
    new_regime = tasks // 3  # the last third starts under Law 93/2025
    for n in range(tasks):
        if n < tasks - new_regime:
            start = dt.date(2016 + n * 10 // (tasks - new_regime), 1 + n % 6, 1)
            states = [s for s in ROADS if s != "risk_accepted"]
            state = states[n % len(states)]
        else:
            k = n - (tasks - new_regime)
            start = add_months(dt.date(2025, 10, 1), k * 6 // new_regime)
            state = list(ROADS)[k % len(ROADS)]
        kind = list(TaskKind.values)[n % len(TaskKind.values)]
        task = propose_task(
            code=f"DEMO-{start.year}-{n + 1:03d}",
            title=f"Nghiên cứu {rnd.choice(SUBJECTS)} (mô phỏng {n + 1})",
            level=list(Level.values)[n % len(Level.values)], kind=kind,
            innovation_subkind="technology" if kind == TaskKind.INNOVATION else "",
            mechanism="funding" if n % 3 == 0 else "commissioning",
            selection="direct" if n % 4 == 0 else "open", start_date=start,
            end_date=start + dt.timedelta(days=730), host=rnd.choice(hosts), synthetic=True,
            programme=programmes[n % len(programmes)] if n % 2 else None, by=by)
        _saved(TaskMember, by, task=task, person=people[n % len(people)], role="principal", valid_from=start)
        _walk(task, ROADS[state], people, rnd, by)
    if province:
        people += _to_province_magnitudes(rnd, hosts, by)
    entries = create_demo_competitions(people, hosts, by=by)
    exchange = create_demo_exchange(by=by)
    return {"tasks": Task.objects.filter(synthetic=True).count(), "people": len(people),
            "entries": entries,
            "organisations": len(orgs), "programmes": len(programmes), "ip_assets": len(REAL_IP),
            **exchange}


def _to_province_magnitudes(rnd: random.Random, hosts: list[Organisation], by) -> list[Person]:
    """Certified S&T enterprises, more people, the tasks of 2021–2025 and the plant varieties up
    to `PROVINCE_2021_2025`, each as one bulk file (checked whole, one audit entry, flagged
    synthetic); returns the people added."""
    want = PROVINCE_2021_2025
    certified = Organisation.objects.filter(kind=OrganisationKind.ST_ENTERPRISE).count()
    _bulk("organisations", ["code", "name", "kind", "certificate_number", "certified_on"], [
        [f"dn-khcn-{n:02d}", f"Công ty TNHH Công nghệ {PLACES[n % len(PLACES)]} {n} (mô phỏng)",
         OrganisationKind.ST_ENTERPRISE, f"{n:02d}/DNKHCN (mô phỏng)", f"{2016 + n % 9}-06-01"]
        for n in range(1, want["st_enterprises"] - certified + 1)], by)
    known = list(Person.objects.values_list("pk", flat=True))
    _bulk("people", ["full_name", "degree", "email"], [
        [f"{FAMILY[n % len(FAMILY)]} {GIVEN[(n * 5) % len(GIVEN)]} {n}", rnd.choice(["master", "doctor"]),
         f"nguoi{n}@example.invalid"] for n in range(12, 60)], by)
    people = list(Person.objects.exclude(pk__in=known).order_by("pk"))
    have = Counter(Task.objects.filter(start_date__year__range=(2021, 2025))
                   .values_list("level", flat=True))
    extra = {"national": want["national"] - have["national"],
             "grassroots": want["grassroots"] - have["grassroots"]}
    extra["provincial"] = want["tasks"] - sum(have.values()) - sum(extra.values())
    levels = [level for level, n in extra.items() for _ in range(n)]
    rnd.shuffle(levels)
    budget = {"national": (3000, 15000), "provincial": (300, 3000), "grassroots": (50, 300)}
    hosts = hosts + list(Organisation.objects.filter(code__startswith="dn-khcn-"))
    rows = []
    for n, level in enumerate(levels):
        year = 2021 + n % 5
        rows.append([
            f"DEMO-{year}-B{n + 1:03d}",
            f"{rnd.choice(OPENINGS)} {rnd.choice(SUBJECTS)} tại {rnd.choice(PLACES)} (mô phỏng)",
            level, rnd.choice(["de_tai"] * 5 + ["du_an_sxtn", "de_an", "du_an_khcn"]),
            rnd.choice(["funding", "commissioning"]), rnd.choice(["open", "open", "direct"]),
            rnd.choice(STATES_BY_YEAR[year]), f"{year}-{rnd.randint(1, 9):02d}-01",
            f"{year + 2}-12-31", str(rnd.randint(1, 6)), rnd.choice(hosts).code,
            str(rnd.randint(*budget[level])), f"#{rnd.choice(people).pk}"])
    _bulk("tasks", ["code", "title", "level", "kind", "mechanism", "selection", "state",
                    "start_date", "end_date", "field", "host", "budget_total",
                    "principal_investigator"], rows, by)
    accepted = [r for r in rows if r[6] == "accepted"]  # a registered result has its certificate
    _bulk("outputs", ["task", "kind", "title", "year"], [
        [r[0], "plant_variety", f"Giống {VARIETIES[n % len(VARIETIES)]} {r[0][-4:]} (mô phỏng)",
         str(int(r[0][5:9]) + 2)] for n, r in enumerate(accepted[:want["plant_varieties"]])], by)
    return people


def _bulk(entity: str, header: list[str], rows: list[list], by) -> None:
    """One bulk file of `entity`, imported as staff would, its new rows flagged synthetic."""
    run_import(write_table(header, rows, "csv"), f"demo-{entity}.csv", entity, by=by, synthetic=True)


def _saved(model, by, **values):
    """A new row written through the audited generic save (the demo's resources)."""
    return save_object(model(**values), by=by, perm="registry.manage_resources")


def _walk(task: Task, road: list[str], people: list[Person], rnd: random.Random, by) -> None:
    """Take the steps of `road`, giving each what it needs (councils, scores, outputs)."""
    day = task.start_date
    for n, step in enumerate(road, 1):
        day += dt.timedelta(days=15)
        decision = Decision(f"{n}{task.pk}/QĐ-SKHCN", day)
        extra = {}
        if step == "select":
            council = create_council("selection", f"Hội đồng tuyển chọn {task.code}", tasks=[task],
                                        criteria=CRITERIA, meets_on=day, by=by)
            for person in rnd.sample(people, 3):
                member = add_council_member(council, person, "member", by=by)
                enter_scores(member, task, {"C1": rnd.randint(18, 30), "C2": rnd.randint(25, 40),
                                               "C3": rnd.randint(18, 30)}, by=by)
            rank_council(council, by=by, on=day)
        if step in ("accept", "fail_acceptance"):
            council = create_council("acceptance", f"Hội đồng nghiệm thu {task.code}", tasks=[task],
                                        meets_on=day, by=by)
            grade = "fail" if step == "fail_acceptance" else rnd.choice(["excellent", "good", "pass"])
            record_conclusion(council, task, grade=grade, conclusion="Kết luận (mô phỏng)", by=by, on=day)
        if step == "register":
            phd = _saved(Output, by, task=task, kind="trained_phd", title="Luận án tiến sĩ (mô phỏng)",
                         person=rnd.choice(people), year=day.year)
            extra["certificates"] = {phd.pk: f"{task.pk}/KQNC-SKHCN"}
        if step == "apply":
            report_application(task, day.year, applied=True, where="Mô phỏng", by=by, on=day)
            continue
        move_task(task, step, by=by, on=day, decision=decision, finding="Đúng quy trình (mô phỏng)",
                     note="", **extra)


# --- The exchange: labs, equipment, technology offers and demands --------------------------------

CENTRE = ("tt-ud-tbkhcn-vinh-long", "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ tỉnh Vĩnh Long",
          "KH&CN", "st_org")
#: (owner code, lab name, field, location, sharing, terms, [(equipment, model, year, value, sharing)])
LABS = [
    ("dh-tra-vinh", "Phòng thí nghiệm Công nghệ sinh học nông nghiệp (mô phỏng)", "4",
     "Khu 1, Trường Đại học Trà Vinh", "on_request", "Đăng ký trước 5 ngày làm việc; có cán bộ hướng dẫn.",
     [("Máy PCR định lượng (mô phỏng)", "QuantStudio 5", 2021, "1850", "on_request"),
      ("Tủ cấy vi sinh an toàn sinh học cấp II (mô phỏng)", "", 2019, "320", "not_shared")]),
    ("dh-spkt-vinh-long", "Phòng thí nghiệm Cơ khí – Tự động hóa (mô phỏng)", "2",
     "Trường Đại học Sư phạm Kỹ thuật Vĩnh Long", "for_fee",
     "Thu phí theo giờ máy; biểu phí niêm yết tại phòng.",
     [("Máy phay CNC 3 trục (mô phỏng)", "VMC-850", 2020, "2400", "for_fee"),
      ("Máy đo tọa độ 3 chiều (mô phỏng)", "", 2022, None, "on_request")]),
    ("tt-ud-tbkhcn-vinh-long", "Phòng thử nghiệm chất lượng nông sản, thực phẩm (mô phỏng)", "4",
     "Trung tâm Ứng dụng tiến bộ KH&CN tỉnh Vĩnh Long", "for_fee",
     "Nhận mẫu thử nghiệm theo danh mục, có thu phí.",
     [("Máy sắc ký lỏng hiệu năng cao HPLC (mô phỏng)", "", 2018, "1200", "for_fee")]),
]
#: (owner, title, summary, field, TRL, transfer forms, price note)
OFFERS = [
    ("tt-ud-tbkhcn-vinh-long", "Công nghệ sấy lúa bằng năng lượng mặt trời kết hợp sinh khối (mô phỏng)",
     "Hệ thống sấy lúa quy mô hợp tác xã dùng năng lượng mặt trời và trấu, ứng dụng tiến bộ khoa học "
     "và công nghệ, giảm thất thoát sau thu hoạch.", "2", 7, ["licence", "consulting"],
     "Thỏa thuận theo quy mô lắp đặt"),
    ("dh-tra-vinh", "Quy trình sản xuất chế phẩm vi sinh xử lý phụ phẩm nông nghiệp (mô phỏng)",
     "Chế phẩm vi sinh ủ rơm rạ, vỏ dừa thành phân hữu cơ trong 30 ngày; đã thử nghiệm tại hộ nông dân.",
     "4", 6, ["licence", "sale"], ""),
    ("dh-spkt-vinh-long", "Hệ thống giám sát độ mặn tự động cho vùng trồng lúa (mô phỏng)",
     "Trạm đo độ mặn nước kênh, cảnh báo qua điện thoại; dự báo xâm nhập mặn bằng trí tuệ nhân tạo.",
     "2", 5, ["joint_venture", "consulting"], ""),
]
#: (enterprise, title, needs, field, budget note, published); the first is typed without accents,
#: as forms often are, and still finds the drying offer
DEMANDS = [
    ("dn-nong-san-song-tien", "Cần công nghệ sấy lúa tiết kiệm năng lượng (mô phỏng)",
     "Hop tac xa can cong nghe say lua dung nang luong mat troi, ung dung tien bo KH&CN, "
     "cong suat 10 tan/me.",
     "2", "Khoảng 800 triệu đồng", True),
    ("dn-dua-xanh", "Tìm quy trình xử lý vỏ dừa, phụ phẩm thành phân hữu cơ (mô phỏng)",
     "Doanh nghiệp cần chế phẩm vi sinh xử lý phụ phẩm dừa làm phân bón hữu cơ.", "4", "", True),
    ("kn-lua-thong-minh", "Cần giải pháp truy xuất nguồn gốc gạo (mô phỏng)",
     "Tem QR, nhật ký canh tác điện tử cho vùng nguyên liệu lúa.", "2", "", False),
]


def create_demo_exchange(*, by=None) -> dict[str, int]:
    """Labs with equipment, offers and demands through the exchange's actions (published but for
    the last demand, a draft); the centre that owns one lab is added first."""
    code, name, short, kind = CENTRE
    if not Organisation.objects.filter(code=code).exists():
        _saved(Organisation, by, code=code, name=name, short_name=short, kind=kind)
    orgs = {o.code: o for o in Organisation.objects.all()}
    fields = {f.code: f for f in ScienceField.objects.filter(level=1)}
    contact = {"contact_name": "Cán bộ liên hệ (mô phỏng)", "contact_email": "lienhe@example.invalid",
               "contact_phone": "0900000000"}
    for owner, lab_name, field, location, sharing, terms, items in LABS:
        lab = add_lab(name=lab_name, owner=orgs[owner], field=fields.get(field), location=location,
                      sharing=sharing, sharing_terms=terms, synthetic=True, by=by)
        for item, model, year, value, item_sharing in items:
            add_equipment(lab, name=item, model=model, year=year,
                          value=Decimal(value) if value else None, sharing=item_sharing,
                          sharing_terms=terms if item_sharing == "for_fee" else "", by=by)
    source = Task.objects.filter(state__in=["registered", "applied"]).order_by("pk").first()
    for n, (owner, title, summary, field, trl, forms, price) in enumerate(OFFERS):
        offer = add_offer(title=title, summary=summary, owner=orgs[owner], field=fields.get(field),
                          trl=trl, transfer_forms=forms, price_note=price,
                          task=source if n == 0 else None, synthetic=True, by=by, **contact)
        set_status(offer, "published", by=by)
    for enterprise, title, needs, field, budget, published in DEMANDS:
        demand = add_demand(title=title, needs=needs, enterprise=orgs[enterprise], field=fields.get(field),
                            budget_note=budget, synthetic=True, by=by, **contact)
        if published:
            set_status(demand, "published", by=by)
    return {"labs": len(LABS), "offers": len(OFFERS), "demands": len(DEMANDS)}
