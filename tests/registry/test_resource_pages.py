"""The registry's resource pages: organisations (filter by kind, search by name whatever the
accents), an organisation's page (relations with their dates, the tasks it hosts that the reader
may see, its IP assets), a person's public profile (never a private field, to anyone; not listed,
not indexed), and the IP assets with the tasks they came from. A task that is not public appears
on no resource page a visitor reads."""

import datetime as dt
import re

import pytest
from django.urls import NoReverseMatch, reverse

from stiplan.registry.models import (
    Affiliation,
    IPAsset,
    Organisation,
    OrganisationRelation,
    Output,
    Person,
    Task,
    TaskMember,
)
from tests.registry.private import SECRETS, plant_private_marker

pytestmark = pytest.mark.django_db

ORGANISATIONS = reverse("organisation-list")
IP = reverse("ip-list")


def organisation_page(org) -> str:
    return reverse("organisation-detail", kwargs={"pk": org.pk})


def person_page(person) -> str:
    return reverse("person-detail", kwargs={"pk": person.pk})


def names_on(html: str) -> set[str]:
    """The organisations the list links to."""
    return set(re.findall(r'<a href="/registry/organisations/\d+/" data-content>([^<]+)</a>', html))


def task_codes_on(html: str) -> set[str]:
    return set(re.findall(r'<a href="/registry/tasks/\d+/">([^<]+)</a>', html))


def ip_row(html: str, title: str) -> str:
    """The row of the IP list that names `title`."""
    rows = [r for r in re.findall(r'<tr id="ip-\d+" data-testid="ip-asset">.*?</tr>', html, re.S)
            if title in r]
    assert len(rows) == 1, title
    return rows[0]


@pytest.fixture
def world(demo_registry, users):
    """The demo registry, and around the Trà Vinh university: one public and one hidden task it
    hosts, a person working on both (with two affiliations), one working on the hidden one only,
    two dated relations, an IP asset it owns from the public task and one from the hidden task.
    Every person's private fields hold the marker."""
    university = Organisation.objects.get(code="dh-tra-vinh")
    department = Organisation.objects.get(code="skhcn-vinh-long")
    enterprise = Organisation.objects.get(code="dn-dua-xanh")
    shown = Task.objects.filter(public=True).order_by("pk").first()
    hidden = Task.objects.filter(public=False).order_by("pk").first()
    Task.objects.filter(pk__in=[shown.pk, hidden.pk]).update(host=university)
    both = Person.objects.create(full_name="Phan Thị Công Khai", degree="doctor", title="assoc_prof")
    secret = Person.objects.create(full_name="Đỗ Văn Kín Đáo", degree="master")
    TaskMember.objects.create(task=shown, person=both, role="main", valid_from=dt.date(2020, 1, 1))
    TaskMember.objects.create(task=hidden, person=both, role="member")
    TaskMember.objects.create(task=hidden, person=secret, role="secretary")
    Affiliation.objects.create(person=both, organisation=enterprise, position="Kỹ sư trưởng",
                               valid_from=dt.date(2012, 5, 1), valid_to=dt.date(2017, 12, 31))
    Affiliation.objects.create(person=both, organisation=university, position="Giảng viên chính",
                               valid_from=dt.date(2018, 1, 1))
    Affiliation.objects.create(person=secret, organisation=university, position="Nghiên cứu viên")
    OrganisationRelation.objects.create(source=university, target=department, kind="partner",
                                        valid_from=dt.date(2019, 3, 1), valid_to=dt.date(2024, 2, 29))
    OrganisationRelation.objects.create(source=enterprise, target=university, kind="incubated_by",
                                        valid_from=dt.date(2021, 6, 15))
    pomelo = IPAsset.objects.get(title="Bưởi da xanh Vũng Liêm")
    IPAsset.objects.filter(pk=pomelo.pk).update(owner=university)
    coconut = IPAsset.objects.get(title="Bến Tre — dừa")
    Output.objects.create(task=shown, kind="ip", title="Nhãn hiệu tập thể", ip_asset=pomelo)
    Output.objects.create(task=hidden, kind="ip", title="Chỉ dẫn địa lý", ip_asset=coconut)
    plant_private_marker()
    return {"university": university, "department": department, "enterprise": enterprise,
            "shown": shown, "hidden": hidden, "both": both, "secret": secret}


