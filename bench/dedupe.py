"""Benchmark of the duplicate check and search (issue 12): 100,000 synthetic Vietnamese S&T task
titles with near-duplicates of 500 queries planted (reworded, accents dropped, words reordered,
abbreviated, TCVN3-encoded), recall@5 and time per query against a plain rapidfuzz scan; then the
accent-insensitive search against a plain scan of the folded titles.

Run: `python bench/dedupe.py` (BENCH_TITLES, BENCH_QUERIES, BENCH_BASELINE set the sizes).
Appends to bench/results.md.
"""

from __future__ import annotations

import os
import random
import re
import resource
import statistics
import sys
import time
import unicodedata
from datetime import datetime
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import publish  # noqa: E402

from stiplan.analytics.search import TitleIndex  # noqa: E402
from stiplan.analytics.vntext import _TCVN3, fold  # noqa: E402

TITLES = int(os.environ.get("BENCH_TITLES", "100000"))
QUERIES = int(os.environ.get("BENCH_QUERIES", "500"))
BASELINE = int(os.environ.get("BENCH_BASELINE", "100"))
SEED = 12

CROPS = """lúa; lúa chất lượng cao; bưởi Năm Roi; bưởi da xanh; cam sành; khoai lang tím Nhật; xoài cát
Hòa Lộc; chôm chôm; nhãn Ido; sầu riêng Ri6; dừa sáp; dừa xiêm xanh; rau má; nấm rơm; đậu phộng;
bắp lai; khóm; chuối già; mít Thái; thanh long ruột đỏ; dưa hấu; ớt chỉ thiên; gừng; hành tím; hồ
tiêu; ca cao; khoai mì; sen; lan Mokara; rau ăn lá; cải xanh; cà chua; dưa lưới; bí đỏ; măng cụt;
chanh không hạt; quýt đường; mãng cầu ta; cây giống cây ăn trái; hoa kiểng""".replace("\n", " ")
SPECIES = """tôm càng xanh; cá tra; bò thịt; heo; gà ta thả vườn; vịt siêu trứng; dê; cá lóc; lươn; ếch
Thái Lan; ong mật; tôm thẻ chân trắng; cua biển; nghêu; cá rô đầu vuông; cá thát lát; sò huyết;
bò sữa; chim yến; trùn quế""".replace("\n", " ")
TECHS = """công nghệ sinh học; chế phẩm sinh học Trichoderma; Internet vạn vật (IoT); hệ thống tưới
nhỏ giọt; nhà màng; thủy canh hồi lưu; vi sinh vật có ích; công nghệ cao; ảnh viễn thám; trí tuệ
nhân tạo; chuỗi khối truy xuất nguồn gốc; năng lượng mặt trời; cơ giới hóa đồng bộ; sấy lạnh;
nuôi cấy mô; chỉ thị phân tử; đèn LED; bẫy pheromone; phân bón hữu cơ vi sinh; đệm lót sinh học;
công nghệ biofloc; tuần hoàn nước (RAS); cảm biến độ mặn; máy bay không người lái; công nghệ
thông tin""".replace("\n", " ")
GOALS = """nâng cao năng suất và chất lượng; giảm phát thải khí nhà kính; thích ứng với biến đổi khí
hậu; thích ứng với xâm nhập mặn; theo tiêu chuẩn VietGAP; theo hướng hữu cơ; phục vụ xuất khẩu;
theo chuỗi giá trị; tiết kiệm nước; giảm sử dụng thuốc bảo vệ thực vật""".replace("\n", " ")
DISTRICTS = """Trà Ôn; Long Hồ; Mang Thít; Vũng Liêm; Tam Bình; Bình Minh; Bình Tân; Châu Thành; Chợ
Lách; Mỏ Cày Nam; Mỏ Cày Bắc; Giồng Trôm; Ba Tri; Bình Đại; Thạnh Phú; Càng Long; Cầu Kè; Tiểu
Cần; Cầu Ngang; Trà Cú; Duyên Hải""".replace("\n", " ")
SYLLABLES = "Tân An Phú Hòa Long Bình Mỹ Thạnh Lợi Hưng Thuận Phước Đông Tây Hiếu Nhơn Quới Trung".split()
SECTORS = """doanh nghiệp nhỏ và vừa; hợp tác xã nông nghiệp; trường cao đẳng; bệnh viện đa khoa;
cơ quan hành chính nhà nước; làng nghề truyền thống; du lịch sinh thái""".replace("\n", " ")
DOMAINS = """hồ sơ bệnh án; đất đai; hộ tịch; tài nguyên nước; chất lượng môi trường; văn bản điều
hành; dịch bệnh cây trồng; giao thông nông thôn""".replace("\n", " ")
PROCESSES = """chế biến; bảo quản sau thu hoạch; nhân giống; phòng trừ sâu bệnh hại; thâm canh;
xử lý ra hoa nghịch vụ; sơ chế và đóng gói""".replace("\n", " ")
PRODUCTS = """nước ép; mứt; rượu vang; bột dinh dưỡng; trà túi lọc; tinh dầu; phân hữu cơ; thức ăn
chăn nuôi; kẹo; sản phẩm sấy dẻo""".replace("\n", " ")
TRAITS = "năng suất cao; chịu mặn; chống chịu sâu bệnh; ngắn ngày; kháng rầy nâu; chịu hạn".split("; ")
PERIODS = ["2016-2020", "2021-2025", "2026-2030"]
KINDS = "sản xuất; canh tác; thâm canh; liên kết sản xuất và tiêu thụ; trồng".split("; ")
TEMPLATES = [
    "Nghiên cứu ứng dụng {tech} trong sản xuất {crop} {goal} tại {place}",
    "Xây dựng mô hình {kind} {crop} ứng dụng {tech} tại {place}",
    "Ứng dụng tiến bộ khoa học và công nghệ trong {kind} {crop} {goal} tại {place}",
    "Đánh giá thực trạng và đề xuất giải pháp phát triển {crop} {goal} trên địa bàn {place}",
    "Chọn tạo giống {crop} {trait} thích ứng với xâm nhập mặn tại {place}",
    "Nghiên cứu quy trình {process} {crop} bằng {tech}",
    "Ứng dụng công nghệ thông tin trong quản lý {domain} tại {place}",
    "Giải pháp thúc đẩy đổi mới sáng tạo trong {sector} nhằm phát triển kinh tế - xã hội {place}",
    "Dự án sản xuất thử nghiệm {product} từ {crop} theo tiêu chuẩn VietGAP tại {place}",
    "Nghiên cứu đánh giá hiệu quả của {tech} đối với {crop} tại {place}",
    "Xây dựng và phát triển nhãn hiệu chứng nhận {product} {crop} {place}",
    "Chuyển giao {tech} phục vụ nuôi {species} {goal} tại {place}",
    "Ứng dụng {tech} trong nuôi {species} thương phẩm tại {place}",
]


