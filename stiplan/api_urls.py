"""The REST API router (every app registers its endpoints here) and the API docs page."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from stiplan.core.api_views import ApiDocsView, AuditEntryViewSet
from stiplan.documents.api import DocumentViewSet
from stiplan.orgs.api import MembershipViewSet, OrgUnitViewSet
from stiplan.plans.api import PlanViewSet
from stiplan.registry.api import (
    IPAssetViewSet,
    OfferViewSet,
    OrganisationViewSet,
    OutputViewSet,
    TaskViewSet,
)
from stiplan.reporting.api import ReportViewSet, RoundViewSet

router = DefaultRouter()
router.register("units", OrgUnitViewSet, basename="api-unit")
router.register("memberships", MembershipViewSet, basename="api-membership")
router.register("plans", PlanViewSet, basename="api-plan")
router.register("audit", AuditEntryViewSet, basename="api-audit")
router.register("rounds", RoundViewSet, basename="api-round")
router.register("reports", ReportViewSet, basename="api-report")
router.register("documents", DocumentViewSet, basename="api-document")
router.register("registry/tasks", TaskViewSet, basename="api-task")
router.register("registry/organisations", OrganisationViewSet, basename="api-organisation")
router.register("registry/ip-assets", IPAssetViewSet, basename="api-ip-asset")
router.register("registry/outputs", OutputViewSet, basename="api-output")
router.register("registry/offers", OfferViewSet, basename="api-offer")
urlpatterns = [
    path("docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    *router.urls,
]
