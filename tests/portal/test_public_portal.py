"""The public portal (issue 14): one search over everything public (accents and word order do not
matter; a visitor finds only what restrict() shows, staff more), pages that share well (title,
description, canonical address, Open Graph), the sitemap and robots.txt, the contact form of
offers and demands (honeypot, signed time stamp, a limit per address; stored, audited, e-mailed
to the owner whose address stays hidden) and the cache of the visitors' pages."""

from __future__ import annotations

import re
import time
from xml.etree import ElementTree

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from stiplan.core.antispam import stamp
from stiplan.core.models import AuditEntry
from stiplan.demo.index import create_demo_index
from stiplan.demo.registry import create_demo_registry
from stiplan.registry.exchange.actions import set_status
from stiplan.registry.models import (
    ListingMessage,
    Organisation,
    Task,
    TechnologyDemand,
    TechnologyOffer,
)
from stiplan.registry.search import search_text
from tests.conftest import snapshot_of

pytestmark = pytest.mark.django_db

SECRET = "QZHIDDEN"
#: The small demo registry with the demo index (the search and the sitemap reach both).
portal_world_snapshot = snapshot_of(create_demo_index, lambda: create_demo_registry(tasks=14),
                                    run_on_commit=True)


@pytest.fixture
def portal_world(db, private_media, portal_world_snapshot):
    portal_world_snapshot.restore()


def titles(answer) -> list[str]:
    return re.findall(r'data-testid="hit"><a href="[^"]*" data-content>([^<]*)</a>',
                      answer.content.decode())


def group_of(answer, kind: str) -> list[str]:
    body = answer.content.decode()
    part = re.search(rf'data-testid="group-{kind}">(.*?)</section>', body, re.S)
    return re.findall(r'data-content>([^<]*)</a>', part.group(1)) if part else []


@pytest.fixture
def proposal(demo_registry):
    """A proposal (not public) about rice whose title holds a marker."""
    task = Task.objects.filter(public=False).order_by("pk").first()
    title = f"Nghiên cứu lúa {SECRET} chưa công khai"
    Task.objects.filter(pk=task.pk).update(title=title, search_text=search_text(task.code, title))
    return task


# --- Search ---------------------------------------------------------------------------------------

def test_lua_finds_the_rice_tasks_whatever_the_accents_and_the_word_order(client, demo_registry):
    rice = {t.title for t in Task.objects.filter(public=True) if "lúa" in t.title}
    assert rice, "the demo registry has public rice tasks"
    plain = group_of(client.get("/search/", {"q": "lua"}), "tasks")
    assert set(plain) == rice or (len(plain) == 8 and set(plain) < rice)
    accented = group_of(client.get("/search/", {"q": "LÚA"}), "tasks")
    assert accented == plain
    phrase = group_of(client.get("/search/", {"q": "nghien cuu lua"}), "tasks")
    reordered = group_of(client.get("/search/", {"q": "lúa nghiên cứu"}), "tasks")
    assert phrase == reordered and set(phrase) <= rice and phrase
    assert all("luật" not in t for t in plain), "whole words only"


def test_the_search_covers_offers_organisations_ip_plans_and_the_index(client, portal_world):
    answer = client.get("/search/", {"q": "say lua"})
    assert any("sấy lúa" in t for t in group_of(answer, "offers"))
    assert any("sấy lúa" in t for t in group_of(answer, "demands"))
    assert "Trường Đại học Trà Vinh" in group_of(client.get("/search/", {"q": "dai hoc tra vinh"}),
                                                  "organisations")
    assert any("Bến Tre" in t for t in group_of(client.get("/search/", {"q": "ben tre dua"}), "ip"))
    plan = client.get("/search/", {"q": "nghien cuu va phat trien"})
    assert group_of(plan, "targets") or group_of(plan, "indicators")
    assert group_of(client.get("/search/", {"q": "vinh long"}), "index")
    assert group_of(client.get("/search/", {"q": "tăng cường"}), "actions")


