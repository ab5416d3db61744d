"""The sitemap (/sitemap.xml): every public page a search engine should know — plans in force and
their versions, indicators, public tasks, published offers and demands, organisations, the open
datasets and the index's profile of the province — each read as a visitor reads it (restrict())."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from stiplan.index.models import IndexEdition
from stiplan.plans.models import Indicator, Plan
from stiplan.portal.datasets import DATASETS
from stiplan.registry.models import Organisation, Task, TechnologyDemand, TechnologyOffer

VISITOR = AnonymousUser()


class _Routed(Sitemap):
    """Rows of `model` a visitor may see, at `route` with the row's `key`."""

    model = None
    route = ""
    key = "pk"
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return self.model.objects.restrict(VISITOR).order_by(self.key)

    def location(self, item) -> str:
        return reverse(self.route, args=[getattr(item, self.key)])


class PlanSitemap(_Routed):
    model, route, key, priority = Plan, "plan-detail", "code", 1.0


class IndicatorSitemap(_Routed):
    model, route, key = Indicator, "indicator-detail", "code"


class TaskSitemap(_Routed):
    model, route = Task, "task-detail"


class OfferSitemap(_Routed):
    model, route = TechnologyOffer, "offer-detail"


class DemandSitemap(_Routed):
    model, route = TechnologyDemand, "demand-detail"


class OrganisationSitemap(_Routed):
    model, route, changefreq = Organisation, "organisation-detail", "monthly"


class PageSitemap(Sitemap):
    """The lists, the open datasets and the index's profiles of the Department's province."""

    changefreq = "weekly"

    def items(self) -> list[str]:
        lists = [reverse(name) for name in ("home", "plan-list", "overview", "task-list", "offer-list",
                                            "demand-list", "organisation-list", "ip-list", "lab-list",
                                            "dataset-list")]
        datasets = [reverse("dataset-detail", args=[slug]) for slug in DATASETS]
        profiles = [reverse("index-profile", args=[e.year, e.home])
                    for e in IndexEdition.objects.restrict(VISITOR)]
        return lists + datasets + profiles

    def location(self, item: str) -> str:
        return item


SITEMAPS = {"pages": PageSitemap, "plans": PlanSitemap, "indicators": IndicatorSitemap,
            "tasks": TaskSitemap, "offers": OfferSitemap, "demands": DemandSitemap,
            "organisations": OrganisationSitemap}