def every_page(client, *, may_see_all: bool) -> dict[str, str]:
    """Every resource page: the lists (filtered by each kind and searched), each organisation,
    each person the reader may reach (every person for staff; for a visitor, the members of
    public tasks)."""
    people = Person.objects.all() if may_see_all else Person.objects.filter(
        task_roles__task__public=True).distinct()
    urls = [ORGANISATIONS, f"{ORGANISATIONS}?q=tra+vinh", IP, f"{IP}?kind=collective_mark",
            *(f"{ORGANISATIONS}?kind={k}" for k in ("university", "enterprise", "startup")),
            *(organisation_page(o) for o in Organisation.objects.all()),
            *(person_page(p) for p in people),
            *(reverse("task-detail", kwargs={"pk": t.pk}) for t in Task.objects.filter(public=True))]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    return pages


# --- Personal data --------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["visitor", "plan officer"])
def test_no_private_field_of_any_person_is_on_any_resource_page(client, login, world, who):
    if who == "plan officer":
        client = login("kehoach")
    pages = every_page(client, may_see_all=who == "plan officer")
    assert person_page(world["both"]) in pages  # the pages crawled do show people
    for url, html in pages.items():
        for secret in SECRETS:
            assert secret not in html, f"{secret} on {url}"


def test_a_person_page_shows_the_public_profile_and_asks_not_to_be_indexed(client, world):
    html = client.get(person_page(world["both"])).content.decode()
    assert '<meta name="robots" content="noindex">' in html
    for shown in ("Phan Thị Công Khai", "tiến sĩ", "phó giáo sư", "thành viên chính",
                  "Kỹ sư trưởng", "01/05/2012", "31/12/2017", "Giảng viên chính", "01/01/2018",
                  world["enterprise"].name, world["university"].name):
        assert shown in html
    assert task_codes_on(html) == {world["shown"].code}


def test_people_are_not_listed(client, login, world):
    with pytest.raises(NoReverseMatch):
        reverse("person-list")
    assert client.get("/registry/people/").status_code == 404
    assert login("kehoach").get("/registry/people/").status_code == 404


def test_a_person_on_hidden_tasks_only_is_not_found_by_a_visitor_but_by_staff(client, login, world):
    assert client.get(person_page(world["secret"])).status_code == 404
    html = login("kehoach").get(person_page(world["secret"])).content.decode()
    assert "Đỗ Văn Kín Đáo" in html and task_codes_on(html) == {world["hidden"].code}


# --- Hidden tasks ---------------------------------------------------------------------------

def test_a_task_that_is_not_public_is_on_no_organisation_or_person_page_of_a_visitor(client, world):
    hidden = world["hidden"]
    for url, html in every_page(client, may_see_all=False).items():
        assert hidden.code not in html and hidden.title not in html, url


def test_staff_see_the_hidden_task_on_the_organisation_and_person_pages(login, world):
    client = login("kehoach")
    for url in (organisation_page(world["university"]), person_page(world["both"])):
        assert world["hidden"].code in task_codes_on(client.get(url).content.decode())


def test_an_organisation_page_lists_the_tasks_it_hosts_that_the_reader_may_see(client, world):
    university = world["university"]
    html = client.get(organisation_page(university)).content.decode()
    assert task_codes_on(html) == set(
        Task.objects.filter(host=university, public=True).values_list("code", flat=True))
    assert world["shown"].code in task_codes_on(html)


def test_a_visitor_sees_only_the_people_of_public_tasks_among_an_organisations_staff(client, world):
    html = client.get(organisation_page(world["university"])).content.decode()
    assert "Phan Thị Công Khai" in html and "Đỗ Văn Kín Đáo" not in html


# --- Organisations --------------------------------------------------------------------------

