"""Demo competitions, built through the real actions (every row audited, every row synthetic):
a provincial STI award judged, ranked and published (one member declared a conflict with one
entry), and a round of initiative recognition still receiving entries."""

from __future__ import annotations

import datetime as dt

from stiplan.registry.actions import (
    Decision,
    add_council_member,
    declare_conflict,
    enter_scores,
    rank_council,
)
from stiplan.registry.models import Organisation, Person
from stiplan.registry.recognition.actions import award, open_call, open_judging, publish_results, submit_entry

CRITERIA = [{"code": "C1", "name": "Tính mới, sáng tạo", "max": 40, "weight": 2},
            {"code": "C2", "name": "Hiệu quả kinh tế – xã hội", "max": 60, "weight": 1}]
ENTRIES = [  # title, (C1, C2) of each of the three members, prize
    ("Quy trình nhân giống bưởi da xanh sạch bệnh (mô phỏng)", [(36, 50), (35, 52), (34, 49)], "first"),
    ("Máy sấy lúa dùng năng lượng mặt trời (mô phỏng)", [(33, 47), (32, 50), (31, 46)], "second"),
    ("Ứng dụng theo dõi độ mặn nước tưới (mô phỏng)", [(30, 44), (28, 45), (29, 40)], ""),
]


def create_demo_competitions(people: list[Person], organisations: list[Organisation], *, by) -> int:
    """The demo's two calls; returns how many entries they hold."""
    call = open_call(kind="sti_award", title="Giải thưởng KH&CN tỉnh Vĩnh Long năm 2025 (mô phỏng)",
                     year=2025, opens_on=dt.date(2025, 3, 1), closes_on=dt.date(2025, 6, 30),
                     criteria=CRITERIA, synthetic=True, by=by)
    entries = [submit_entry(call, title=title, organisation=organisations[n % len(organisations)],
                            person=people[-1 - n], on=dt.date(2025, 4, 1 + n), by=by)
               for n, (title, _sheets, _prize) in enumerate(ENTRIES)]
    council = open_judging(call, name="Hội đồng xét Giải thưởng KH&CN năm 2025 (mô phỏng)",
                           decision_number="45/QĐ-SKHCN", decision_date=dt.date(2025, 7, 1),
                           meets_on=dt.date(2025, 7, 20), by=by)
    members = [add_council_member(council, person, role, by=by)
               for person, role in zip(people[:3], ("chair", "reviewer", "member"), strict=True)]
    declare_conflict(members[2], entries[0], reason="Cùng đơn vị công tác với tác giả (mô phỏng)",
                     on=dt.date(2025, 7, 20), by=by)
    for entry, (_title, sheets, _prize) in zip(entries, ENTRIES, strict=True):
        for member, (c1, c2) in zip(members, sheets, strict=True):
            if not (member == members[2] and entry == entries[0]):
                enter_scores(member, entry, {"C1": c1, "C2": c2}, by=by)
    rank_council(council, on=dt.date(2025, 7, 20), by=by)
    for entry, (_title, _sheets, prize) in zip(entries, ENTRIES, strict=True):
        if prize:
            award(entry, prize, decision=Decision("2150/QĐ-UBND", dt.date(2025, 8, 15)), by=by)
    publish_results(call, on=dt.date(2025, 8, 20), by=by)
    initiatives = open_call(kind="initiative", title="Công nhận sáng kiến cấp tỉnh năm 2026 (mô phỏng)",
                            year=2026, opens_on=dt.date(2026, 1, 1), closes_on=dt.date(2026, 12, 31),
                            criteria=[{"code": "N", "name": "Tính mới", "max": 50},
                                      {"code": "H", "name": "Hiệu quả", "max": 50}],
                            synthetic=True, by=by)
    submit_entry(initiatives, title="Cải tiến quy trình một cửa liên thông (mô phỏng)",
                 person=people[4], on=dt.date(2026, 2, 1), by=by)
    return len(entries) + 1
