"""Why the reader flagged something, said in English and in Vietnamese (the draft's review page
shows the reader's language; the CLI and the JSON keep the English)."""

from __future__ import annotations

from typing import NamedTuple


class Reason(NamedTuple):
    en: str
    vi: str


#: What a header field is called, for "not found in the header".
HEADER_FIELDS_VI = {"number": "số hiệu", "date": "ngày ban hành", "issuer": "cơ quan ban hành"}
#: A comparator as the Vietnamese reason says it.
COMPARATORS_VI = {"gte": "không thấp hơn (gte)", "eq": "bằng (eq)", "lte": "không cao hơn (lte)",
                  "range": "trong khoảng (range)"}
