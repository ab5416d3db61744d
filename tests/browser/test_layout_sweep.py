"""The layout sweep: every page each role can reach, in a real browser, at a desk (1366 × 900) and
on a phone (390 × 844). On each page: nothing scrolls sideways, the header is one row on the
desk, no text overflows its box, the page speaks one language, and axe-core finds no
accessibility violation.

The pages come from the URL map and its rules (tests/routes.py): every HTML page a role may GET,
its parameters filled from the demo data. Each role's pages are seen once per width, at the desk
in Vietnamese and on the phone in English, so both languages and both widths meet every page. One
test per role, so that the two test workers share the sweep; the demo data are put back from the
session's snapshots (tests/conftest.py) instead of being made again for each.

What the sweep judges (width, overflow, language, axe-core, the policy) is drawn by the browser
from the HTML and CSS the pages send. CI sweeps in its SQLite pass only (marker `layout`): that
every page renders for every role on PostgreSQL too is the route matrix's check
(tests/core/test_routes.py), run on both databases."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from stiplan.core.jobs import STALE_AFTER
from stiplan.demo.index import create_demo_index
from stiplan.demo.reference import DEMO_PASSWORD
from stiplan.demo.registry import create_demo_registry
from stiplan.demo.rounds import create_demo_rounds
from stiplan.demo.series import create_demo_series
from stiplan.documents.actions import request_document
from stiplan.plans.actions import create_draft
from stiplan.plans.models import DraftStatus, PlanDraft
from stiplan.registry.actions import expire_stale_imports, request_import
from stiplan.registry.models import (
    Call,
    Council,
    ImportJob,
    ImportState,
    Lab,
    Task,
    TaskMember,
    TechnologyDemand,
    TechnologyOffer,
)
from stiplan.reporting.models import Round, RoundKind, UnitReport
from tests.browser.conftest import watch_csp
from tests.conftest import snapshot_of
from tests.core.test_routes import ACCOUNTS, SEED_TEXT, resolver_routes
from tests.routes import PLAN, ROLES, RULES, VISITOR

pytestmark = [pytest.mark.browser]
User = get_user_model()

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DESK, PHONE = (1366, 900), (390, 844)
#: The header's one row: the bar is 3.5rem (56 px) high; two rows would be about twice that.
ONE_ROW = 64
#: Routes that answer a file, JSON or the admin, not a page of the site.
NOT_PAGES = {"plan-export", "amendment-file", "draft-source", "indicator-download",
             "report-template", "evidence-download", "document-file", "document-template-file",
             "index-package", "index-evidence", "council-minutes", "scorecard-export",
             "dataset-file", "data-catalog", "data-dhis2", "registry-export", "sitemap", "robots",
             "admin", "set_language",
             "password_reset_confirm", "password_reset_complete", "password_reset_done",
             "password_change_done", "password_change", "password_reset"}
#: Pages every role sees alike (bar the header): the visitor sweeps them all; a signed-in role
#: sees only those whose content depends on who looks.
SHARED = {"plan-list", "plan-versions", "unit-list", "unit-detail", "overview", "indicator-detail",
          "index-home", "index-profile", "login", "dataset-list", "dataset-detail",
          "site-search", "offer-contact", "demand-contact"}
#: Pages seen with a query (the search with its results).
QUERIES = {"site-search": "?q=lua"}


@dataclass
class Sweep:
    """The problems found on one role's pages, one line each."""

    role: str
    problems: list[str] = field(default_factory=list)
    pages: int = 0

    def add(self, url: str, width: int, what: str, found) -> None:
        if found:
            self.problems.append(f"{self.role} {width}px {url}: {what}: {found}")


