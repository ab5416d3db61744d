"""Narratives (tường thuật) typed on the web or in Excel: Unicode NFC, no control characters,
and only harmless HTML kept."""

from __future__ import annotations

import html
import re

import nh3

from stiplan.analytics.vntext import to_unicode

ALLOWED_TAGS = {"p", "br", "b", "strong", "i", "em", "u", "ul", "ol", "li"}
MAX_LENGTH = 8000
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value) -> str:
    """Plain text: Unicode NFC (legacy fonts converted), control characters removed."""
    if value is None:
        return ""
    return _CONTROL.sub("", to_unicode(str(value))).strip()


def clean_rich(value) -> str:
    """Sanitised rich text: scripts, handlers and unknown tags are dropped, text is escaped."""
    return nh3.clean(clean_text(value), tags=ALLOWED_TAGS, attributes={})


def rich_to_text(value: str) -> str:
    """The text of a sanitised narrative, for Excel cells and documents."""
    text = re.sub(r"<br\s*/?>|</p>|</li>", "\n", value or "")
    return html.unescape(nh3.clean(text, tags=set())).strip()
