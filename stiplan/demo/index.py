"""Demo index data (SYNTHETIC unless stated): the PII 2024 framework, the 2024 and 2025 editions
over the 34 provinces after the merger, a seeded data set at PII magnitudes, and Vĩnh Long's 2025
values entered by the plan officer, partly reviewed.

Real published figures (CONTEXT.md §4): 2025 Hà Nội 65,68 (1st); Vĩnh Long 38,93 (17th of 34);
Huế 49,37 = mean(51,50; 47,23), rank not given. Every other published figure is synthetic, laid
so that Vĩnh Long is 3rd of the 6 Mekong Delta provinces, as published."""

from __future__ import annotations

import math
import random

import numpy as np
import yaml
from django.conf import settings
from django.contrib.auth import get_user_model

from stiplan.index import actions as act
from stiplan.index.models import IndexEdition

DATA = settings.BASE_DIR / "data" / "index"
HOME = "VLG"
PRESS = "thanhnien.vn 185251130133622661; en.nhandan.vn post133909"
REAL_2025 = {"HNI": (65.68, 1, None, None), "VLG": (38.93, 17, None, None),
             "HUE": (49.37, None, 51.50, 47.23)}
#: Published rank → score anchors of the synthetic published list (real ones at 1, 4, 17).
ANCHORS = ([1, 2, 4, 17, 34], [65.68, 57.2, 49.37, 38.93, 24.6])
#: Per-capita rates (per 10,000 people or per 1,000 firms) of a middle province, by indicator.
RATES = {"2.3.1": 8.0, "2.3.3": 0.3, "6.1.1": 0.05, "6.1.2": 0.03, "6.1.3": 0.01, "6.2.1": 5.0,
         "6.2.2": 0.3, "6.2.3": 0.02, "6.2.5": 0.5, "5.2.1": 5.0, "5.3.1": 20.0, "6.2.4": 150.0}


def provinces() -> list[dict]:
    return yaml.safe_load((DATA / "provinces-2025.yaml").read_text(encoding="utf-8"))


def published_scores(units: list[dict]) -> list[dict]:
    """The 2025 published list: the real figures, the rest synthetic in the file's order."""
    rows = []
    for rank, u in enumerate(units, start=1):
        code = u["code"]
        if code in REAL_2025:
            score, real_rank, inp, out = REAL_2025[code]
            rows.append({"unit": code, "score": score, "rank": real_rank, "input_score": inp,
                         "output_score": out, "source": PRESS, "synthetic": False})
        else:
            score = round(float(np.interp(rank, *ANCHORS)), 2)
            rows.append({"unit": code, "score": score, "rank": rank, "source": "",
                         "synthetic": True})
    return rows


def _value(node, z: float, rng: random.Random, dens: dict[str, float]) -> float:
    """One raw value at PII magnitude for a province of standing z (about −2…2)."""
    noise = rng.gauss(0, 0.35)
    if node.denominator in ("pop10k", "firms1k"):
        rate = RATES.get(node.code, 1.0) * math.exp(0.8 * z + noise)
        return float(round(rate * dens[node.denominator]))
    if node.denominator == "grdp":
        return round(dens["grdp"] * 0.006 * math.exp(0.5 * z + noise), 3)
    if node.unit == "Điểm":
        return round(min(9.8, max(1.0, 6.0 + 0.9 * z + noise)), 2)
    if node.unit.startswith("%"):
        return round(min(99.0, max(1.0, 45 + 14 * z + 10 * noise)), 2)
    if node.unit == "Chỉ số 0–1":
        return round(min(0.95, max(0.5, 0.72 + 0.04 * z + 0.02 * noise)), 3)
    if node.unit == "Triệu USD":
        return round(4000 * math.exp(1.0 * z + noise), 1)
    return round(min(100.0, max(0.0, 50 + 15 * z + 12 * noise)), 2)  # placeholders: a 0–100 score


def synthetic_values(fw, units: list[dict], scores: dict[str, float], seed: int,
                     scale: float = 1.0) -> list[tuple[str, str, float, str]]:
    """(unit, code, value, source) for every province × indicator and denominator, seeded."""
    rng = random.Random(seed)
    mean, sd = float(np.mean(list(scores.values()))), float(np.std(list(scores.values())))
    rows = []
    for u in units:
        z = (scores[u["code"]] - mean) / sd + rng.gauss(0, 0.3)
        pop = {"HNI": 860.0, "HCM": 1400.0}.get(u["code"], 250 * math.exp(0.3 * z + rng.gauss(0, 0.3)))
        if u["code"] == HOME:
            pop = 420.0
        dens = {"pop10k": round(pop, 1), "grdp": round(pop * 0.7 * math.exp(0.35 * z), 1),
                "firms1k": round(pop * 0.03 * math.exp(0.6 * z), 2)}
        for code, value in dens.items():
            rows.append((u["code"], code, value, "Niên giám thống kê (tổng hợp)"))
        for code in fw.indicators:
            node = fw.by_code[code]
            rows.append((u["code"], code, round(_value(node, z, rng, dens) * scale, 3),
                         node.source or "Bộ dữ liệu minh họa"))
    return rows


def create_demo_index() -> IndexEdition | None:
    """Load once: framework, editions 2024 and 2025, data, Vĩnh Long's entry, one computation."""
    if IndexEdition.objects.filter(year=2025).exists():
        return None
    document = yaml.safe_load((DATA / "pii-2024.yaml").read_text(encoding="utf-8"))
    framework = act.load_framework("pii-2024", document, by=None)
    fw = framework.tree()
    units = provinces()
    published = published_scores(units)
    scores = {r["unit"]: r["score"] for r in published}
    last = act.create_edition(2024, framework, units, HOME, by=None, synthetic=True)
    act.load_values(last, synthetic_values(fw, units, scores, seed=2024, scale=0.93), by=None,
                       synthetic=True)
    edition = act.create_edition(2025, framework, units, HOME, by=None, synthetic=True)
    act.set_published(edition, published, by=None)
    rows = synthetic_values(fw, units, scores, seed=2025)
    act.load_values(edition, [r for r in rows if r[0] != HOME], by=None, synthetic=True)
    enter_home_values(edition, [r for r in rows if r[0] == HOME])
    act.request_computation(edition, by=None)
    return edition


def enter_home_values(edition: IndexEdition, rows) -> None:
    """Vĩnh Long 2025 as the officers would: the plan officer enters every value (evidence for the
    named indicators) and sends them to review; the reviewer accepts the first pillars'."""
    User = get_user_model()
    officer, reviewer = User.objects.get(username="kehoach"), User.objects.get(username="thamdinh")
    pdf = b"%PDF-1.4\n% minh chung (du lieu minh hoa)\n%%EOF\n"
    fw = edition.framework.tree()
    for _unit, code, value, source in rows:
        node = fw.by_code.get(code)
        evidence = (f"minh-chung-{code}.pdf", pdf) if node and not node.placeholder else None
        item = act.save_value(edition, code, value=value, source=source, evidence=evidence,
                                 by=officer)
        if item.warnings:
            item = act.save_value(edition, code, value=value, source=source, evidence=evidence,
                                     by=officer, explanation="Số liệu minh họa: thay đổi do sáp nhập tỉnh.")
        if code.startswith("7."):
            continue  # pillar 7 left as drafts
        item = act.mark_checked(item, by=officer)
        if code[0] in "123" or code in fw.denominators:
            act.review_value(item, approve=True, by=reviewer)
