"""The Decree 30 header and frame of a document: issuing body, number, place and date, type,
title, legal bases, proposal, wrapper article (Điều 1 … ban hành kèm theo), signature block.
"""

from __future__ import annotations

import re

from stiplan.analytics.vntext import fold

from .paragraphs import DOC_TYPES, Paragraph, is_upper
from .refs import find_dates, find_refs, kind_named_before

TYPE_CODES = {"quyet dinh": "QĐ", "ke hoach": "KH", "chuong trinh": "CTr", "nghi quyet": "NQ",
              "chi thi": "CT", "de an": "ĐA", "decision": "QĐ", "plan": "KH", "programme": "CTr",
              "program": "CTr"}
MOTTO = re.compile(r"^(CỘNG HÒA|CỘNG HOÀ|ĐẢNG CỘNG SẢN|SOCIALIST REPUBLIC|Độc lập|Independence)",
                   re.IGNORECASE)
NUMBER_LINE = re.compile(r"^(?:Số|No\.?)\s*:?\s*(\S+)", re.IGNORECASE)
PLACE_DATE = re.compile(r"([^\W\d_][^,\d]{1,40}?),\s*(?:ngày|ngay|on)?\s*$", re.IGNORECASE)
GROUNDS = re.compile(r"^(Căn cứ|Thực hiện|Pursuant to|Based on|Having regard to|In implementation of)",
                     re.IGNORECASE)
PROPOSAL = re.compile(r"^(Theo đề nghị|Xét đề nghị|At the request|At the proposal)", re.IGNORECASE)
WRAPPER = re.compile(
    r"^(?:Điều|Article)\s*1\b.*?(?:Ban hành kèm theo|ban hành kèm theo|Promulgated together with|"
    r"Issued together with|Promulgate together with|Attached to)", re.IGNORECASE)
ISSUE_TOGETHER = re.compile(
    r"(?:Ban hành kèm theo (?:Quyết định|Nghị quyết) này|"
    r"(?:promulgated|issued) together with this (?:Decision|Resolution),?)\s+(.+?)\.?$",
    re.IGNORECASE)
SIGN_TITLE = re.compile(r"^(TM\.|KT\.|Q\.|ON BEHALF|FOR THE|P\.)", re.IGNORECASE)
PERSON = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+\s+){1,4}[A-ZĐÀ-Ỹ][a-zà-ỹđ]+$")
HORIZON = re.compile(r"(?:ĐẾN NĂM|đến năm|TO|to|UNTIL|until|BY|by)\s+((?:19|20)\d{2})")


def doc_type(text: str) -> str:
    m = DOC_TYPES.match(text.strip())
    return TYPE_CODES.get(fold(m.group(1)), "") if m else ""


def sentence_case(text: str) -> str:
    """"KẾ HOẠCH TRIỂN KHAI …" → "Kế hoạch triển khai …" (proper names cannot be restored)."""
    lower = text.lower()
    return lower[:1].upper() + lower[1:]


