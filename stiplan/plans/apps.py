"""Plans as data (kế hoạch): objectives, indicators, targets, task groups, actions, assignments."""

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "stiplan.plans"
    label = "plans"
    verbose_name = "Kế hoạch"
