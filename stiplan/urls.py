"""URL map: pages, the search, sitemap and robots.txt, admin, i18n switch and the REST API under
/api/v1/."""

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from stiplan.core import views as core_views
from stiplan.portal import views as portal_views
from stiplan.portal.sitemaps import SITEMAPS
from stiplan.web import minutes as web_minutes
from stiplan.web import views as web_views

handler404 = "stiplan.core.api_views.not_found"

urlpatterns = [
    path("", web_views.HomeView.as_view(), name="home"),
    path("plans/", include("stiplan.plans.urls")),
    path("units/", include("stiplan.orgs.urls")),
    path("reporting/", include("stiplan.reporting.urls")),
    path("indicators/", include("stiplan.metrics.urls")),
    path("documents/", include("stiplan.documents.urls")),
    path("index/", include("stiplan.index.urls")),
    path("data/", include("stiplan.portal.urls")),
    path("search/", portal_views.SearchView.as_view(), name="site-search"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", portal_views.RobotsView.as_view(), name="robots"),
    path("registry/councils/<int:pk>/minutes.docx", web_minutes.CouncilMinutesView.as_view(),
         name="council-minutes"),
    path("registry/", include("stiplan.registry.urls")),
    path("history/", core_views.AuditListView.as_view(), name="audit-list"),
    path("history/<str:object_type>/<str:object_id>/", core_views.ObjectHistoryView.as_view(),
         name="object-history"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/", include("stiplan.api_urls")),
]
