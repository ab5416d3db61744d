"""Forms of the reporting pages: opening a round, uploading files."""

from datetime import date

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from stiplan.orgs.models import OrgUnit
from stiplan.plans import versions
from stiplan.reporting.models import RoundKind

#: A picker's options are the plan's and the units' names: data, not the page's words.
PICKER = {"size": 8, "data-content": True}


class OpenRoundForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=RoundKind.choices)
    year = forms.IntegerField(label=_("Năm báo cáo"), min_value=2000, max_value=2100)
    period = forms.CharField(
        label=_("Kỳ số liệu của báo cáo đột xuất (ví dụ 2026S1, 2026Q2, 202606; để trống = ngày "
                "mở kỳ)"), max_length=12, required=False)
    opened_on = forms.DateField(label=_("Ngày mở"), widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(label=_("Hạn nộp"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Tên kỳ báo cáo"), max_length=300, required=False)
    units = forms.MultipleChoiceField(
        label=_("Đơn vị (chọn một hoặc nhiều; không chọn = tất cả)"), required=False,
        widget=forms.SelectMultiple(attrs=PICKER))
    actions = forms.MultipleChoiceField(
        label=_("Nhiệm vụ (chọn một hoặc nhiều; không chọn = tất cả)"), required=False,
        widget=forms.SelectMultiple(attrs=PICKER))
    indicators = forms.MultipleChoiceField(
        label=_("Chỉ tiêu (chọn một hoặc nhiều; không chọn = tất cả)"), required=False,
        widget=forms.SelectMultiple(attrs=PICKER))
    questions = forms.CharField(label=_("Câu hỏi thêm (mỗi dòng một câu)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))

    PICKERS = ("units", "actions", "indicators")

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan is not None:
            self.fields["units"].choices = [
                (u.code, u.name) for u in OrgUnit.objects.valid_on(date.today()).order_by("name")]
            self.fields["actions"].choices = [
                (a.code, f"{a.code} — {Truncator(a.text).words(14)}")
                for a in versions.actions_in_force(plan, date.today())]
            self.fields["indicators"].choices = [
                (pi.indicator.code, f"{pi.indicator.name} ({pi.indicator.unit})"
                 if pi.indicator.unit else pi.indicator.name)
                for pi in plan.plan_indicators.select_related("indicator").order_by("order")]
        if not self.is_bound and plan is not None:
            year = date.today().year
            month, day = plan.report_due
            self.initial.update(kind=RoundKind.ANNUAL, year=year, opened_on=date.today(),
                                deadline=date(year, month, day))

    def scope(self) -> dict:
        def codes(name: str) -> list[str]:
            return list(self.cleaned_data.get(name) or [])

        questions = [q.strip() for q in self.cleaned_data.get("questions", "").splitlines()
                     if q.strip()]
        scope = {"units": codes("units"), "actions": codes("actions"),
                 "indicators": codes("indicators"),
                 "questions": [{"code": f"Q{i}", "text": q} for i, q in enumerate(questions, 1)]}
        return {k: v for k, v in scope.items() if v}


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel đã điền"))


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Tệp minh chứng (PDF, Word, Excel, ảnh; tối đa 10 MB)"))
    action = forms.CharField(required=False, widget=forms.HiddenInput)
