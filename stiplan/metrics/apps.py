"""Indicators and monitoring (theo dõi chỉ tiêu): data values, computed and restated series,
target status with forecasts, TFP growth accounting."""

from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "stiplan.metrics"
    label = "metrics"
    verbose_name = "Chỉ tiêu"

    def ready(self) -> None:
        from stiplan.metrics import signals

        signals.connect()
