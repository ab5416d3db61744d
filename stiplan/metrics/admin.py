from django import forms
from django.contrib import admin

from stiplan.analytics import formula as fx
from stiplan.core.admin import AuditedAdmin
from stiplan.metrics.models import Computation, DataValue


class ComputationForm(forms.ModelForm):
    class Meta:
        model = Computation
        fields = ["indicator", "formula", "growth_accounting", "note"]

    def clean_formula(self):
        """A formula is checked when it is saved; the error says where and why."""
        source = self.cleaned_data["formula"]
        if source:
            try:
                fx.parse(source)
            except fx.FormulaError as exc:
                raise forms.ValidationError(str(exc)) from None
        return source

    def clean(self):
        data = super().clean()
        if data.get("formula"):
            others = {c.indicator.code: fx.parse(c.formula) for c in Computation.objects
                      .exclude(pk=self.instance.pk).exclude(formula="").select_related("indicator")}
            others[data["indicator"].code] = fx.parse(data["formula"])
            try:
                fx.evaluation_order(others)
            except fx.FormulaError as exc:
                raise forms.ValidationError(str(exc)) from None
        return data


@admin.register(Computation)
class ComputationAdmin(AuditedAdmin):
    form = ComputationForm
    list_display = ["indicator", "formula", "growth_accounting"]


@admin.register(DataValue)
class DataValueAdmin(AuditedAdmin):
    list_display = ["indicator", "unit", "period", "value", "source", "final", "synthetic"]
    list_filter = ["source", "final", "synthetic", "period_type", "year"]
    exclude = ["period_type"]  # follows the period (DataValue.clean)
    raw_id_fields = ["unit", "indicator"]