def test_a_proposal_is_found_by_staff_and_not_by_a_visitor(client, login, proposal):
    public = client.get("/search/", {"q": f"lua {SECRET.lower()}"})
    assert public.status_code == 200 and SECRET not in public.content.decode()
    assert "data-testid=\"search-none\"" in public.content.decode()
    staff = login("kehoach").get("/search/", {"q": f"lua {SECRET.lower()}"})
    assert any(SECRET in t for t in group_of(staff, "tasks"))


def test_a_draft_offer_is_found_by_staff_only(client, login, demo_registry):
    draft = TechnologyDemand.objects.filter(status="draft").first()
    words = " ".join(draft.title.split()[:4])
    assert draft.title not in group_of(client.get("/search/", {"q": words}), "demands")
    assert draft.title in group_of(login("kehoach").get("/search/", {"q": words}), "demands")


def test_an_empty_or_odd_query_answers_a_page(client, demo_registry):
    for query in ("", "   ", "%_'\"<script>", "x" * 5000, "đ" * 300):
        answer = client.get("/search/", {"q": query})
        assert answer.status_code == 200, query
    assert "<script>" not in client.get("/search/", {"q": "<script>"}).content.decode()


def test_the_search_box_is_in_every_pages_header(client, login):
    for who in (client, login("baocao.stc")):
        body = who.get("/plans/").content.decode()
        assert 'role="search"' in body and 'action="/search/"' in body


# --- Sharing: titles, descriptions, Open Graph, sitemap, robots -------------------------------------

def meta(body: str, name: str) -> str:
    found = re.search(rf'<meta (?:name|property)="{re.escape(name)}" content="([^"]*)"', body)
    return found.group(1) if found else ""


@pytest.mark.parametrize("route", ["task", "offer", "plan", "search"])
def test_public_pages_carry_title_description_canonical_and_open_graph(client, demo_registry, route):
    task = Task.objects.filter(public=True, state="registered").first()
    offer = TechnologyOffer.objects.filter(status="published").first()
    url = {"task": reverse("task-detail", args=[task.pk]), "offer": reverse("offer-detail", args=[offer.pk]),
           "plan": reverse("plan-detail", args=["vinh-long-1925-2023"]), "search": "/search/?q=lua"}[route]
    body = client.get(url).content.decode()
    title = re.search(r"<title>([^<]+)</title>", body).group(1)
    assert title.endswith(" · stiplan") and len(title) > 12
    assert meta(body, "description") and meta(body, "og:description")
    assert meta(body, "og:title") and meta(body, "og:title") in title
    address = "http://testserver" + url.split("?")[0]
    assert re.search(rf'<link rel="canonical" href="{re.escape(address)}">', body)
    assert meta(body, "og:url") == address and meta(body, "og:type") and meta(body, "og:locale") == "vi_VN"
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert meta(english, "og:locale") == "en_US" and meta(english, "og:locale:alternate") == "vi_VN"


def test_an_offers_description_is_its_summary(client, demo_registry):
    offer = TechnologyOffer.objects.filter(status="published").first()
    body = client.get(reverse("offer-detail", args=[offer.pk])).content.decode()
    assert meta(body, "description").startswith(offer.summary[:40])


def test_the_sitemap_lists_public_pages_only(client, portal_world):
    answer = client.get("/sitemap.xml")
    assert answer.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = {e.text.replace("http://testserver", "")
            for e in ElementTree.fromstring(answer.content).findall("s:url/s:loc", ns)}
    public = Task.objects.filter(public=True)
    assert {reverse("task-detail", args=[t.pk]) for t in public} <= urls
    assert not {reverse("task-detail", args=[t.pk]) for t in Task.objects.filter(public=False)} & urls
    for kind, model in (("offer", TechnologyOffer), ("demand", TechnologyDemand)):
        pages = {x.status: reverse(f"{kind}-detail", args=[x.pk]) for x in model.objects.all()}
        assert pages["published"] in urls
        assert not {page for status, page in pages.items() if status != "published"} & urls
    assert reverse("plan-detail", args=["vinh-long-1925-2023"]) in urls
    assert reverse("indicator-detail", args=["rd_budget_grdp"]) in urls
    assert reverse("organisation-detail", args=[Organisation.objects.first().pk]) in urls
    assert {"/data/", "/data/tasks/", "/index/2025/VLG/"} <= urls