def _list(text: str) -> list[str]:
    return [" ".join(x.split()) for x in text.split(";")]


def _place(rng: random.Random) -> str:
    district = rng.choice(_list(DISTRICTS))
    if rng.random() < 0.4:
        return f"huyện {district}, tỉnh Vĩnh Long"
    commune = " ".join(rng.sample(SYLLABLES, 2))
    return f"xã {commune}, huyện {district}"


def title(rng: random.Random) -> str:
    slots = {
        "crop": rng.choice(_list(CROPS)), "species": rng.choice(_list(SPECIES)),
        "tech": rng.choice(_list(TECHS)), "goal": rng.choice(_list(GOALS)), "place": _place(rng),
        "sector": rng.choice(_list(SECTORS)), "domain": rng.choice(_list(DOMAINS)),
        "process": rng.choice(_list(PROCESSES)), "product": rng.choice(_list(PRODUCTS)),
        "trait": rng.choice(TRAITS), "kind": rng.choice(KINDS),
    }
    text = rng.choice(TEMPLATES).format(**slots)
    for usual, other in REWORDINGS:  # people use both wordings, so neither is rare
        if usual in text and rng.random() < 0.1:
            text = text.replace(usual, other, 1)
    return text + (f" giai đoạn {rng.choice(PERIODS)}" if rng.random() < 0.15 else "")


# --- planted variants ------------------------------------------------------------------------

REWORDINGS = [
    ("Nghiên cứu ứng dụng", "Ứng dụng"), ("Xây dựng mô hình", "Xây dựng và nhân rộng mô hình"),
    (" tại ", " ở "), ("nâng cao", "cải thiện"), ("Đánh giá thực trạng và đề xuất giải pháp", "Giải pháp"),
    ("sản xuất", "canh tác"), ("phát triển", "mở rộng"), ("Nghiên cứu quy trình", "Hoàn thiện quy trình"),
    ("Chuyển giao", "Tiếp nhận và chuyển giao"), ("trên địa bàn", "tại"), ("thúc đẩy", "đẩy mạnh"),
    ("Chọn tạo", "Tuyển chọn"), ("Dự án", "Đề tài"), ("thương phẩm", "quy mô hàng hóa"),
]
SHORT_FORMS = [
    ("khoa học và công nghệ", "KH&CN"), ("đổi mới sáng tạo", "ĐMST"), ("kinh tế - xã hội", "KT-XH"),
    ("công nghệ thông tin", "CNTT"), ("công nghệ cao", "CNC"), ("sản xuất thử nghiệm", "SXTN"),
    ("công nghệ", "CN"), ("tiến bộ khoa học và công nghệ", "tiến bộ KHCN"),
]
_TCVN3_OF = {uni: byte for byte, uni in _TCVN3.items()}


