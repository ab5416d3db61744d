"""Plans as data (kế hoạch): objectives, indicators, targets, task groups, actions, assignments."""

from django.apps import AppConfig

from stiplan.core import jobs


class PlansConfig(AppConfig):
    name = "stiplan.plans"
    label = "plans"
    verbose_name = "Kế hoạch"

    def ready(self) -> None:
        """Drafts left being read are failed by the stale-job schedule."""
        jobs.register_expirer("plans", "stiplan.plans.actions.expire_stale_drafts")