# What the browser measures on each page (one evaluation returns every finding).
MEASURE = """([oneRow, lang]) => {
  const vi = /[ăâđêôơưĂÂĐÊÔƠƯ\\u1EA0-\\u1EF9àáãèéìíòóõùúýÀÁÃÈÉÌÍÒÓÕÙÚÝ]/;
  const isData = (el) => el && el.closest("[data-content], [lang=vi], script, style, noscript, "
                                          + "[hidden], .visually-hidden");
  const folded = (el) => { const d = el.closest("details:not([open])");
    return d !== null && !el.closest("summary"); };
  const visible = (el) => { const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && !folded(el); };
  const scrolls = (el) => { for (let a = el.parentElement; a; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === "auto" || o === "scroll" || o === "hidden") return true; }
    return false; };
  const out = {width: document.documentElement.scrollWidth, header: null, overflowing: [],
               foreign: [], twins: []};
  const header = document.querySelector("header");
  out.header = Math.round(header.getBoundingClientRect().height);
  for (const el of document.body.querySelectorAll("*")) {
    const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join("").trim();
    if (!own || !visible(el) || getComputedStyle(el).display === "inline") continue;
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible"
        && !scrolls(el))
      out.overflowing.push(`<${el.tagName.toLowerCase()}> ${own.slice(0, 50)}`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent.trim();
    if (!text || isData(n.parentElement)) continue;
    if (lang === "en" && vi.test(text)) out.foreign.push(text.slice(0, 60));
    if (lang === "vi" && vi.test(text) && /\\s(\\/|—)\\s*[A-Za-z][A-Za-z ',.()-]*$/.test(text)
        && !vi.test(text.split(/\\s(?:\\/|—)\\s/).pop()))
      out.twins.push(text.slice(0, 80));
  }
  const labelled = document.body.querySelectorAll("[title], [aria-label], [placeholder], [alt]");
  if (lang === "en") for (const el of labelled) {
    if (isData(el)) continue;
    for (const a of ["title", "aria-label", "placeholder", "alt"]) {
      const v = el.getAttribute(a); if (v && vi.test(v)) out.foreign.push(`${a}="${v.slice(0, 60)}"`);
    }
  }
  out.twoRows = oneRow !== null && out.header > oneRow;
  return out;
}"""

#: axe-core's run: the rules of WCAG 2.1 A and AA, violations only. Each page's run leaves out
#: what only a found violation needs, the CSS selector, ancestry and XPath of each node (a seventh
#: of axe's time on the largest pages); a page with a violation is run again with them
#: (AXE_NAMING), so that the report names the node.
AXE_OPTIONS = """{runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
                  resultTypes: ["violations"]}"""
AXE_RUN = f"""async () => (await axe.run(document, {{...{AXE_OPTIONS}, selectors: false,
  ancestry: false, xpath: false}})).violations.map((v) => `${{v.id}} (${{v.nodes.length}})`)"""
AXE_NAMING = f"""async () => (await axe.run(document, {AXE_OPTIONS})).violations.map(
  (v) => `${{v.id}} (${{v.nodes.length}}): ${{v.nodes[0].target.join(" ")}}`)"""
# Both in one call; the sweep's contexts load axe-core into every page (`signed_in_context`).
MEASURE_AND_AXE = f"""async (args) => ({{...({MEASURE})(args), axe: await ({AXE_RUN})()}})"""


#: The demo rounds and series, the index and a small registry, made once per test worker.
demo_snapshot = snapshot_of(create_demo_rounds, create_demo_series, create_demo_index,
                            lambda: create_demo_registry(tasks=14), run_on_commit=True)


@pytest.fixture
def demo(site, private_media, demo_snapshot) -> tuple[str, dict[str, list[str]]]:
    """A live server over the demo data (rounds, series, the index, the registry, a document, a
    plan draft), and the pages of each role."""
    demo_snapshot.restore()
    yearly = Round.objects.get(kind=RoundKind.ANNUAL, year=2025)
    document = request_document(yearly, formats=["xlsx"], by=None, run_now=True)
    officer = User.objects.get(username=ACCOUNTS[PLAN])
    draft = create_draft("1925-QD-UBND.txt", SEED_TEXT.read_bytes(), by=officer)
    reading = PlanDraft.objects.create(  # a scan being read: the job's progress on the page
        status=DraftStatus.READING, source_name="quet.pdf", source_kind="pdf", sha256="0" * 64,
        progress=40, step="ocr 2/5", created_by=officer)
    job = request_import("tasks", "nhiem-vu.csv", b"code\nNV-X\n", by=None)  # refused: its problems
    killed = request_import("tasks", "nhiem-vu-lon.csv", b"code\nNV-X\n", by=None)
    ImportJob.objects.filter(pk=killed.pk).update(  # its worker killed, then the stale-job schedule
        state=ImportState.RUNNING, started_at=timezone.now() - 2 * STALE_AFTER)
    expire_stale_imports()
    return site.url, {role: pages_of(role, document.pk, draft.pk, reading.pk, (job.pk, killed.pk))
                      for role in ROLES}


