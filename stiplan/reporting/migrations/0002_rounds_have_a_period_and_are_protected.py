"""Rounds carry the period their values belong to; a round with reports cannot be deleted; a
round can be archived. Values an ad hoc round wrote over a yearly figure move to its own period,
and the yearly figure is restored from the annual round's report."""

import django.db.models.deletion
from django.db import migrations, models

from stiplan.analytics import periods  # plain functions on period codes, no models


def fill_periods(apps, schema_editor):
    Round = apps.get_model("reporting", "Round")
    for round_ in Round.objects.all():
        round_.period = (f"{round_.year:04d}" if round_.kind == "annual"
                         else f"{round_.opened_on:%Y%m%d}")
        round_.save(update_fields=["period"])


def move_ad_hoc_values(apps, schema_editor):
    """Undo what ad hoc rounds did to yearly values (issue 9): each value an ad hoc round wrote
    as a year's figure moves to the round's period, and the year's reported value is taken again
    from the unit's annual report of that year, if it has one under review or accepted."""
    Round = apps.get_model("reporting", "Round")
    IndicatorItem = apps.get_model("reporting", "IndicatorItem")
    DataValue = apps.get_model("metrics", "DataValue")
    ad_hoc = {r.pk: r for r in Round.objects.filter(kind="ad_hoc")}
    for value in DataValue.objects.filter(source="reported", period_type="yearly"):
        round_ = ad_hoc.get((value.provenance or {}).get("round"))
        if round_ is None:
            continue
        year = value.year
        for name, located in periods.fields(round_.period).items():
            setattr(value, name, located)
        value.save(update_fields=["period", "period_type", "year"])
        item = (IndicatorItem.objects.filter(
            indicator_id=value.indicator_id, report__unit_id=value.unit_id,
            report__round__plan_id=round_.plan_id, report__round__kind="annual",
            report__round__year=year, value__isnull=False,
            report__state__in=("submitted", "resubmitted", "accepted"))
            .select_related("report").first())
        if item is not None:
            DataValue.objects.get_or_create(
                indicator_id=value.indicator_id, unit_id=value.unit_id, period=f"{year:04d}",
                source="reported", defaults={
                    "period_type": "yearly", "year": year, "value": item.value,
                    "final": item.report.state == "accepted", "synthetic": value.synthetic,
                    "provenance": {"report": item.report_id, "round": item.report.round_id,
                                   "version": item.report.version,
                                   "restored": "issue 9: replaced by an ad hoc round"}})


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0001_initial"),
        ("metrics", "0002_values_keep_their_period_and_source"),
    ]

    operations = [
        migrations.AddField(
            model_name="round", name="period",
            field=models.CharField(default="", max_length=12, verbose_name="kỳ số liệu", help_text=(
                "Kỳ mà số liệu của kỳ báo cáo thuộc về: năm (2025) cho báo cáo hằng năm; kỳ riêng "
                "(2026S1, 2026Q2, 20260601) cho báo cáo đột xuất, không bao giờ là năm.")),
            preserve_default=False),
        migrations.RunPython(fill_periods, migrations.RunPython.noop),
        migrations.RunPython(move_ad_hoc_values),
        migrations.AlterField(
            model_name="round", name="status",
            field=models.CharField(choices=[("open", "Đang mở"), ("closed", "Đã đóng"),
                                            ("archived", "Đã lưu trữ")],
                                   default="open", max_length=10, verbose_name="trạng thái")),
        migrations.AlterField(
            model_name="unitreport", name="round",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name="reports", to="reporting.round")),
    ]
