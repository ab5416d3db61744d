"""The registry in the admin: plan officers keep resources through audited saves, tasks and
councils are read-only there, and accounts outside the Department are kept out."""

import pytest

from stiplan.core.models import AuditEntry
from stiplan.registry.models import Organisation, Task
from tests.adminform import post_admin_change

pytestmark = pytest.mark.django_db

PAGES = ["organisation", "person", "programme", "ipasset", "sciencefield", "task", "council"]


@pytest.mark.parametrize("page", PAGES)
def test_a_plan_officer_opens_every_registry_list_and_a_reporter_is_kept_out(login, client, propose, page):
    propose()
    assert login("kehoach").get(f"/admin/registry/{page}/").status_code == 200
    refused = login("baocao.stc").get(f"/admin/registry/{page}/")
    assert refused.status_code == 403 or (refused.status_code == 302 and "login" in refused["Location"])


def test_an_organisation_changed_in_the_admin_is_audited(login, host, users):
    client = login("kehoach")
    url = f"/admin/registry/organisation/{host.pk}/change/"
    response = post_admin_change(client, url, {"short_name": "TVU", "relations_out-TOTAL_FORMS": "0",
                                               "relations_out-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Organisation.objects.get(pk=host.pk).short_name == "TVU"
    entry = AuditEntry.objects.get(action="registry.organisation.save")
    assert entry.actor == users["plan_officer"] and entry.after["short_name"] == "TVU"


def test_a_task_cannot_be_edited_in_the_admin(login, propose):
    task = propose()
    client = login("kehoach")
    page = client.get(f"/admin/registry/task/{task.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    client.post(f"/admin/registry/task/{task.pk}/change/", {"state": "applied", "_save": "Save"})
    assert Task.objects.get(pk=task.pk).state == "proposed"


def test_import_jobs_are_listed_read_only_in_the_admin(login, host, settings):
    from django.contrib.auth import get_user_model

    from stiplan.registry.actions import expire_stale_imports, request_import
    from stiplan.registry.models import ImportJob

    settings.STIPLAN_JOBS_SYNC = False
    job = request_import("tasks", "nhiem-vu-lon.csv", b"code\nNV-X\n", by=None)
    ImportJob.objects.filter(pk=job.pk).update(state="running", started_at="2026-01-01T00:00:00Z")
    assert expire_stale_imports() == [job.pk]
    admin = login("quantri")
    assert get_user_model().objects.get(username="quantri").is_superuser
    listing = admin.get("/admin/registry/importjob/")
    shown = listing.content.decode()
    assert listing.status_code == 200 and "nhiem-vu-lon.csv" in shown and "Dừng giữa chừng" in shown
    assert "/admin/registry/importjob/add/" not in shown
    assert admin.get("/admin/registry/importjob/?state__exact=stale").status_code == 200
    page = admin.get(f"/admin/registry/importjob/{job.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert "qcluster" in page.content.decode()  # the stale reason, read-only
    assert f"/registry/files/imports/{job.pk}/" in page.content.decode()  # view on site
    assert admin.get("/admin/registry/importjob/add/").status_code == 403
    assert admin.post(f"/admin/registry/importjob/{job.pk}/delete/", {"post": "yes"}).status_code == 403
    admin.post(f"/admin/registry/importjob/{job.pk}/change/", {"state": "done", "_save": "Save"})
    assert ImportJob.objects.get(pk=job.pk).state == "stale"
    assert login("kehoach").get("/admin/registry/importjob/").status_code == 200