def reworded(t: str, rng: random.Random) -> str:
    applicable = [(a, b) for a, b in REWORDINGS if a in t]
    for a, b in rng.sample(applicable, min(2, len(applicable))):
        t = t.replace(a, b, 1)
    if "giai đoạn" not in t and rng.random() < 0.5:
        t += f" giai đoạn {rng.choice(PERIODS)}"
    return t


def accents_dropped(t: str, rng: random.Random) -> str:
    t = t.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", t) if unicodedata.category(c) != "Mn")


def reordered(t: str, rng: random.Random) -> str:
    """Phrases moved as people move them: the place first, the two halves around a linking word
    swapped ("A trong B" → "B: a"), words inside a phrase kept in order."""
    place = ""
    for sep in (" tại ", " trên địa bàn ", " ở "):
        if sep in t:
            t, _, where = t.partition(sep)
            place = f"{sep.strip().capitalize()} {where}, "
            break
    parts = re.split(r" (?:trong|bằng|từ|nhằm|theo|cho|đối với|phục vụ|ứng dụng) ", t, maxsplit=1)
    if len(parts) == 2:
        t = f"{parts[1]}: {parts[0][0].lower()}{parts[0][1:]}"
    if place:
        t = place + t[0].lower() + t[1:]
    elif len(parts) == 1:  # "Xây dựng và phát triển …" → "Phát triển và xây dựng …"
        t = re.sub(r"^(\w+ \w+) và (\w+ \w+)", lambda m: f"{m[2]} và {m[1].lower()}", t)
    return t[0].upper() + t[1:]


def abbreviated(t: str, rng: random.Random) -> str:
    for long, short in sorted(SHORT_FORMS, key=lambda p: -len(p[0])):
        if long in t:
            t = t.replace(long, short)
    return t


