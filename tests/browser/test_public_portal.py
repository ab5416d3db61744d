"""The public portal in a real browser (issue 14), as a visitor who never signs in: they type
"lua" in the header's search box, find the rice-research tasks, open one and switch to English;
an enterprise writes to the owner of a technology offer and sees the confirmation (the owner's
address never shown); axe-core finds no accessibility violation on these pages."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from stiplan.demo.registry import create_demo_registry
from stiplan.registry.models import ListingMessage, Task, TechnologyOffer
from tests.browser.test_layout_sweep import AXE, AXE_NAMING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def base(site) -> str:
    """The small demo registry (14 tasks, offers and demands) behind a live server."""
    create_demo_registry(tasks=14)
    return site.url


def accessible(page: Page) -> None:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    assert page.evaluate(AXE_NAMING) == [], page.url


def test_a_visitor_finds_rice_tasks_reads_one_in_english_and_writes_to_an_offers_owner(base, page: Page):
    rice = [t.title for t in Task.objects.filter(public=True) if "lúa" in t.title]
    assert rice
    page.goto(f"{base}/")
    page.get_by_role("searchbox", name="Tìm trong cổng thông tin").fill("lua")
    page.keyboard.press("Enter")
    tasks = page.get_by_test_id("group-tasks")
    expect(tasks.get_by_test_id("hit").first).to_be_visible()
    found = tasks.get_by_test_id("hit").all_inner_texts()
    assert found and all("lúa" in text for text in found)
    accessible(page)

    tasks.get_by_test_id("hit").first.get_by_role("link").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("lúa")
    title = heading.inner_text()
    accessible(page)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("heading", name="Results")).to_be_visible()
    expect(page.locator('meta[property="og:locale"]')).to_have_attribute("content", "en_US")
    accessible(page)

    offer = TechnologyOffer.objects.filter(status="published").order_by("pk").first()
    page.goto(f"{base}/registry/offers/{offer.pk}/")
    page.get_by_test_id("contact-owner").click()
    form = page.get_by_test_id("contact-form")
    accessible(page)
    assert offer.contact_email not in page.content()
    form.get_by_label("Full name").fill("Trần Văn Khách")
    form.get_by_label("Organisation or company").fill("Công ty TNHH Gạo Xanh (mô phỏng)")
    form.get_by_label("Your e-mail").fill("khach@example.test")
    form.get_by_label("Message").fill("Chúng tôi muốn được tư vấn về công nghệ sấy lúa này.")
    page.wait_for_timeout(3000)  # a person takes this long; a faster post is refused as a robot's
    form.get_by_role("button", name="Send the message").click()
    expect(page.get_by_test_id("contact-sent")).to_contain_text("Thank you")
    assert offer.contact_email not in page.content()
    accessible(page)
    message = ListingMessage.objects.get()
    assert (message.offer_id, message.sender_email) == (offer.pk, "khach@example.test")
    assert mail.outbox[-1].to == [offer.contact_email]
