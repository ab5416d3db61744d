"""Item-by-item comparison of an imported draft with the hand-made plan file, and test documents
made from the seed text (DOCX and PDF with LibreOffice, a scanned-style image-only PDF)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SEED_TEXT = Path(__file__).with_name("data") / "vinh-long-1925-2023.txt"
TRUTH = yaml.safe_load((ROOT / "plans" / "vinh-long-1925-2023.yaml").read_text(encoding="utf-8"))


def registry_on(day: dt.date) -> dict[str, str]:
    """{code: name} of the units of data/orgs valid on `day`, without the database."""
    units = yaml.safe_load((ROOT / "data" / "orgs" / "vinh-long.yaml").read_text("utf-8"))["units"]
    return {u["code"]: u["name"] for u in units
            if u["valid_from"] <= day and (u["valid_to"] is None or day <= u["valid_to"])}


def _norm(text: str) -> str:
    return " ".join(text.split())


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass
class Score:
    found: dict = field(default_factory=lambda: {"targets": 0, "actions": 0, "responsibilities": 0})
    total: dict = field(default_factory=lambda: {"targets": 0, "actions": 0, "responsibilities": 0})
    misses: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)

    def rate(self, kind: str | None = None) -> float:
        kinds = [kind] if kind else list(self.total)
        return sum(self.found[k] for k in kinds) / sum(self.total[k] for k in kinds)

    def report(self, label: str, flags: list[dict]) -> str:
        lines = [f"{label}: " + ", ".join(f"{k} {self.found[k]}/{self.total[k]}" for k in self.total)
                 + f" — {self.rate():.1%}"]
        lines += [f"  MISS {m}" for m in self.misses]
        lines += [f"  INVENTED {m}" for m in self.invented]
        lines += [f"  FLAG {f['path']}: {f['reason']} {f['span']['lines'] if f['span'] else ''}"
                  for f in flags]
        return "\n".join(lines)


def _target_key(t: dict) -> tuple:
    return (t["year"], t["comparator"], _dec(t.get("value")), _dec(t.get("low")),
            _dec(t.get("high")), bool(t.get("at_least")))


def _closer_than(best: float, text: str, want: str) -> float:
    """The similarity ratio of text to want, or 0 where it cannot beat `best`: the matcher's
    quick ratios bound the full one from above, which is then spared (a thousand pairs a plan)."""
    if text == want:
        return 1.0
    matcher = SequenceMatcher(None, text, want, autojunk=False)
    if matcher.real_quick_ratio() <= best or matcher.quick_ratio() <= best:
        return 0.0
    return matcher.ratio()


def compare(plan: dict, flags: list[dict], *, text_ratio: float = 0.97) -> Score:
    """Recall of the plan file's targets, actions and named responsibilities in the draft."""
    s = Score()
    drafted = list(plan["targets"])
    matched_targets = set()
    for t in TRUTH["targets"]:
        s.total["targets"] += 1
        hit = next((d for d in drafted if _target_key(d) == _target_key(t)
                    and d["code"] not in matched_targets), None)
        if hit:
            s.found["targets"] += 1
            matched_targets.add(hit["code"])
        else:
            s.misses.append(f"target {t['code']} {t['year']} {t['wording']!r}")
    flagged = {f["path"] for f in flags}
    for d in drafted:
        if d["code"] not in matched_targets and f"targets[{d['code']}]" not in flagged:
            s.invented.append(f"target {d['code']} {d['wording']!r}")
    actions = [a for g in plan["task_groups"] for a in g["actions"]]
    used = set()
    for g in TRUTH["task_groups"]:
        for a in g["actions"]:
            s.total["actions"] += 1
            want = _norm(a["text"])
            best, ratio = None, 0.0
            for d in actions:
                if d["code"] in used:
                    continue
                r = _closer_than(ratio, _norm(d["text"]), want)
                if r > ratio:
                    best, ratio = d, r
            if best is None or ratio < text_ratio:
                s.misses.append(f"action {a['code']} {a['text'][:60]!r} (best {ratio:.2f})")
                for x in a["assignments"]:
                    if x["basis"] == "seed":
                        s.total["responsibilities"] += 1
                        s.misses.append(f"responsibility {a['code']} {x.get('unit') or x.get('unit_type')}")
                continue
            used.add(best["code"])
            s.found["actions"] += 1
            got = {(x.get("unit") or x.get("unit_type"), x["role"]) for x in best["assignments"]}
            for x in a["assignments"]:
                if x["basis"] != "seed":
                    continue
                s.total["responsibilities"] += 1
                if ((x.get("unit") or x.get("unit_type")), x["role"]) in got:
                    s.found["responsibilities"] += 1
                else:
                    s.misses.append(f"responsibility {a['code']} {x.get('unit') or x.get('unit_type')}"
                                    f" {x['role']}")
    for d in actions:
        if d["code"] not in used and not any(p.startswith(f"task_groups.actions[{d['code']}]")
                                             for p in flagged):
            s.invented.append(f"action {d['code']} {d['text'][:60]!r}")
    return s


# --- documents made from the seed text ---------------------------------------------------------

def rewrapped(text: str) -> list[str]:
    """The seed's lines joined where the next line starts in lower case (a sure continuation):
    other paragraph breaks than the seed's hard wraps, as a word processor would hold them."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if out and line and line[0].islower() and out[-1]:
            out[-1] += " " + line
        else:
            out.append(line)
    return out


def soffice(src: Path, fmt: str, outdir: Path, profile: Path, infilter: str = "") -> Path:
    args = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore"]
    if infilter:
        args.append(f"--infilter={infilter}")
    subprocess.run(args + ["--convert-to", fmt, "--outdir", str(outdir), str(src)], check=True,
                   capture_output=True, timeout=240)
    return outdir / (src.stem + "." + fmt.split(":")[0])


def make_docx_and_pdf(tmp: Path) -> tuple[Path, Path]:
    src = tmp / "seed-rewrapped.txt"
    src.write_text("\n".join(rewrapped(SEED_TEXT.read_text("utf-8"))) + "\n", encoding="utf-8")
    profile = tmp / "lo-profile"
    docx = soffice(src, "docx", tmp, profile, infilter="Text (encoded):UTF8,LF,,,")
    pdf = soffice(docx, "pdf", tmp, profile)
    return docx, pdf


def make_scan(pdf: Path, tmp: Path) -> Path:
    """The PDF rasterised at 200 dpi and put back together as an image-only PDF."""
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", str(pdf), str(tmp / "scan")],
                   check=True, timeout=240)
    pages = sorted(tmp.glob("scan*.png"))
    images = [Image.open(p).convert("L") for p in pages]
    out = tmp / "seed-scanned.pdf"
    images[0].save(out, save_all=True, append_images=images[1:], resolution=200)
    return out


def text_layer_words(pdf: Path) -> int:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, timeout=60)
    return len(re.findall(r"\w+", done.stdout.decode("utf-8", "replace")))
