"""Forms of the registry pages: proposing a task, taking a lifecycle step. They check the shape of
what is typed; what the registry allows (the regime's table, what a step needs) is judged by the
actions, whose refusals are shown at the fields they name."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from stiplan.core.widgets import DayField, prompt_first
from stiplan.plans.models import Action
from stiplan.plans.versions import actions_in_force_among
from stiplan.registry.lifecycle import NOT_A_BARE_STEP, Lifecycle, Needs, Step
from stiplan.registry.models import (
    CouncilKind,
    CouncilMember,
    CouncilRole,
    Grade,
    InnovationSubkind,
    IPAsset,
    Level,
    Mechanism,
    Organisation,
    Output,
    OutputKind,
    Person,
    Programme,
    Regime,
    ScienceField,
    Selection,
    Task,
    TaskKind,
    regime_for,
)
from stiplan.registry.national import ACCEPTED_FORMATS, attachment_format


class ProposeForm(forms.Form):
    code = forms.CharField(label=_("Mã nhiệm vụ"), max_length=60)
    title = forms.CharField(label=_("Tên nhiệm vụ"), max_length=1000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    level = forms.ChoiceField(label=_("Cấp"), choices=Level.choices)
    kind = forms.ChoiceField(label=_("Loại"), choices=TaskKind.choices)
    innovation_subkind = forms.ChoiceField(
        label=_("Loại nhiệm vụ ĐMST"), choices=InnovationSubkind.choices, required=False,
        help_text=_("Chỉ với nhiệm vụ đổi mới sáng tạo (Nghị định 268/2025)."))
    mechanism = forms.ChoiceField(label=_("Phương thức cấp kinh phí"), choices=Mechanism.choices)
    selection = forms.ChoiceField(label=_("Phương thức giao"), choices=Selection.choices)
    field = forms.ModelChoiceField(label=_("Lĩnh vực"), queryset=ScienceField.objects.none(),
                                   required=False)
    host = forms.ModelChoiceField(label=_("Tổ chức chủ trì"), queryset=Organisation.objects.none(),
                                  required=False)
    programme = forms.ModelChoiceField(label=_("Chương trình"), queryset=Programme.objects.none(),
                                       required=False)
    start_date = DayField(label=_("Ngày bắt đầu (đề xuất)"),
                          help_text=_("Chế độ pháp lý theo ngày này: trước 01/10/2025 là các thông "
                                      "tư 2014–2017, từ ngày đó là Luật 93/2025/QH15."))
    end_date = DayField(label=_("Ngày kết thúc"), required=False)
    regime = forms.ChoiceField(
        label=_("Chế độ pháp lý"), required=False,
        choices=[("", _("— Theo ngày bắt đầu —")), *Regime.choices],
        help_text=_("Chỉ chọn khi nhiệm vụ theo chế độ khác chế độ suy ra từ ngày bắt đầu; khi "
                    "đó phải ghi lý do."))
    regime_reason = forms.CharField(label=_("Lý do chọn chế độ khác"), required=False,
                                    max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    actions = forms.ModelMultipleChoiceField(
        label=_("Nhiệm vụ của kế hoạch (chọn một hoặc nhiều)"), queryset=Action.objects.none(),
        required=False, widget=forms.SelectMultiple(attrs={"size": 6}))

    not_a_duplicate = forms.BooleanField(
        label=_("Tôi đã xem các nhiệm vụ tương tự: đề xuất này không trùng với nhiệm vụ nào"),
        required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = ScienceField.objects.restrict(user)
        self.fields["host"].queryset = Organisation.objects.restrict(user).exclude(kind="agency")
        self.fields["programme"].queryset = Programme.objects.restrict(user)
        in_force = actions_in_force_among(Action.objects.restrict(user), timezone.localdate())
        self.fields["actions"].queryset = (in_force
                                           .select_related("group__plan")
                                           .order_by("group__plan__code", "group__order", "order"))
        self.fields["actions"].label_from_instance = (
            lambda a: f"{a.code} — {Truncator(a.text).words(14)}")
        for name in ("level", "kind", "mechanism", "selection", "field", "host", "programme"):
            prompt_first(self.fields[name])
        # names of fields, bodies and actions; the English kinds keep the Vietnamese term
        for name in ("field", "host", "programme", "actions", "kind"):
            self.fields[name].widget.attrs["data-content"] = ""

    def clean(self):
        data = super().clean()
        start, regime = data.get("start_date"), data.get("regime")
        if start and regime and regime != regime_for(start) and not data.get("regime_reason", "").strip():
            self.add_error("regime_reason", _(
                "Chế độ «%(regime)s» khác chế độ theo ngày bắt đầu (%(default)s): cần ghi lý do.")
                % {"regime": Regime(regime).label, "default": Regime(regime_for(start)).label})
        return data


class StepForm(forms.Form):
    """One lifecycle step of a task. The step is any step of the task's regime (the action judges
    whether the task may take it now, so a page left open while the task moved on is answered by
    the action's message); the select offers the steps allowed now."""

    step = forms.ChoiceField(label=_("Bước"))
    on = DayField(label=_("Ngày thực hiện"), required=False,
                  help_text=_("Để trống: hôm nay."))
    decision_number = forms.CharField(label=_("Số văn bản"), max_length=60, required=False)
    decision_date = DayField(label=_("Ngày văn bản"), required=False)
    document = forms.FileField(
        label=_("Tệp văn bản"), required=False,
        help_text=_("Định dạng theo Thông tư 05/2021/TT-BKHCN: txt, rtf, doc, docx, pdf (từ phiên "
                    "bản 1.4), odt, xls, xlsx, csv, ods."))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, lifecycle: Lifecycle, allowed: list[Step], outputs=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["step"]
        field.choices = [(s.code, s.label) for s in lifecycle.steps.values()
                         if s.code not in NOT_A_BARE_STEP]
        offered = [s for s in allowed if s.code not in NOT_A_BARE_STEP]
        field.widget.choices = [("", _("— Chọn bước —")), *((s.code, s.label) for s in offered)]
        needing = [s for s in offered if Needs.DECISION in s.needs]
        if needing:
            self.fields["decision_number"].help_text = _("Cần cho: %(steps)s.") % {
                "steps": ", ".join(f"«{s.label}»" for s in needing)}
        codes = {s.code for s in offered}
        if "extend" in codes:
            self.fields["end_date"] = DayField(label=_("Ngày kết thúc mới (gia hạn)"), required=False)
        if "accept_risk" in codes:
            self.fields["finding"] = forms.CharField(
                label=_("Kết luận chấp nhận rủi ro"), required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Đã thực hiện đúng quy trình: ghi rõ căn cứ (Luật 93/2025)."))
        self.outputs = list(outputs) if "register" in codes else []
        for output in self.outputs:
            self.fields[f"certificate_{output.pk}"] = forms.CharField(
                label=output.title, max_length=60, required=False, initial=output.certificate_number)

    def clean_document(self):
        """A step's document only in a format the national S&T database accepts (the same check
        as its export, stiplan.registry.national)."""
        document = self.cleaned_data.get("document")
        if document:
            head = document.read(16)
            document.seek(0)
            extension, why = attachment_format(document.name, head)
            if extension is None:
                raise forms.ValidationError(
                    _("Tệp «%(name)s» không được nhận: %(why)s. Định dạng được nhận: %(formats)s.")
                    % {"name": document.name, "why": why, "formats": ", ".join(sorted(ACCEPTED_FORMATS))})
        return document

    def main_fields(self):
        return [f for f in self if not f.name.startswith("certificate_")]

    def certificate_fields(self):
        """(output, its certificate number field) for the registration step."""
        return [(o, self[f"certificate_{o.pk}"]) for o in self.outputs]

    def certificates(self) -> dict[int, str] | None:
        if not self.outputs:
            return None
        return {o.pk: self.cleaned_data.get(f"certificate_{o.pk}") or "" for o in self.outputs}


class OutputForm(forms.Form):
    """A new result of a task (kết quả, sản phẩm); what the registry allows (the person trained,
    the year within the task's years, the IP asset's kind) is judged by `add_output`."""

    kind = forms.ChoiceField(label=_("Loại kết quả"), choices=OutputKind.choices)
    title = forms.CharField(label=_("Tên kết quả"), max_length=400)
    year = forms.IntegerField(label=_("Năm"), min_value=1900, max_value=2100,
                              error_messages={"invalid": _("Năm phải là một số, ví dụ 2025.")})
    person = forms.ModelChoiceField(
        label=_("Người được đào tạo"), queryset=Person.objects.none(), required=False,
        help_text=_("Bắt buộc với kết quả đào tạo tiến sĩ, thạc sĩ."),
        widget=forms.Select(attrs={"data-content": ""}))
    ip_asset = forms.ModelChoiceField(
        label=_("Tài sản trí tuệ"), queryset=IPAsset.objects.none(), required=False,
        help_text=_("Với kết quả là tài sản trí tuệ hoặc giống cây trồng, vật nuôi mới."),
        widget=forms.Select(attrs={"data-content": ""}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (Person.objects.restrict(user).defer(*Person.PRIVATE_FIELDS)
                                          .order_by("full_name", "pk"))
        self.fields["person"].label_from_instance = lambda p: p.full_name
        self.fields["ip_asset"].queryset = IPAsset.objects.restrict(user).order_by("title", "pk")
        self.fields["ip_asset"].label_from_instance = lambda a: a.title
        for name in ("kind", "person", "ip_asset"):
            prompt_first(self.fields[name])


class RemoveOutputForm(forms.Form):
    """Taking one result off the task, with the reason (kept in the audit log)."""

    output = forms.ModelChoiceField(label=_("Kết quả"), queryset=Output.objects.none())
    reason = forms.CharField(label=_("Lý do xóa"), max_length=2000)

    def __init__(self, *args, outputs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["output"].queryset = outputs


# --- Councils --------------------------------------------------------------------------------

class CouncilForm(forms.Form):
    """A new council: its kind, name, the tasks it evaluates and its scoring sheet, one criterion
    a line as «code; name; maximum», in the order the tie rule reads them."""

    kind = forms.ChoiceField(label=_("Loại hội đồng"), choices=CouncilKind.choices)
    name = forms.CharField(label=_("Tên hội đồng"), max_length=300)
    tasks = forms.ModelMultipleChoiceField(
        label=_("Hồ sơ đánh giá (nhiệm vụ)"), queryset=Task.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6, "data-content": ""}))
    decision_number = forms.CharField(label=_("Số quyết định thành lập"), max_length=60, required=False)
    decision_date = DayField(label=_("Ngày quyết định"), required=False)
    meets_on = DayField(label=_("Ngày họp"), required=False)
    criteria = forms.CharField(
        label=_("Tiêu chí chấm điểm"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi dòng một tiêu chí: mã; tên; điểm tối đa (ví dụ: C1; Tính cấp thiết; 30). "
                    "Thứ tự các dòng là thứ tự so sánh khi bằng điểm."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].queryset = Task.objects.restrict(user).order_by("code")
        self.fields["tasks"].label_from_instance = lambda t: f"{t.code} — {Truncator(t.title).words(12)}"
        prompt_first(self.fields["kind"])

    def clean_criteria(self) -> list[dict]:
        return read_criteria(self.cleaned_data["criteria"])


def read_criteria(text: str, *, weighted: bool = False) -> list[dict]:
    """Criteria typed one a line as «code; name; maximum», and «; weight» after them when
    `weighted` (a call's criteria; 1 when left out)."""
    criteria = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        if not (len(parts) == 3 or weighted and len(parts) == 4):
            raise forms.ValidationError(
                _("Dòng %(n)s: cần đúng bốn phần «mã; tên; điểm tối đa; trọng số» (trọng số có thể "
                  "bỏ).") % {"n": n} if weighted else
                _("Dòng %(n)s: cần đúng ba phần «mã; tên; điểm tối đa».") % {"n": n})
        code, name, top, *weight = parts
        numbers = [_number(top), *(_number(w) for w in weight)]
        if not code or any(x is None or x <= 0 for x in numbers):
            raise forms.ValidationError(
                _("Dòng %(n)s: cần mã và điểm tối đa là số lớn hơn 0.") % {"n": n} if not weight else
                _("Dòng %(n)s: cần mã, điểm tối đa và trọng số là số lớn hơn 0.") % {"n": n})
        row = {"code": code, "name": name or code, "max": str(numbers[0])}
        if weight:
            row["weight"] = str(numbers[1])
        criteria.append(row)
    return criteria


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class MemberForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Thành viên"), queryset=Person.objects.none(),
                                    widget=forms.Select(attrs={"data-content": ""}))
    role = forms.ChoiceField(label=_("Vai trò"), choices=CouncilRole.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.restrict(user).order_by("full_name")
        self.fields["person"].label_from_instance = lambda p: p.full_name
        prompt_first(self.fields["person"])
        prompt_first(self.fields["role"])


class _OfCouncil(forms.Form):
    """A form about one member and one task of the council."""

    def __init__(self, *args, members, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        if "member" in self.fields:
            self.fields["member"].queryset = members
            self.fields["member"].label_from_instance = lambda m: m.person.full_name
            self.fields["member"].widget.attrs["data-content"] = ""
            prompt_first(self.fields["member"])
        self.fields["task"].queryset = tasks
        self.fields["task"].label_from_instance = lambda t: t.code
        self.fields["task"].widget.attrs["data-content"] = ""
        prompt_first(self.fields["task"])


class ConflictForm(_OfCouncil):
    member = forms.ModelChoiceField(label=_("Thành viên"), queryset=CouncilMember.objects.none())
    task = forms.ModelChoiceField(label=_("Hồ sơ"), queryset=Task.objects.none())
    reason = forms.CharField(label=_("Lý do xung đột lợi ích"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ScoreForm(_OfCouncil):
    """One member's sheet for one task: a field per criterion of the council, 0 … its maximum."""

    member = forms.ModelChoiceField(label=_("Thành viên chấm"), queryset=CouncilMember.objects.none())
    task = forms.ModelChoiceField(label=_("Hồ sơ"), queryset=Task.objects.none())

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            top = Decimal(c["max"])
            self.fields[self.name_of(c["code"])] = forms.DecimalField(
                label=f"{c['code']}. {c['name']} (0–{top.normalize():f})", max_digits=6,
                decimal_places=2, localize=True,
                error_messages={"invalid": _("Điểm phải là một số."),
                                "max_decimal_places": _("Điểm có nhiều nhất 2 chữ số thập phân."),
                                "max_digits": _("Điểm quá lớn.")})

    @staticmethod
    def name_of(code: str) -> str:
        return f"criterion_{code}"

    def clean(self):
        data = super().clean()
        for c in self.criteria:
            name, top = self.name_of(c["code"]), Decimal(c["max"])
            value = data.get(name)
            if value is not None and not 0 <= value <= top:
                self.add_error(name, _("Điểm phải từ 0 đến %(max)s.") % {"max": f"{top.normalize():f}"})
        return data

    def sheet(self) -> dict[str, Decimal]:
        return {c["code"]: self.cleaned_data[self.name_of(c["code"])] for c in self.criteria}


class RankForm(forms.Form):
    on = DayField(label=_("Ngày xếp hạng"), required=False, help_text=_("Để trống: hôm nay."))


class ConclusionForm(_OfCouncil):
    task = forms.ModelChoiceField(label=_("Hồ sơ"), queryset=Task.objects.none())
    grade = forms.ChoiceField(label=_("Xếp loại (hội đồng nghiệm thu)"), required=False,
                              choices=[("", "—"), *Grade.choices])
    conclusion = forms.CharField(label=_("Kết luận"), max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    on = DayField(label=_("Ngày kết luận"), required=False, help_text=_("Để trống: hôm nay."))
