"""Values carry a DHIS2-style period and are unique per (indicator, unit, period, source): a
report's value no longer replaces the Department's or the statistics office's."""

from django.db import migrations, models


def fill_periods(apps, schema_editor):
    DataValue = apps.get_model("metrics", "DataValue")
    for value in DataValue.objects.all().iterator():
        if value.quarter is None:
            value.period, value.period_type = f"{value.year:04d}", "yearly"
        else:
            value.period, value.period_type = f"{value.year:04d}Q{value.quarter}", "quarterly"
        value.save(update_fields=["period", "period_type"])


class Migration(migrations.Migration):

    dependencies = [
        ("metrics", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="datavalue", name="period",
            field=models.CharField(blank=True, default="",
                                   help_text="Mã kỳ: 2025, 2025Q2, 2026S1, 202606, 20260601",
                                   max_length=12, verbose_name="kỳ số liệu"),
            preserve_default=False),
        migrations.AddField(
            model_name="datavalue", name="period_type",
            field=models.CharField(choices=[("yearly", "Năm"), ("six_monthly", "Sáu tháng"),
                                            ("quarterly", "Quý"), ("monthly", "Tháng"),
                                            ("daily", "Ngày")],
                                   default="yearly", max_length=12, verbose_name="loại kỳ")),
        # one way: several sources per period cannot go back to one value per year
        migrations.RunPython(fill_periods),
        migrations.RemoveConstraint(model_name="datavalue", name="one_yearly_value"),
        migrations.RemoveConstraint(model_name="datavalue", name="one_quarterly_value"),
        migrations.RemoveIndex(model_name="datavalue", name="metrics_dat_indicat_8f8141_idx"),
        migrations.RemoveField(model_name="datavalue", name="quarter"),
        migrations.AlterField(
            model_name="datavalue", name="year",
            field=models.PositiveSmallIntegerField(blank=True, verbose_name="năm")),
        migrations.AlterField(
            model_name="datavalue", name="source",
            field=models.CharField(choices=[("reported", "Đơn vị báo cáo"),
                                            ("department", "Sở KH&CN nhập"),
                                            ("statistics", "Số liệu thống kê"),
                                            ("computed", "Tính toán")],
                                   max_length=12, verbose_name="nguồn")),
        migrations.AlterModelOptions(
            name="datavalue",
            options={"ordering": ["indicator", "unit", "period", "source"],
                     "verbose_name": "giá trị số liệu", "verbose_name_plural": "giá trị số liệu"}),
        migrations.AddConstraint(
            model_name="datavalue",
            constraint=models.UniqueConstraint(fields=("indicator", "unit", "period", "source"),
                                               name="one_value_per_source")),
        migrations.AddIndex(
            model_name="datavalue",
            index=models.Index(fields=["indicator", "period_type", "year"],
                               name="metrics_dat_indicat_7c9a11_idx")),
    ]
