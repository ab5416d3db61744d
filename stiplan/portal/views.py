"""Open data pages and files: the list of datasets, a dataset's page, its files (CSV, JSON,
XLSX), the DCAT catalogue and the DHIS2 export; the search over everything public and robots.txt.
Everyone may read them; each file is made once per change of the data and served from the cache
until the next one."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from stiplan.core.tables import FORMATS, MEDIA_TYPES, download, table_bytes
from stiplan.portal.caching import CACHE_SECONDS, data_version
from stiplan.portal.catalog import CATALOG_TITLE, DHIS2_COLUMNS, catalog, dhis2_rows, licence
from stiplan.portal.datasets import DATASETS, Dataset
from stiplan.portal.search import MAX_QUERY, search

CADENCES = {"daily": _("cập nhật khi dữ liệu thay đổi"), "annual": _("hằng năm")}


def cached(name: str, make: Callable[[], bytes]) -> bytes:
    key = f"stiplan-opendata-{name}-{data_version()}"
    body = cache.get(key)
    if body is None:
        body = make()
        cache.set(key, body, CACHE_SECONDS)
    return body


def dataset_or_404(slug: str) -> Dataset:
    if slug not in DATASETS:
        raise Http404(slug)
    return DATASETS[slug]


def about(dataset: Dataset) -> dict:
    return {"dataset": dataset, "cadence": CADENCES.get(dataset.cadence, dataset.cadence),
            "modified": dataset.modified(), "formats": FORMATS}


class DatasetListView(TemplateView):
    template_name = "portal/dataset_list.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": CATALOG_TITLE,
                "datasets": [about(d) for d in DATASETS.values()], "licence": licence()}


class DatasetDetailView(TemplateView):
    """A dataset's landing page: what it holds, its columns, cadence, licence and files."""

    template_name = "portal/dataset_detail.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **about(dataset_or_404(kwargs["slug"])),
                "licence": licence()}


class DatasetFileView(View):
    def get(self, request, slug: str, fmt: str):
        dataset = dataset_or_404(slug)
        if fmt not in FORMATS:
            raise Http404(fmt)
        meta = {"dataset": dataset.slug, "title": str(dataset.title), "licence": licence(),
                "cadence": dataset.cadence}
        body = cached(f"{slug}.{fmt}", lambda: table_bytes(
            dataset.columns, dataset.rows(), fmt, sheet=slug, meta=meta))
        return download(body, MEDIA_TYPES[fmt], f"{slug}.{fmt}")


class CatalogView(View):
    """The DCAT catalogue (JSON-LD) with absolute addresses of this site."""

    def get(self, request):
        base = request.build_absolute_uri("/").rstrip("/")
        body = cached(f"catalog-{base}", lambda: json.dumps(
            catalog(base), ensure_ascii=False, indent=1).encode("utf-8"))
        return HttpResponse(body, content_type="application/ld+json")


class Dhis2View(View):
    """The indicator values as a DHIS2 data value set in CSV (codes as identifiers)."""

    def get(self, request):
        body = cached("dhis2.csv", lambda: table_bytes(DHIS2_COLUMNS, dhis2_rows(), "csv"))
        return download(body, MEDIA_TYPES["csv"], "stiplan-datavalues-dhis2.csv")


class SearchView(TemplateView):
    """One search box over everything public (stiplan.portal.search): the visitor sees what is
    public, a signed-in user what the permission table lets them read; results grouped by kind."""

    template_name = "portal/search.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:MAX_QUERY]
        groups = search(self.request.user, query)
        return {**super().get_context_data(**kwargs), "search_query": query, "groups": groups,
                "total": sum(g.total for g in groups)}


ROBOTS = """User-agent: *
Disallow: /admin/
Disallow: /accounts/
Disallow: /i18n/
Disallow: /history/
Disallow: /reporting/
Disallow: /documents/
Disallow: /registry/councils/
Disallow: /registry/messages/
Disallow: /registry/files/
Disallow: /registry/*/contact/
Disallow: /search/
Allow: /api/v1/schema/
Disallow: /api/

Sitemap: {sitemap}
"""


class RobotsView(View):
    """robots.txt: the sign-in, admin, internal and write paths are not for crawlers; the sitemap
    lists the public pages."""

    def get(self, request):
        body = ROBOTS.format(sitemap=request.build_absolute_uri(reverse("sitemap")))
        return HttpResponse(body, content_type="text/plain; charset=utf-8")
