"""Plans from their documents: the text of a decision or plan → a draft plan with provenance.

`parse_plan_text(text)` returns {"plan", "document", "flags", "summary", "provenance", "text"}
(spans are offsets into "text", the input as normalised: NFC Unicode, "\\n" line ends); `plan`
is in the plan file's normal form plus `span`/`confidence` on every extracted item (and
`unit_name` on assignments, as written). Pure code: no Django, no files.
"""

from .parser import NotAPlan, parse_plan_text

__all__ = ["NotAPlan", "parse_plan_text"]