def pages_of(role: str, document: int, draft: int, reading: int,
             import_jobs: tuple[int, ...]) -> list[str]:
    """The addresses of every page `role` may GET, filled from the demo data."""
    yearly = Round.objects.get(kind=RoundKind.ANNUAL, year=2025)
    ad_hoc = Round.objects.get(kind=RoundKind.AD_HOC)
    own = UnitReport.objects.get(round=yearly, unit__code="VL25.STC")
    other = UnitReport.objects.get(round=yearly, unit__code="VL25.SGDDT")
    plan = {"code": yearly.plan.code}
    # a registered task (outputs with certificate numbers) and one under contract
    tasks = [Task.objects.filter(state=state).order_by("pk").first().pk
             for state in ("registered", "contracted")]
    params = {
        "home": [{}], "plan-list": [{}], "plan-detail": [plan], "plan-versions": [plan],
        "plan-edit": [plan], "plan-amend": [plan], "plan-import": [{}],
        "plan-item-delete": [{**plan, "?": "?item=targets[0]"}],
        "draft-review": [{"pk": draft}, {"pk": reading}],
        "action-detail": [{**plan, "action_code": "III.1.1"}],
        "unit-list": [{}], "unit-detail": [{"code": "VL25.STC"}, {"code": "VL.STTTT"}],
        "round-list": [{}], "round-open": [{}],
        "round-board": [{"pk": yearly.pk}, {"pk": ad_hoc.pk}],
        "report-detail": [{"pk": own.pk}, {"pk": other.pk}],
        "overview": [{}], "action-board": [{}],
        "indicator-detail": [{"code": "rd_budget_grdp"}, {"code": "tfp_share"}],
        "document-list": [{}], "document-detail": [{"pk": document}],
        "document-templates": [{}], "index-home": [{}],
        "index-profile": [{"year": 2025, "province": "VLG"}],
        "index-entry": [{"year": 2025}],
        "task-list": [{}], "task-detail": [{"pk": pk} for pk in tasks], "task-propose": [{}],
        "organisation-list": [{}], "ip-list": [{}], "registry-transfer": [{}],
        "registry-import-job": [{"pk": pk} for pk in import_jobs],
        "organisation-detail": [{"pk": Task.objects.get(pk=pk).host_id} for pk in tasks],
        "person-detail": [{"pk": TaskMember.objects.get(task=pk, role="principal").person_id}
                          for pk in tasks],
        "council-list": [{}], "council-detail": [{"pk": Council.objects.order_by("pk").first().pk},
                                                 {"pk": Council.objects.get(call__published=True).pk}],
        "competition-list": [{}],
        "competition-detail": [{"pk": pk} for pk in Call.objects.order_by("pk").values_list("pk", flat=True)],
        "scorecard": [{"year": 2025}],
        "lab-list": [{}], "lab-detail": [{"pk": lab.pk} for lab in Lab.objects.order_by("pk")[:2]],
        "offer-list": [{}], "demand-list": [{}],
        # published ones: the visitor's pages too (a draft is the Department's, 404 for others)
        **{f"{kind}-detail": [{"pk": model.objects.filter(status="published").order_by("pk").first().pk}]
           for kind, model in (("offer", TechnologyOffer), ("demand", TechnologyDemand))},
        **{f"{kind}-contact": [{"pk": model.objects.filter(status="published").order_by("pk").first().pk}]
           for kind, model in (("offer", TechnologyOffer), ("demand", TechnologyDemand))},
        "site-search": [{}], "listing-messages": [{}],
        "audit-list": [{}],
        "dataset-list": [{}], "dataset-detail": [{"slug": "tasks"}, {"slug": "plan-progress"}],
        "object-history": [{"object_type": "reporting.unitreport", "object_id": own.pk}],
        "login": [{}],
    }
    reports = {own.pk: "own", other.pk: "other"}
    found = []
    for name in sorted(resolver_routes()):
        if name in NOT_PAGES or name.startswith("api-") or "GET" not in RULES[name]:
            continue
        if role != VISITOR and name in SHARED:
            continue
        if role != VISITOR and name == "login":
            continue
        rule = RULES[name]["GET"]
        for kwargs in params[name]:
            side = reports.get(kwargs.get("pk"), "own") if name == "report-detail" else "own"
            if role in rule[side]:
                query = kwargs.get("?", QUERIES.get(name, ""))
                found.append(reverse(name, kwargs={k: v for k, v in kwargs.items() if k != "?"})
                             + query)
    return found


