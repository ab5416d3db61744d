"""Pages render for everyone, in Vietnamese by default, in English on request, without 500s."""

import pytest

pytestmark = pytest.mark.django_db
PLAN = "/plans/vinh-long-1925-2023/"


@pytest.mark.parametrize("url", [
    "/", "/plans/", PLAN, PLAN + "?unit=VL25.SKHCN", PLAN + "?unit=mine", PLAN + "?on=2024-06-01",
    PLAN + "actions/IV.7.2/", "/units/", "/units/?type=department&on=2024-01-01&q=Sở",
    "/units/VL.STTTT/", "/units/VL25.SKHCN/?on=2026-01-01", "/api/v1/", "/api/v1/units/",
    "/api/v1/plans/", "/api/v1/plans/vinh-long-1925-2023/", "/api/v1/schema/", "/accounts/login/",
])
def test_public_pages_render(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", [
    PLAN + "?on=not-a-date", PLAN + "?unit=NO-SUCH-UNIT", PLAN + "?on=31/12/2025",
    "/units/?on=9999-99-99", "/api/v1/units/?on=garbage", PLAN + "?unit=%3Cscript%3E",
])
def test_odd_query_parameters_never_break_a_page(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", [PLAN + "?unit=%00%3Cscript%3E", "/units/?q=a%00b",
                                 "/api/v1/units/?type=%00"])
def test_nul_characters_are_refused_before_any_query(client, url):
    assert client.get(url).status_code == 400


@pytest.mark.parametrize("url", ["/plans/no-such-plan/", "/units/NOPE/", PLAN + "actions/IX.9/",
                                 PLAN + "export.exe"])
def test_unknown_things_are_404(client, url):
    assert client.get(url).status_code == 404


def test_vietnamese_is_the_default_whatever_the_browser_asks(client):
    page = client.get(PLAN, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in page
    assert "Nhiệm vụ, giải pháp chủ yếu" in page
    assert "16/08/2023" in page  # Vietnamese date format
    assert "1,2 – 1,5" in page  # Vietnamese decimal comma


def test_english_is_chosen_explicitly_and_sticks(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": PLAN})
    assert response.status_code == 302
    page = client.get(PLAN).content.decode()
    assert '<html lang="en">' in page
    assert "Sign in" in page or "Log in" in page
    assert "2023-08-16" in page


def test_officer_sees_an_edit_form_the_public_does_not(client, login):
    public = client.get(PLAN + "actions/III.1.1/").content.decode()
    assert "Thêm phân công" not in public
    page = login("kehoach").get(PLAN + "actions/III.1.1/").content.decode()
    assert "Thêm phân công" in page


def test_nul_characters_in_a_form_are_refused(client, login):
    response = login("kehoach").post(PLAN + "actions/III.1.1/",
                                     {"unit": "VL25.SNV", "role": "coordinate", "reason": "a\x00b"})
    assert response.status_code == 400
