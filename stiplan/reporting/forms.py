"""Forms of the reporting pages: opening a round, uploading files."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from stiplan.reporting.models import RoundKind


class OpenRoundForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=RoundKind.choices)
    year = forms.IntegerField(label=_("Năm báo cáo"), min_value=2000, max_value=2100)
    period = forms.CharField(
        label=_("Kỳ số liệu của báo cáo đột xuất (ví dụ 2026S1, 2026Q2, 202606; để trống = ngày "
                "mở kỳ)"), max_length=12, required=False)
    opened_on = forms.DateField(label=_("Ngày mở"), widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(label=_("Hạn nộp"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Tên kỳ báo cáo"), max_length=300, required=False)
    units = forms.CharField(label=_("Đơn vị (mã, cách nhau bởi dấu phẩy; để trống = tất cả)"),
                            required=False)
    actions = forms.CharField(label=_("Nhiệm vụ (mã, ví dụ III.1.2; để trống = tất cả)"),
                              required=False)
    indicators = forms.CharField(label=_("Chỉ tiêu (mã; để trống = tất cả)"), required=False)
    questions = forms.CharField(label=_("Câu hỏi thêm (mỗi dòng một câu)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and plan is not None:
            year = date.today().year
            month, day = plan.report_due
            self.initial.update(kind=RoundKind.ANNUAL, year=year, opened_on=date.today(),
                                deadline=date(year, month, day))

    def scope(self) -> dict:
        def codes(name: str) -> list[str]:
            return [c.strip() for c in self.cleaned_data.get(name, "").split(",") if c.strip()]

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
