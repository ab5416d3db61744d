"""The registry's privacy rule, crawled (issues 12 and 14): a marker planted in every private
field — people's contacts, ID numbers, birth dates and addresses, the name of a reviewer who sits
on councils only, conflict declarations, council names, step notes, scores and council means, a
proposal's title, the contacts of offers and demands, a draft demand's title, the visitors'
messages to owners — appears on no page and no endpoint a visitor can reach by following links
from the home page, the registry's lists, the portal's search (the marker itself searched), the
sitemap and the API root."""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from decimal import Decimal
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser

from stiplan.demo.registry import create_demo_registry
from stiplan.registry.exchange.actions import send_message
from stiplan.registry.models import (
    ConflictDeclaration,
    Person,
    Task,
    TechnologyDemand,
    TechnologyOffer,
)
from tests.registry.private import plant_marker_everywhere

pytestmark = pytest.mark.django_db

MARK = "QZPRIV"
MARK_QUERY = MARK.lower()
#: Distinctive numbers planted as a score and a council mean, in both decimal spellings.
SCORE, MEAN = Decimal("37.77"), Decimal("88.13")
NUMBERS = ("37.77", "37,77", "88.13", "88,13")
#: Where the registry's rows are shown: its pages, the indicators it feeds, the API.
START = ["/", "/registry/tasks/", "/registry/organisations/", "/registry/ip/", "/indicators/",
         "/registry/offers/", "/registry/demands/", "/sitemap.xml", "/robots.txt",
         "/search/?q=lua", "/search/?q=cong+nghe", "/api/v1/"]
FOLLOW = ("/registry/", "/indicators/", "/api/v1/registry/", "/search/")
#: Enough for every list page, detail page and API resource of the small world below.
MOST = 800
#: Planted in a public field (a public task's title): the crawl must find it.
SEEN = "QZPUBLIC"


@pytest.fixture
def planted(db, users):
    """A small demo registry with a marker in every private field."""
    create_demo_registry(tasks=12)
    seat = plant_marker_everywhere(MARK, score=SCORE, mean=MEAN)
    ConflictDeclaration.objects.create(member=seat, task=seat.council.tasks.order_by("pk").first(),
                                       reason=f"{MARK} xung đột", declared_on=dt.date(2024, 1, 1))
    public = Task.objects.filter(public=True).first()
    Task.objects.filter(pk=public.pk).update(title=f"{SEEN} nhiệm vụ công khai")
    for model in (TechnologyOffer, TechnologyDemand):
        listing = model.objects.filter(status="published").first()
        send_message(listing, name=f"{MARK} khách", organisation=f"{MARK} công ty",
                     email=f"{MARK.lower()}.khach@example.invalid", body=f"{MARK} lời nhắn riêng",
                     by=AnonymousUser())
    draft = TechnologyDemand.objects.filter(status="draft").first()
    TechnologyDemand.objects.filter(pk=draft.pk).update(
        title=f"{MARK} nhu cầu nháp", search_text=f" {MARK.lower()} nhu cau nhap ")


def links_of(body: str, json_body: bool) -> set[str]:
    """The site's own addresses a page or an API answer points to."""
    if json_body:
        found = re.findall(r'"(https?://[^"]+|/[^"\s]*)"', body)
    else:  # pages, and the sitemap's addresses
        found = re.findall(r'(?:href|src|action)="([^"#][^"]*)"|<loc>([^<]+)</loc>', body)
        found = [a or b for a, b in found]
    paths = set()
    for url in found:
        url = urldefrag(url.replace("&amp;", "&"))[0]
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != "testserver":
            continue
        if parts.path.startswith(FOLLOW):
            paths.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def crawl(client) -> dict[str, str]:
    """Every page and endpoint a visitor reaches from START: address → body (200 answers)."""
    seen, queue, bodies = set(START), deque(START), {}
    while queue and len(seen) < MOST:
        address = queue.popleft()
        answer = client.get(address)
        if answer.status_code != 200 or answer.get("Content-Disposition", "").startswith("attachment"):
            continue
        kind = answer.get("Content-Type", "")
        if not kind.startswith(("text/", "application/json", "application/vnd.oai", "application/xml")):
            continue
        body = answer.content.decode("utf-8", "replace")
        bodies[address] = body
        for link in links_of(body, "json" in kind or "openapi" in kind) - seen:
            seen.add(link)
            queue.append(link)
    return bodies


def test_no_private_field_appears_on_any_page_or_endpoint_a_visitor_reaches(client, planted):
    bodies = crawl(client)
    reached = set(bodies)
    assert any(re.fullmatch(r"/registry/tasks/\d+/", a) for a in reached), "no task page reached"
    assert any(re.fullmatch(r"/registry/people/\d+/", a) for a in reached), "no person page reached"
    assert any(re.fullmatch(r"/registry/organisations/\d+/", a) for a in reached)
    assert any(re.fullmatch(r"/registry/offers/\d+/contact/", a) for a in reached), "no contact page"
    assert any(a.startswith("/search/?q=") for a in reached)
    # the control: a marker in a public field is found, so a clean crawl means a hidden field
    assert any(SEEN in body for body in bodies.values())
    assert Person.objects.filter(email__startswith=MARK.lower()).exists()
    # the marker searched finds nothing (the page says the query back, so it is read here apart)
    assert 'data-testid="search-none"' in client.get("/search/", {"q": MARK_QUERY}).content.decode()
    leaks = sorted(f"{address}: {secret}" for address, body in bodies.items()
                   for secret in (MARK, MARK.lower(), "1911", *NUMBERS) if secret in body)
    assert not leaks, "\n".join(leaks[:20])
