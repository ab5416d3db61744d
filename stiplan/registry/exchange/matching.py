"""Matching technology demands with offers (and offers with demands): each candidate's text is
compared with the other side's by the Vietnamese search engine (stiplan.analytics.search: NFC,
legacy fonts, accents optional, KH&CN and the other abbreviations spelled out, reordered words),
and its field of science is compared too. A candidate is kept when its texts share enough and
at least one phrase; the score then weighs the text (TEXT_SHARE) and the fields' agreement
(FIELD_SHARE)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from stiplan.analytics.search import TitleIndex
from stiplan.registry.models import TechnologyDemand, TechnologyOffer

TEXT_SHARE, FIELD_SHARE = 0.8, 0.2
#: Below this text likeness a candidate is no match, whatever its field (the duplicate check of
#: proposals starts at the same likeness); nor is one sharing no phrase.
MIN_TEXT = 0.3
#: The shared phrases shown with a match.
PHRASES_SHOWN = 6


def field_agreement(a: str | None, b: str | None) -> float:
    """How far two fields of science agree, from their codes (Circular 24/2025: a code's prefixes
    are its parents): 1 when one holds the other (equal, or a parent of the other), 0.5 within the
    same one-digit field, 0 otherwise or when either is not known."""
    if not a or not b:
        return 0.0
    if a.startswith(b) or b.startswith(a):
        return 1.0
    return 0.5 if a[0] == b[0] else 0.0


@dataclass(frozen=True)
class Match:
    """One ranked candidate: its score in [0, 1], the text likeness and field agreement it is
    made of, and the phrases both texts share (as the candidate wrote them)."""

    pk: int
    title: str
    organisation: str
    field: str
    score: float
    text_score: float
    field_score: float
    phrases: tuple[str, ...]


def ranked(text: str, field: str | None, rows: list[tuple], *, limit: int = 10) -> list[Match]:
    """The rows like `text`, best first. Each row is (pk, title, body, organisation, field code);
    a title and its body are read as one text."""
    if not rows or not text.strip():
        return []
    index = TitleIndex([f"{title}. {body}" for _pk, title, body, _org, _field in rows], range(len(rows)))
    found = []
    for hit in index.similar(text, k=len(rows), min_score=MIN_TEXT):
        if not hit.phrases:
            continue
        pk, title, _body, organisation, code = rows[hit.key]
        agreement = field_agreement(field, code)
        score = round(TEXT_SHARE * hit.score + FIELD_SHARE * agreement, 4)
        found.append(Match(pk, title, organisation, code or "", score, hit.score, agreement,
                           hit.phrases[:PHRASES_SHOWN]))
    found.sort(key=lambda m: (-m.score, m.title, m.pk))
    return found[:limit]


def _code(listing) -> str | None:
    return listing.field.code if listing.field_id else None


def offers_for(demand: TechnologyDemand, offers: QuerySet, *, limit: int = 10) -> list[Match]:
    """The offers of `offers` (already restricted to the reader) that answer `demand`, best first."""
    rows = list(offers.values_list("pk", "title", "summary", "owner__name", "field__code"))
    return ranked(f"{demand.title}. {demand.needs}", _code(demand), rows, limit=limit)


def demands_for(offer: TechnologyOffer, demands: QuerySet, *, limit: int = 10) -> list[Match]:
    """The demands of `demands` (already restricted to the reader) that `offer` answers, best first."""
    rows = list(demands.values_list("pk", "title", "needs", "enterprise__name", "field__code"))
    return ranked(f"{offer.title}. {offer.summary}", _code(offer), rows, limit=limit)