def read_header(paras: list[Paragraph], text: str) -> tuple[dict, int, dict]:
    """(header fields, index of the first body paragraph, provenance by field)."""
    head: dict = {"issuer": "", "number": "", "place": "", "date": None, "type": "", "title": "",
                  "grounds": [], "proposal": None, "wrapper": False, "signer": "",
                  "signer_title": "", "annex_title": "", "horizon": None}
    prov: dict = {}
    body_start = 0
    # issuing body: capitals before the national motto or the number line
    issuer_parts = []
    for p in paras[:8]:
        if MOTTO.match(p.text) or NUMBER_LINE.match(p.text) or doc_type(p.text):
            break
        if is_upper(p.text):
            issuer_parts.append(p)
        else:
            break
    if issuer_parts:
        head["issuer"] = " ".join(p.text for p in issuer_parts)
        prov["issuer"] = _prov(issuer_parts[0], 0.9)
    # number, place and date
    for p in paras[:15]:
        m = NUMBER_LINE.match(p.text)
        if m and not head["number"]:
            refs = find_refs(p.text)
            if refs:
                head["number"] = refs[0].number
                prov["number"] = _prov(p, 0.95, refs[0].start, refs[0].end)
        dates = find_dates(p.text)
        if dates and head["date"] is None and (m or re.search(r"ngày|,", p.text)):
            s, _e, day = dates[0]
            head["date"] = day
            before = p.text[:s]
            if m:
                before = before[m.end():]
            place = PLACE_DATE.search(before)
            if place:
                head["place"] = place.group(1).strip()
            prov["date"] = _prov(p, 0.95, s, _e)
        if head["date"] and head["number"]:
            break
    # document type and title: the first type keyword and the capitals that follow it
    for i, p in enumerate(paras):
        kind = doc_type(p.text)
        if kind:
            head["type"] = kind
            title_parts = []
            for q in paras[i + 1:i + 6]:
                if is_upper(q.text) and not q.marker and not re.match(
                        r"^(ỦY BAN|UỶ BAN|HỘI ĐỒNG|CHỦ TỊCH|PEOPLE'S COMMITTEE)", q.text):
                    title_parts.append(q.text)
                else:
                    break
            head["title"] = " ".join(title_parts)
            prov["type"] = _prov(p, 0.95)
            body_start = i + 1 + len(title_parts)
            break
    # legal bases, proposal, wrapper article, signature: in the frame before the plan itself
    for i in range(body_start, len(paras)):
        p = paras[i]
        if GROUNDS.match(p.text):
            head["grounds"].append({"text": p.text, "span": p.span(), "refs": _refs(p)})
        elif PROPOSAL.match(p.text) and head["proposal"] is None:
            head["proposal"] = {"text": p.text, "span": p.span(), "refs": _refs(p)}
        elif WRAPPER.match(p.text) or (re.match(r"^(Điều|Article)\s*1\b", p.text) and i + 1 < len(
                paras) and ISSUE_TOGETHER.search(paras[i + 1].text)):
            head["wrapper"] = True
            target = p if ISSUE_TOGETHER.search(p.text) else paras[i + 1]
            m = ISSUE_TOGETHER.search(target.text)
            if m:
                head["annex_title"] = m.group(1).strip().rstrip(".")
                prov["annex_title"] = _prov(target, 0.9, m.start(1), m.end(1))
        elif SIGN_TITLE.match(p.text) and head["wrapper"] and not head["signer_title"]:
            block = [p]
            for q in paras[i + 1:i + 4]:
                if not (is_upper(q.text) and not doc_type(q.text)):
                    break
                block.append(q)
            rest = paras[i + len(block):i + len(block) + 2]
            head["signer_title"], head["signer"] = _signature(" ".join(q.text for q in block), rest)
            prov["signer"] = _prov(p, 0.8)
        elif head["wrapper"] and head["signer_title"] and doc_type(p.text):
            body_start = i + 1
            while body_start < len(paras) and paras[body_start].marker != "roman" and (
                    is_upper(paras[body_start].text) or re.match(
                    r"^\((?:Kèm theo|Ban hành kèm theo|Attached|Issued)", paras[body_start].text)):
                body_start += 1
            break
        elif re.match(r"^(I|1)\.\s", p.text) and not head["wrapper"]:
            body_start = i
            break
    title = head["annex_title"] or head["title"]
    horizon = HORIZON.search(title or "")
    head["horizon"] = int(horizon.group(1)) if horizon else None
    return head, body_start, prov


def _refs(p: Paragraph) -> list[dict]:
    out = []
    for r in find_refs(p.text):
        out.append({"number": r.number, "date": r.date, "kind": kind_named_before(p.text, r.start),
                    "start": r.start, "end": r.date_end or r.end})
    return out


def _signature(text: str, after: list[Paragraph]) -> tuple[str, str]:
    kt = re.search(r"\b(KT\.|Q\.|P\.)\s*(.*)$", text)
    title = text
    if kt:
        rest = kt.group(2)
        parts = re.split(r"\s+(?=PHÓ\s|VICE\s)", rest, maxsplit=1)
        title = f"{kt.group(1)} {parts[0].strip()}" + (f" - {parts[1].strip()}" if len(parts) > 1
                                                       else "")
    name = ""
    for q in after:
        if PERSON.match(q.text.strip()):
            name = q.text.strip()
            break
    return title, name


def _prov(p: Paragraph, confidence: float, start: int = 0, end: int | None = None) -> dict:
    return {"span": p.span(start, end), "confidence": confidence}
