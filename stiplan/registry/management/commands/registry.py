"""`stiplan registry dedupe "TITLE"`: titles like a proposed one, ranked with scores and the
shared phrases. Until the registry holds tasks, it checks against the titles of --corpus."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from stiplan.analytics.search import TitleIndex

TITLE_COLUMNS = ("title", "ten", "tên", "ten_nhiem_vu", "tên nhiệm vụ")
KEY_COLUMNS = ("id", "code", "ma", "mã")


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"Không đọc được tệp {path} / cannot read the file: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # legacy TCVN3/VNI files; the index converts them


def read_corpus(path: Path) -> tuple[list[str], list[str]]:
    """Titles and their keys: a .txt file holds one title a line (key: line number); a .csv file
    a title column (title / tên) and optionally a key column (id / code / mã)."""
    text = _text(path)
    if path.suffix.lower() != ".csv":
        rows = [(str(n), line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        return [t for _, t in rows], [k for k, _ in rows]
    reader = csv.DictReader(text.splitlines())
    names = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    title_col = next((names[c] for c in TITLE_COLUMNS if c in names), None)
    if title_col is None:
        raise CommandError(
            f"{path}: thiếu cột tên nhiệm vụ ({', '.join(TITLE_COLUMNS)}) / no title column"
        )
    key_col = next((names[c] for c in KEY_COLUMNS if c in names), None)
    titles, keys = [], []
    for line, row in enumerate(reader, 2):
        title = (row.get(title_col) or "").strip()
        if title:
            titles.append(title)
            keys.append((row.get(key_col) or "").strip() if key_col else str(line))
    return titles, keys


class Command(BaseCommand):
    help = "Sổ đăng ký nhiệm vụ KH&CN: kiểm tra trùng lặp tên nhiệm vụ / the STI registry"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        d = sub.add_parser("dedupe", help="titles similar to a proposed title")
        d.add_argument("title")
        d.add_argument("--corpus", type=Path, help="titles to check against: .txt (one a line) or .csv")
        d.add_argument("--format", choices=["json", "text"], default="text")
        d.add_argument("--limit", type=int, default=10)
        d.add_argument("--min-score", type=float, default=0.3)

    def handle(self, *args, verb, **o):
        if not o["title"].strip():
            raise CommandError("Tên nhiệm vụ trống / the title is empty")
        if o["corpus"] is None:
            self.stderr.write("Sổ đăng ký chưa có nhiệm vụ nào / the registry holds no tasks yet")
            hits = []
        else:
            titles, keys = read_corpus(o["corpus"])
            index = TitleIndex(titles, keys)
            hits = index.similar(o["title"], max(o["limit"], 1), o["min_score"])
        rows = [
            {"rank": n, "id": h.key, "title": h.title, "score": h.score, "phrases": list(h.phrases)}
            for n, h in enumerate(hits, 1)
        ]
        if o["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for r in rows:
            self.stdout.write(f"{r['rank']}. [{r['score']:.2f}] {r['id']}: {r['title']}")
            self.stdout.write(f"   cụm từ trùng: {'; '.join(r['phrases'])}")