def test_robots_points_to_the_sitemap_and_keeps_crawlers_out_of_private_paths(client):
    answer = client.get("/robots.txt")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/plain")
    lines = answer.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    for path in ("/admin/", "/accounts/", "/api/", "/registry/messages/", "/history/"):
        assert f"Disallow: {path}" in lines


# --- Contact form -----------------------------------------------------------------------------------

@pytest.fixture
def offer(demo_registry):
    return TechnologyOffer.objects.filter(status="published").order_by("pk").first()


def contact(client, listing, *, at: float | None = None, **changes):
    kind = "offer" if isinstance(listing, TechnologyOffer) else "demand"
    data = {"sender_name": "Trần Văn Khách", "sender_organisation": "Công ty TNHH Gạo Xanh",
            "sender_email": "khach@example.test", "body": "Chúng tôi muốn mua công nghệ sấy lúa.",
            "website": "", "stamp": stamp(time.time() - 10 if at is None else at), **changes}
    return client.post(reverse(f"{kind}-contact", args=[listing.pk]), data)


def test_a_visitor_writes_to_the_owner_who_gets_it_without_the_address_being_shown(
        client, offer, django_capture_on_commit_callbacks):
    page = client.get(reverse("offer-contact", args=[offer.pk])).content.decode()
    assert offer.contact_email not in page and 'name="website"' in page and 'name="stamp"' in page
    entries = AuditEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        answer = contact(client, offer)
    body = answer.content.decode()
    assert answer.status_code == 200 and 'data-testid="contact-sent"' in body
    assert offer.contact_email not in body
    message = ListingMessage.objects.get()
    assert (message.offer, message.organisation) == (offer, offer.owner)
    assert message.sender_email == "khach@example.test"
    assert message.owner_notified
    assert AuditEntry.objects.count() == entries + 1
    assert AuditEntry.objects.latest("pk").action == "registry.send_message"
    sent = mail.outbox[-1]
    assert sent.to == [offer.contact_email] and sent.reply_to == ["khach@example.test"]
    assert "Chúng tôi muốn mua công nghệ sấy lúa." in sent.body and offer.title in sent.subject


def test_a_demand_takes_messages_too(client, demo_registry):
    demand = TechnologyDemand.objects.filter(status="published").first()
    assert 'data-testid="contact-sent"' in contact(client, demand).content.decode()
    assert ListingMessage.objects.get().demand == demand


@pytest.mark.parametrize("case, changes, words", [
    ("honeypot", {"website": "http://spam.example"}, "Để trống ô này"),
    ("too fast", {"at": "now"}, "quá nhanh"),
    ("stale", {"at": time.time() - 2 * 24 * 3600}, "quá hạn"),
    ("forged", {"stamp": "not-a-stamp"}, "quá hạn"),
    ("bad e-mail", {"sender_email": "khach-at-example"}, "thư điện tử"),
    ("no message", {"body": "  "}, "Trường này là bắt buộc"),
])
def test_a_refused_post_says_why_and_saves_nothing(client, offer, case, changes, words):
    if changes.get("at") == "now":
        changes["at"] = time.time()
    answer = contact(client, offer, **changes)
    body = answer.content.decode()
    assert answer.status_code == 200, case
    assert words.lower() in body.lower(), case
    assert 'data-testid="contact-sent"' not in body
    assert not ListingMessage.objects.exists() and not mail.outbox