def test_an_organisation_page_shows_its_kind_its_dated_relations_both_ways_and_its_ip(client, world):
    html = client.get(organisation_page(world["university"])).content.decode()
    for shown in ("trường đại học, cao đẳng", "đối tác", world["department"].name, "01/03/2019",
                  "29/02/2024", "được ươm tạo bởi", world["enterprise"].name, "15/06/2021",
                  "Bưởi da xanh Vũng Liêm"):
        assert shown in html
    assert "Bến Tre — dừa" not in html  # not its asset


def test_the_search_finds_the_university_from_words_typed_without_accents(client, world):
    found = names_on(client.get(ORGANISATIONS, {"q": "truong dai hoc tra vinh"}).content.decode())
    assert found == {"Trường Đại học Trà Vinh"}
    # whole words, any order: every university, and none from a word's beginning
    universities = set(Organisation.objects.filter(kind="university").values_list("name", flat=True))
    assert names_on(client.get(ORGANISATIONS, {"q": "hoc dai"}).content.decode()) == universities
    assert names_on(client.get(ORGANISATIONS, {"q": "tra vin"}).content.decode()) == set()


def test_the_kind_filter_narrows_the_list_and_combines_with_the_search(client, world):
    everything = names_on(client.get(ORGANISATIONS).content.decode())
    assert everything == set(Organisation.objects.values_list("name", flat=True))
    for kind in ("university", "startup", "st_enterprise"):
        found = names_on(client.get(ORGANISATIONS, {"kind": kind}).content.decode())
        assert found == set(Organisation.objects.filter(kind=kind).values_list("name", flat=True))
        assert found and found < everything
    mixed = client.get(ORGANISATIONS, {"kind": "enterprise", "q": "dai hoc"}).content.decode()
    assert names_on(mixed) == set()
    # an unknown kind is no filter
    assert names_on(client.get(ORGANISATIONS, {"kind": "nonsense"}).content.decode()) == everything


def test_an_unknown_organisation_or_person_is_404(client, world):
    assert client.get(reverse("organisation-detail", kwargs={"pk": 999999})).status_code == 404
    assert client.get(reverse("person-detail", kwargs={"pk": 999999})).status_code == 404


# --- IP assets ------------------------------------------------------------------------------

def test_the_ip_list_holds_the_provinces_real_assets_and_filters_by_kind(client, world):
    html = client.get(IP).content.decode()
    for title in IPAsset.objects.filter(synthetic=False).values_list("title", flat=True):
        ip_row(html, title)
    marks = client.get(IP, {"kind": "geographical_indication"}).content.decode()
    titles = set(re.findall(r'data-testid="ip-asset">.*?<span data-content>([^<]+)</span>', marks, re.S))
    indications = IPAsset.objects.filter(kind="geographical_indication")
    assert titles == set(indications.values_list("title", flat=True))
    assert "Bưởi da xanh Vũng Liêm" not in titles and len(titles) == 3


def test_an_ip_asset_links_to_the_tasks_it_came_from_that_the_reader_may_see(client, login, world):
    shown, hidden = world["shown"], world["hidden"]
    html = client.get(IP).content.decode()
    assert task_codes_on(ip_row(html, "Bưởi da xanh Vũng Liêm")) == {shown.code}
    assert task_codes_on(ip_row(html, "Bến Tre — dừa")) == set()
    staff = login("kehoach").get(IP).content.decode()
    assert task_codes_on(ip_row(staff, "Bến Tre — dừa")) == {hidden.code}


# --- Links from the task page -----------------------------------------------------------------

def test_the_task_page_links_its_host_principal_and_ip_assets(client, world):
    shown = world["shown"]
    html = client.get(reverse("task-detail", kwargs={"pk": shown.pk})).content.decode()
    principal = TaskMember.objects.get(task=shown, role="principal").person
    assert f'href="{organisation_page(world["university"])}"' in html
    assert f'href="{person_page(principal)}"' in html
    pomelo = IPAsset.objects.get(title="Bưởi da xanh Vũng Liêm")
    assert f'href="{IP}?kind=collective_mark#ip-{pomelo.pk}"' in html
    assert client.get(person_page(principal)).status_code == 200
