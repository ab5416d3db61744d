"""Forms of the plan pages: the unit/date filter and the assignment editor."""

from django import forms
from django.utils.translation import gettext_lazy as _

from stiplan.core.widgets import prompt_first
from stiplan.orgs.models import OrgUnit
from stiplan.plans.models import AssignmentRole


class AssignmentForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Đơn vị"),
                                  to_field_name="code")
    role = forms.ChoiceField(choices=AssignmentRole.choices, label=_("Vai trò"))
    reason = forms.CharField(label=_("Lý do thay đổi"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        prompt_first(self.fields["unit"], _("— Chọn đơn vị —"))
        self.fields["unit"].widget.attrs["data-content"] = ""  # units' names are data
        prompt_first(self.fields["role"], _("— Chọn vai trò —"))


class RemoveAssignmentForm(forms.Form):
    assignment = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Lý do thay đổi"), max_length=500)
