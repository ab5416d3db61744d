"""Forms of the plan pages: the assignment editor, the document upload, later decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from stiplan.core.widgets import prompt_first
from stiplan.orgs.models import OrgUnit
from stiplan.plans.models import AmendmentKind, AssignmentRole, Comparator


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


class DeleteItemForm(forms.Form):
    reason = forms.CharField(label=_("Lý do xóa"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class DraftUploadForm(forms.Form):
    file = forms.FileField(label=_("Văn bản kế hoạch (DOCX, PDF, bản quét, ảnh hay văn bản thuần)"))


class DecisionForm(forms.Form):
    """A later decision on a plan: amend (with changed targets) or supersede."""

    kind = forms.ChoiceField(choices=AmendmentKind.choices, label=_("Loại quyết định"))
    number = forms.CharField(label=_("Số hiệu"), max_length=60)
    date = forms.DateField(label=_("Ngày ban hành (có hiệu lực từ)"),
                           widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Trích yếu"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label=_("Tệp quyết định"), required=False)


class TargetChangeForm(forms.Form):
    """One target the decision changes; the fields are those of the plan file's targets."""

    target = forms.ChoiceField(label=_("Mục tiêu"), required=False)
    comparator = forms.ChoiceField(choices=Comparator.choices, label=_("So sánh"), required=False)
    value = forms.CharField(label=_("Giá trị"), required=False, max_length=30)
    low = forms.CharField(label=_("Cận dưới"), required=False, max_length=30)
    high = forms.CharField(label=_("Cận trên"), required=False, max_length=30)
    at_least = forms.BooleanField(label=_("«trở lên»"), required=False)
    wording = forms.CharField(label=_("Nguyên văn mới"), required=False, max_length=500)
    removed = forms.BooleanField(label=_("Bãi bỏ mục tiêu này"), required=False)

    def __init__(self, *args, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", "—")] + [(c, c) for c in codes]


TargetChangeFormSet = forms.formset_factory(TargetChangeForm, extra=3, max_num=50)


class ActionChangeForm(forms.Form):
    """One action the decision changes (its text) or removes, or a new action in a group."""

    action = forms.ChoiceField(label=_("Nhiệm vụ hiện hành"), required=False)
    new_code = forms.CharField(label=_("hoặc mã nhiệm vụ mới"), required=False, max_length=20)
    group = forms.ChoiceField(label=_("Nhóm (nhiệm vụ mới)"), required=False)
    text = forms.CharField(label=_("Nội dung mới"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    removed = forms.BooleanField(label=_("Bãi bỏ nhiệm vụ này"), required=False)

    def __init__(self, *args, codes=(), groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "—")] + [(c, c) for c in codes]
        self.fields["group"].choices = [("", "—")] + [(c, c) for c in groups]

    def change(self) -> dict | None:
        """The change as a plan file's amended action, None for an empty row."""
        data = self.cleaned_data
        code = data.get("action") or data.get("new_code", "").strip()
        if not code:
            return None
        if data.get("removed"):
            return {"code": code, "removed": True}
        change = {"code": code, "text": data.get("text", "")}
        if not data.get("action"):
            change["group"] = data.get("group", "")
        elif not change["text"].strip():
            del change["text"]  # the text stays as it was
        return change


ActionChangeFormSet = forms.formset_factory(ActionChangeForm, extra=2, max_num=50)
