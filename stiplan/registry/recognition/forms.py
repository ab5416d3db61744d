"""Forms of the competitions pages and the scorecard: what is typed is checked for its shape;
what the registry allows (dates of the call, the judging done, the prize for the kind of call)
is judged by stiplan.registry.recognition.actions, whose refusals are shown at their fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from stiplan.core.widgets import DayField, prompt_first
from stiplan.registry.forms import read_criteria
from stiplan.registry.models import CallKind, Entry, Organisation, Person, Prize


class CallForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=CallKind.choices)
    title = forms.CharField(label=_("Tên cuộc thi, giải thưởng"), max_length=400)
    year = forms.IntegerField(label=_("Năm"), min_value=1900, max_value=2100)
    opens_on = DayField(label=_("Ngày mở nhận hồ sơ"))
    closes_on = DayField(label=_("Ngày hết hạn nhận hồ sơ"))
    criteria = forms.CharField(
        label=_("Tiêu chí và trọng số"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi dòng một tiêu chí: mã; tên; điểm tối đa; trọng số (ví dụ: C1; Tính mới, "
                    "sáng tạo; 40; 2). Thứ tự các dòng là thứ tự so sánh khi bằng điểm."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        prompt_first(self.fields["kind"])

    def clean_criteria(self) -> list[dict]:
        return read_criteria(self.cleaned_data["criteria"], weighted=True)


class EntryForm(forms.Form):
    title = forms.CharField(label=_("Tên công trình, giải pháp, sáng kiến"), max_length=400)
    summary = forms.CharField(label=_("Tóm tắt"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    organisation = forms.ModelChoiceField(label=_("Tổ chức dự thi"), required=False,
                                          queryset=Organisation.objects.none(),
                                          widget=forms.Select(attrs={"data-content": ""}))
    person = forms.ModelChoiceField(label=_("Cá nhân dự thi, tác giả"), required=False,
                                    queryset=Person.objects.none(),
                                    widget=forms.Select(attrs={"data-content": ""}))
    on = DayField(label=_("Ngày nộp"), required=False, help_text=_("Để trống: hôm nay."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.restrict(user).order_by("name")
        self.fields["person"].queryset = Person.objects.restrict(user).order_by("full_name")
        self.fields["person"].label_from_instance = lambda p: p.full_name


class JudgingForm(forms.Form):
    name = forms.CharField(label=_("Tên hội đồng chấm"), max_length=300)
    decision_number = forms.CharField(label=_("Số quyết định thành lập"), max_length=60, required=False)
    decision_date = DayField(label=_("Ngày quyết định"), required=False)
    meets_on = DayField(label=_("Ngày họp"), required=False)


class AwardForm(forms.Form):
    entry = forms.ModelChoiceField(label=_("Hồ sơ"), queryset=Entry.objects.none(),
                                   widget=forms.Select(attrs={"data-content": ""}))
    prize = forms.ChoiceField(label=_("Giải, công nhận"), choices=Prize.choices)
    decision_number = forms.CharField(label=_("Số quyết định tặng giải, công nhận"), max_length=60)
    decision_date = DayField(label=_("Ngày quyết định"))

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = entries
        self.fields["entry"].label_from_instance = lambda e: e.code
        prompt_first(self.fields["entry"])
        prompt_first(self.fields["prize"])


class PublishForm(forms.Form):
    on = DayField(label=_("Ngày công bố"), required=False, help_text=_("Để trống: hôm nay."))


class RevenueForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Tổ chức"), queryset=Organisation.objects.none(),
                                          widget=forms.Select(attrs={"data-content": ""}))
    amount = forms.CharField(label=_("Doanh thu dịch vụ KH&CN (triệu đồng)"), max_length=30)
    source = forms.CharField(label=_("Nguồn số liệu"), max_length=300, required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        prompt_first(self.fields["organisation"])