def tcvn3_encoded(t: str, rng: random.Random) -> str:
    """As typed in a .VnTime font: toned capitals exist only in the companion font, so they are
    typed as the lowercase bytes."""
    t = unicodedata.normalize("NFC", t)
    out = []
    for ch in t:
        if ch in _TCVN3_OF:
            out.append(_TCVN3_OF[ch])
        elif ch.lower() in _TCVN3_OF:
            out.append(_TCVN3_OF[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


VARIANTS = {"reworded": reworded, "accents dropped": accents_dropped, "words reordered": reordered,
            "abbreviations": abbreviated, "TCVN3-encoded": tcvn3_encoded}


def corpus() -> tuple[list[str], list[tuple[str, str, int]]]:
    """Titles and the queries (kind, text, index of the planted title)."""
    rng = random.Random(SEED)
    seen: set[str] = set()

    def fresh() -> str:
        while True:
            t = title(rng)
            if t not in seen:
                seen.add(t)
                return t

    originals = [fresh() for _ in range(QUERIES)]
    kinds = list(VARIANTS)
    planted = []
    for i, original in enumerate(originals):
        kind = kinds[i % len(kinds)]
        variant = VARIANTS[kind](original, rng)
        # Half of the pairs plant the variant among the tasks, half query with it.
        planted.append((kind, original, variant) if (i // len(kinds)) % 2 else (kind, variant, original))
    titles = [fresh() for _ in range(TITLES - QUERIES)]
    slots = sorted(rng.sample(range(TITLES), QUERIES))
    queries = []
    for slot, (kind, query, stored) in zip(slots, planted, strict=True):
        titles.insert(slot, stored)
        queries.append((kind, query, slot))
    return titles, queries


# --- measurement -----------------------------------------------------------------------------

def pct(ts: list[float]) -> tuple[float, float]:
    return statistics.median(ts), float(np.percentile(ts, 95))


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_index(index: TitleIndex, queries) -> tuple[list[float], dict[str, list[bool]]]:
    times, found = [], {}
    for kind, query, slot in queries:
        t = time.perf_counter()
        hits = index.similar(query, 5)
        times.append((time.perf_counter() - t) * 1000)
        found.setdefault(kind, []).append(slot in [h.key for h in hits])
    return times, found


def run_scan(folded: list[str], queries) -> tuple[list[float], dict[str, list[bool]]]:
    times, found = [], {}
    for kind, query, slot in queries:
        t = time.perf_counter()
        hits = process.extract(fold(query), folded, scorer=fuzz.token_set_ratio, limit=5)
        times.append((time.perf_counter() - t) * 1000)
        found.setdefault(kind, []).append(slot in [h[2] for h in hits])
    return times, found


def recall(found: dict[str, list[bool]]) -> float:
    flat = [x for xs in found.values() for x in xs]
    return sum(flat) / len(flat)


def search_queries(titles: list[str], rng: random.Random, n: int) -> list[str]:
    out = []
    while len(out) < n:
        words = accents_dropped(rng.choice(titles), rng).lower().replace(",", "").split()
        size = rng.choice([2, 3, 4])
        start = rng.randrange(0, max(1, len(words) - size))
        out.append(" ".join(words[start : start + size]))
    return out


def main() -> None:
    started = time.perf_counter()
    titles, queries = corpus()
    print(f"generated {len(titles)} titles in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    before = rss_mib()
    t = time.perf_counter()
    index = TitleIndex(titles)
    build = time.perf_counter() - t
    grown = rss_mib() - before
    print(f"index built in {build:.1f} s", file=sys.stderr)
    ix_times, ix_found = run_index(index, queries)
    t = time.perf_counter()
    folded = [fold(x) for x in titles]
    fold_time = time.perf_counter() - t
    subset = random.Random(SEED).sample(queries, min(BASELINE, len(queries)))
    scan_times, scan_found = run_scan(folded, subset)
    sub_times, sub_found = run_index(index, subset)
    ix_med, ix_p95 = pct(ix_times)
    sc_med, sc_p95 = pct(scan_times)

    rng = random.Random(SEED + 1)
    sq = search_queries(titles, rng, QUERIES)
    s_times, s_ok = [], 0
    for q in sq:
        t = time.perf_counter()
        hits = index.search(q, 10)
        s_times.append((time.perf_counter() - t) * 1000)
        words = set(q.split())
        s_ok += bool(hits) and all(words <= set(fold(h.title).replace(",", "").split()) for h in hits)
    base_times = []
    padded = [f" {x.replace(',', '')} " for x in folded]
    for q in sq[:BASELINE]:
        t = time.perf_counter()
        words = [f" {w} " for w in q.split()]
        [i for i, x in enumerate(padded) if all(w in x for w in words)]
        base_times.append((time.perf_counter() - t) * 1000)
    s_med, s_p95 = pct(s_times)
    b_med, b_p95 = pct(base_times)

    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    lines = [
        f"\n## {stamp} — duplicate check and search (issue 12): {len(titles):,} synthetic task titles, "
        f"{len(queries)} planted near-duplicates (100 per variant, half planted as the stored title, "
        "half as the query)\n",
        f"Index build {build:.1f} s; index arrays {index.nbytes() / 2**20:.0f} MiB; peak RSS grew "
        f"{grown:.0f} MiB while building. Baseline corpus folding {fold_time:.1f} s (not in the times).\n",
        "| duplicate check | queries | recall@5 | median ms | p95 ms | × baseline (median) |",
        "|---|---|---|---|---|---|",
        f"| plain rapidfuzz scan: process.extract, token_set_ratio over folded titles (baseline) | "
        f"{len(subset)} | {recall(scan_found):.3f} | {sc_med:.1f} | {sc_p95:.1f} | 1.0 |",
        f"| stiplan TitleIndex.similar, same queries | {len(subset)} | {recall(sub_found):.3f} | "
        f"{pct(sub_times)[0]:.1f} | {pct(sub_times)[1]:.1f} | {pct(sub_times)[0] / sc_med:.3f} |",
        f"| stiplan TitleIndex.similar, all queries | {len(queries)} | {recall(ix_found):.3f} | "
        f"{ix_med:.1f} | {ix_p95:.1f} | {ix_med / sc_med:.3f} |",
        "",
        "| recall@5 by variant | stiplan (all queries) | rapidfuzz scan (subset) |",
        "|---|---|---|",
        *(f"| {k} | {sum(v) / len(v):.2f} ({len(v)}) | "
          f"{sum(scan_found.get(k, [])) / max(1, len(scan_found.get(k, []))):.2f} "
          f"({len(scan_found.get(k, []))}) |" for k, v in ix_found.items()),
        "",
        "| search (accent-insensitive, 2–4 folded words, top 10) | queries | median ms | p95 ms "
        "| × baseline |",
        "|---|---|---|---|---|",
        f"| plain scan of the folded titles for all words (baseline) | {len(base_times)} | {b_med:.1f} | "
        f"{b_p95:.1f} | 1.0 |",
        f"| stiplan TitleIndex.search; every hit holds every word: {s_ok}/{len(sq)} | {len(sq)} | "
        f"{s_med:.1f} | {s_p95:.1f} | {s_med / b_med:.3f} |",
        "",
    ]
    publish("\n".join(lines))


if __name__ == "__main__":
    main()