def test_the_refusals_speak_english_on_an_english_page(client, offer):
    client.cookies["django_language"] = "en"
    assert "too quickly" in contact(client, offer, at=time.time()).content.decode()
    assert "leave this field empty" in contact(client, offer, website="x").content.decode().lower()


def test_more_than_five_posts_an_hour_from_one_address_are_refused(client, offer):
    other = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(5):
        assert 'data-testid="contact-sent"' in contact(client, offer).content.decode(), n
    answer = contact(client, offer)
    assert answer.status_code == 429
    assert "quá nhiều lời nhắn" in answer.content.decode()
    assert ListingMessage.objects.count() == 5
    client.cookies["django_language"] = "en"
    english = contact(client, offer)
    assert english.status_code == 429 and "too many messages" in english.content.decode()
    assert 'data-testid="contact-sent"' in contact(other, offer).content.decode(), "another address"


def test_a_withdrawn_offer_takes_no_message(client, offer):
    set_status(offer, "withdrawn", by=None)
    assert client.get(reverse("offer-contact", args=[offer.pk])).status_code == 404
    assert contact(client, offer).status_code == 404
    assert not ListingMessage.objects.exists()


def test_messages_are_listed_for_the_department_and_never_for_the_public(client, login, offer):
    contact(client, offer, body=f"{SECRET} nội dung riêng")
    listed = client.get(reverse("listing-messages"))
    assert listed.status_code == 302 and "login" in listed["Location"]
    assert SECRET not in client.get(reverse("offer-detail", args=[offer.pk])).content.decode()
    staff = login("kehoach")
    assert SECRET in staff.get(reverse("listing-messages")).content.decode()
    assert "1 lời nhắn" in staff.get(reverse("offer-detail", args=[offer.pk])).content.decode()
    reporter = login("baocao.stc").get(reverse("listing-messages"))
    assert reporter.status_code == 200 and SECRET not in reporter.content.decode()


# --- The cache of the visitors' pages ------------------------------------------------------------------

def test_a_visitors_page_is_cached_until_an_audited_change(client, offer):
    url = reverse("offer-list")
    first = client.get(url)
    assert first["X-Stiplan-Cache"] == "miss" and offer.title in first.content.decode()
    # a write that skips the audit (as no action does) is not seen: the page comes from the cache
    TechnologyOffer.objects.filter(pk=offer.pk).update(title="Tên đổi ngầm")
    second = client.get(url)
    assert second["X-Stiplan-Cache"] == "hit" and offer.title in second.content.decode()
    # an audited change moves the version: the next visitor sees the new page at once
    set_status(offer, "withdrawn", by=None)
    third = client.get(url)
    assert third["X-Stiplan-Cache"] == "miss"
    assert "Tên đổi ngầm" not in third.content.decode() and offer.title not in third.content.decode()


def test_a_signed_in_users_page_is_never_cached_nor_served_from_the_cache(client, login, offer):
    url = reverse("offer-list")
    client.get(url)
    staff = login("kehoach")
    answer = staff.get(url)
    assert "X-Stiplan-Cache" not in answer and "Đăng xuất" in answer.content.decode()
    assert 'name="status"' in answer.content.decode() or "Trạng thái" in answer.content.decode()


def test_each_language_has_its_own_cached_page(client, offer):
    client.get(reverse("offer-list"))
    client.cookies["django_language"] = "en"
    answer = client.get(reverse("offer-list"))
    assert answer["X-Stiplan-Cache"] == "miss" and '<html lang="en">' in answer.content.decode()


def test_a_cached_page_gives_each_visitor_a_working_form_token(offer):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get("/registry/offers/")
    answer = second.get("/registry/offers/")
    assert answer["X-Stiplan-Cache"] == "hit"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', answer.content.decode()).group(1)
    switched = second.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert switched.status_code == 302


