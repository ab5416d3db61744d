"""Unit names as a decision writes them, and who leads or coordinates an action.

"Sở Khoa học và Công nghệ", "Sở KH&CN", "Ủy ban nhân dân tỉnh", "Bộ Khoa học và Công nghệ";
collective phrases become unit types: "các sở, ban, ngành" → department, "Ủy ban nhân dân các
huyện, thị xã, thành phố" → district. Matching names to a registry is not done here.
"""

from __future__ import annotations

import re

from .reasons import Reason

TYPE_PHRASES = [  # (pattern, unit type); generic "… liên quan" phrases are marked as such
    (r"(?:thủ trưởng\s+)?các sở,?\s*(?:ban,?\s*)?ngành(?:\s+tỉnh)?(?:\s+(?:có\s+)?liên quan)?",
     "department"),
    (r"(?:ủy ban nhân dân|uỷ ban nhân dân|ubnd)\s+(?:các\s+)?(?:cấp\s+)?huyện(?:,\s*thị xã)?"
     r"(?:,?\s*(?:và\s+)?thành phố)?", "district"),
    (r"(?:ủy ban nhân dân|uỷ ban nhân dân|ubnd)\s+(?:các\s+)?(?:cấp\s+)?xã(?:,\s*phường)?"
     r"(?:,?\s*(?:và\s+)?thị trấn)?", "commune"),
    (r"(?:the\s+)?(?:provincial\s+)?departments(?:,\s*agencies)?(?:\s+and\s+sectors)?", "department"),
    (r"(?:the\s+)?(?:people's committees of\s+)?(?:the\s+)?districts(?:,\s*towns)?(?:\s+and\s+cities)?",
     "district"),
]
PREFIX = re.compile(r"\b(?:Sở|Bộ|Ban|Văn phòng|Trung tâm|Đài|Báo|Viện|Trường|Liên hiệp|Công an|Cục|"
                    r"Chi cục|Department of|Ministry of|Office of)(?=\s)")
CONNECT = {"và", "-", "–", "and", "&"}
NEW_UNIT = {"Sở", "Bộ", "UBND", "Ủy", "Uỷ", "Ban", "Văn"}
NOT_PART = {"và", "của", "với", "các", "cho", "về", "trong", "tại", "để", "theo", "and", "of", "the"}
PROVINCE_BODY = re.compile(r"\b(?:Ủy ban nhân dân|Uỷ ban nhân dân|UBND)\s+tỉnh\b(?!\s+và\s+các)")
GENERIC = re.compile(r"liên quan|có liên quan|concerned|relevant", re.IGNORECASE)
COORDINATE = re.compile(r"^\s*(?:Phối hợp|Coordinate|Cooperate)", re.IGNORECASE)
PARTNERS = re.compile(r"(?:phối hợp với|coordinate with|in coordination with)\s+(.+?)"
                      r"(?=\s+(?:tổ chức|triển khai|tham mưu|rà soát|thu hút|phát|xây dựng|thực hiện|"
                      r"hướng dẫn|đề xuất|bố trí|to\s)|[.;:]|$)", re.IGNORECASE)


def names_in(text: str) -> list[dict]:
    """Units named in a phrase: [{"name", "unit_type", "generic", "start", "end"}], in order."""
    found: list[dict] = []
    taken: list[tuple[int, int]] = []
    for pattern, unit_type in TYPE_PHRASES:
        for m in re.finditer(pattern, text, re.IGNORECASE):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            found.append({"name": m.group(0), "unit_type": unit_type,
                          "generic": bool(GENERIC.search(m.group(0))),
                          "start": m.start(), "end": m.end()})
            taken.append((m.start(), m.end()))
    spans = [(m.start(), _name_end(text, m.end())) for m in PREFIX.finditer(text)]
    spans += [(m.start(), m.end()) for m in PROVINCE_BODY.finditer(text)]
    for start, end in spans:
        name = text[start:end]
        if end <= start or len(name.split()) < 2 or any(s < end and start < e for s, e in taken):
            continue
        found.append({"name": name, "unit_type": "", "generic": False, "start": start, "end": end})
        taken.append((start, end))
    return sorted(found, key=lambda f: f["start"])


def _name_end(text: str, pos: int) -> int:
    """End of a proper name after its prefix: capitalised words, each with at most one more
    syllable ("Khoa học"), joined by "và" or "-" only before another capitalised word."""
    words = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"[^\s,;.:()]+", text[pos:pos + 120])]
    end, i, after_capital = pos, 0, False
    while i < len(words):
        word, _s, e = words[i]
        if word[0].isupper():
            end, after_capital = pos + e, True
        elif after_capital and word[0].islower() and word not in NOT_PART and word not in CONNECT:
            end, after_capital = pos + e, False
        elif (word in CONNECT and i + 1 < len(words) and words[i + 1][0][0].isupper()
              and words[i + 1][0] not in NEW_UNIT):
            after_capital = False
        else:
            break
        gap = text[pos + e:pos + (words[i + 1][1] if i + 1 < len(words) else e)]
        if re.search(r"[,;.:()]", gap):
            break
        i += 1
    return end


def assignments(action: str, block_units: list[dict]) -> tuple[list[dict], list[Reason]]:
    """Who does an action of a responsibility block, with the reasons for any doubt.

    The block's units lead ("Chủ trì", or no verb) or coordinate ("Phối hợp với X": X leads, as
    the Department reads it). Partners after "phối hợp với" coordinate; a generic phrase ("các
    sở, ngành có liên quan") counts only when no unit is named beside it.
    """
    out: list[dict] = []
    reasons: list[Reason] = []
    partners: list[dict] = []
    m = PARTNERS.search(action)
    if m:
        named = names_in(m.group(1))
        specific = [n for n in named if not n["generic"]]
        partners = specific or named
        for n in partners:
            n["start"] += m.start(1)
            n["end"] += m.start(1)
    block_role = "coordinate" if COORDINATE.match(action) else "lead"
    for u in block_units:
        out.append({**u, "role": block_role, "basis": "seed"})
    for n in partners:
        if block_role == "coordinate":
            out.append({**n, "role": "lead", "basis": "derived"})
            reasons.append(Reason(f"lead «{n['name']}» read from «Phối hợp với»",
                                  f"đơn vị chủ trì «{n['name']}» suy từ «Phối hợp với»"))
        elif n["generic"] and not n["unit_type"]:
            continue
        else:
            out.append({**n, "role": "coordinate", "basis": "seed"})
    return out, reasons