def check(page, sweep: Sweep, url: str, width: int, lang: str) -> None:
    response = page.goto(url)
    assert response.ok, f"{url}: {response.status}"
    page.wait_for_load_state("load")
    found = page.evaluate(MEASURE_AND_AXE, [ONE_ROW if width == DESK[0] else None, lang])
    sweep.add(url, width, "scrolls sideways", found["width"] > width and found["width"])
    sweep.add(url, width, f"header {found['header']} px high", found["twoRows"])
    sweep.add(url, width, "text overflows its box", found["overflowing"][:5])
    sweep.add(url, width, "Vietnamese in the English page", found["foreign"][:5])
    sweep.add(url, width, "an English twin after Vietnamese", found["twins"][:5])
    sweep.add(url, width, "axe-core", found["axe"] and page.evaluate(AXE_NAMING))
    sweep.pages += 1


def size(viewport: tuple[int, int]) -> dict[str, int]:
    return {"width": viewport[0], "height": viewport[1]}


def signed_in_context(browser, base: str, role: str, viewport: tuple[int, int]):
    context = browser.new_context(base_url=base, viewport=size(viewport),
                                  locale="en-US")
    context.add_init_script(path=AXE)
    page = context.new_page()
    if role != VISITOR:
        page.goto("/accounts/login/")
        page.fill("input[name=username]", ACCOUNTS[role])
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("main button[type=submit]")
    return context, page


def set_language(page, lang: str) -> None:
    """Choose the language with the header's switch (behind the menu button on a phone)."""
    page.goto("/")
    switch = page.locator("button[name=language]")
    if switch.get_attribute("value") == lang:
        if not switch.is_visible():
            page.get_by_role("button", name="Trình đơn").click()
        switch.click()


@pytest.mark.layout
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_holds_at_both_widths_in_one_language(demo, browser, role):
    base, pages = demo
    sweep = sweep_role(browser, base, role, pages[role])
    assert pages[role] and sweep.pages >= 2 * len(pages[role]), role
    assert not sweep.problems, f"{len(sweep.problems)} problems:\n" + "\n".join(sweep.problems)


def sweep_role(browser, base: str, role: str, pages: list[str]) -> Sweep:
    """The role's pages at the desk in Vietnamese, then on the phone in English (one browser
    context each)."""
    sweep = Sweep(role)
    for viewport, lang in ((DESK, "vi"), (PHONE, "en")):
        context, page = signed_in_context(browser, base, role, viewport)
        violations = watch_csp(page)
        set_language(page, lang)
        for url in pages:
            check(page, sweep, url, viewport[0], lang)
        if lang == "en":  # the header's English labels are longer: one row on the desk too
            page.set_viewport_size(size(DESK))
            check(page, sweep, "/", DESK[0], lang)
        sweep.add("(all)", viewport[0], "CSP violations", sorted(set(violations)))
        context.close()
    return sweep


def test_the_sweep_sees_a_page_that_scrolls_sideways(site, browser):
    """The checks can fail: a page made too wide is caught."""
    context, page = signed_in_context(browser, site.url, VISITOR, PHONE)
    page.goto("/plans/")
    page.evaluate("document.querySelector('main').style.minWidth = '600px'")
    found = page.evaluate(MEASURE, [None, "vi"])
    context.close()
    assert found["width"] > PHONE[0]


def test_the_sweep_names_an_accessibility_violation(site, browser):
    """The axe-core check can fail, and its second run names the node."""
    context, page = signed_in_context(browser, site.url, VISITOR, DESK)
    page.goto("/plans/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', "
                  "'<button id=\"bare\"></button>')")
    found = page.evaluate(MEASURE_AND_AXE, [ONE_ROW, "vi"])["axe"]
    named = page.evaluate(AXE_NAMING)
    context.close()
    assert (found, named) == (["button-name (1)"], ["button-name (1): #bare"])