def test_the_contact_page_is_never_cached(client, offer):
    url = reverse("offer-contact", args=[offer.pk])
    client.get(url)
    assert "X-Stiplan-Cache" not in client.get(url)


def test_the_offer_and_demand_lists_find_their_words_on_every_database(client, demo_registry):
    """The lists match offers and demands by their own words (the word table follows tasks only)."""
    offers = client.get("/registry/offers/", {"q": "say lua"}).content.decode()
    demands = client.get("/registry/demands/", {"q": "say lua"}).content.decode()
    assert "sấy lúa bằng năng lượng mặt trời" in offers and "sấy lúa tiết kiệm" in demands


def test_a_search_is_not_kept(client, offer):
    client.get("/search/", {"q": "lua"})
    assert "X-Stiplan-Cache" not in client.get("/search/", {"q": "lua"})


# --- The API's answers to visitors, from the same cache --------------------------------------------

def test_a_visitors_api_answer_is_cached_with_its_etag_until_an_audited_change(client, offer):
    url = reverse("api-offer-detail", args=[offer.pk])
    first = client.get(url, HTTP_ACCEPT="application/json")
    assert first["X-Stiplan-Cache"] == "miss" and first.json()["title"] == offer.title
    second = client.get(url, HTTP_ACCEPT="application/json")
    assert second["X-Stiplan-Cache"] == "hit" and second["ETag"] == first["ETag"]
    assert second.json() == first.json()
    unchanged = client.get(url, HTTP_ACCEPT="application/json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304 and unchanged["ETag"] == first["ETag"]
    set_status(offer, "withdrawn", by=None)
    assert client.get(url, HTTP_ACCEPT="application/json").status_code == 404


def test_the_browsable_api_and_json_are_kept_apart(client, offer):
    url = reverse("api-offer-list")
    client.get(url, HTTP_ACCEPT="application/json")
    page = client.get(url, HTTP_ACCEPT="text/html")
    assert page["X-Stiplan-Cache"] == "miss" and page["Content-Type"].startswith("text/html")


def test_a_token_clients_answer_is_never_cached_nor_served_from_the_cache(client, offer):
    """A visitor primes the cache; a token client still gets its own, fuller answer (a proposal
    the visitor may not see), and what it got is not kept for the next visitor."""
    from django.contrib.auth import get_user_model

    from stiplan.core.actions import create_token
    from stiplan.registry.models import Task

    hidden = Task.objects.filter(public=False).order_by("pk").first()
    key = create_token(get_user_model().objects.get(username="kehoach"), by=None)[1]
    url = reverse("api-task-list") + "?page_size=500"
    seen = client.get(url, HTTP_ACCEPT="application/json")
    assert seen["X-Stiplan-Cache"] == "miss" and hidden.code not in seen.content.decode()
    staff = client.get(url, HTTP_ACCEPT="application/json", HTTP_AUTHORIZATION=f"Token {key}")
    assert "X-Stiplan-Cache" not in staff and hidden.code in staff.content.decode()
    again = client.get(url, HTTP_ACCEPT="application/json")
    assert again["X-Stiplan-Cache"] == "hit" and hidden.code not in again.content.decode()


def test_a_page_kept_for_one_address_of_the_site_is_not_served_to_another(client, offer, settings):
    """The canonical and Open Graph addresses name the host and scheme asked for: a page kept
    for one allowed host is not served under another (no cache poisoning through Host)."""
    settings.ALLOWED_HOSTS = ["stiplan.skhcn.example.vn", "khcn.example.vn"]
    url = reverse("offer-detail", args=[offer.pk])
    client.get(url, HTTP_HOST="khcn.example.vn")
    page = client.get(url, HTTP_HOST="stiplan.skhcn.example.vn")
    assert page["X-Stiplan-Cache"] == "miss"
    assert "http://stiplan.skhcn.example.vn/" in page.content.decode()
    assert "khcn.example.vn/" not in page.content.decode().replace("stiplan.skhcn.example.vn/", "")
