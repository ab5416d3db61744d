"""Forms of the exchange pages: a lab, an item of equipment, an offer, a demand, and a change of
status. They check the shape of what is typed; what the registry allows (TRL, transfer forms,
sharing terms, a result of the task) is judged by the actions, whose refusals are shown at the
fields they name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from stiplan.core.antispam import GuardedForm
from stiplan.core.widgets import prompt_first
from stiplan.orgs.models import OrgUnit
from stiplan.registry.exchange.actions import MESSAGE_LENGTH
from stiplan.registry.models import (
    ListingStatus,
    Organisation,
    OrganisationKind,
    ScienceField,
    Sharing,
    Task,
    TransferForm,
)

YEAR_ERROR = {"invalid": _("Năm phải là một số, ví dụ 2025.")}


def _organisations(field: forms.ModelChoiceField, user, kinds=None) -> None:
    rows = Organisation.objects.restrict(user).exclude(kind=OrganisationKind.STATE_AGENCY)
    field.queryset = rows.filter(kind__in=kinds) if kinds else rows
    field.widget.attrs["data-content"] = ""


class _Choices(forms.Form):
    """A form whose selects read the restricted rows of the user and open on a prompt."""

    PROMPTED: tuple[str, ...] = ()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if "field" in self.fields:
            self.fields["field"].queryset = ScienceField.objects.restrict(user).filter(level__lte=3)
            self.fields["field"].widget.attrs["data-content"] = ""
        self.setup(user)
        for name in self.PROMPTED:
            prompt_first(self.fields[name])

    def setup(self, user) -> None:
        """Fill the user's choices of this form's own selects."""


class _Sharing(forms.Form):
    sharing = forms.ChoiceField(label=_("Chia sẻ"), choices=Sharing.choices, initial=Sharing.NOT_SHARED)
    sharing_terms = forms.CharField(label=_("Điều kiện chia sẻ"), required=False, max_length=2000,
                                    widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text=_("Bắt buộc khi chia sẻ có thu phí."))


class LabForm(_Choices, _Sharing):
    name = forms.CharField(label=_("Tên phòng thí nghiệm"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Tổ chức chủ quản"), queryset=Organisation.objects.none())
    field = forms.ModelChoiceField(label=_("Lĩnh vực"), queryset=ScienceField.objects.none(),
                                   required=False)
    location = forms.CharField(label=_("Địa điểm"), max_length=300)
    unit_code = forms.CharField(label=_("Mã đơn vị hành chính (không bắt buộc)"), max_length=40,
                                required=False)
    description = forms.CharField(label=_("Mô tả"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["name", "owner", "field", "location", "unit_code", "description", "sharing",
                   "sharing_terms"]
    PROMPTED = ("owner", "field")

    def setup(self, user) -> None:
        _organisations(self.fields["owner"], user)
        self.user = user

    def clean_unit_code(self):
        code = self.cleaned_data["unit_code"].strip()
        if not code:
            return None
        unit = OrgUnit.objects.restrict(self.user).filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("Không có đơn vị mã «%(code)s».") % {"code": code})
        return unit


class EquipmentForm(_Sharing):
    name = forms.CharField(label=_("Tên thiết bị"), max_length=300)
    model = forms.CharField(label=_("Model, hãng"), max_length=200, required=False)
    year = forms.IntegerField(label=_("Năm đưa vào sử dụng"), required=False, error_messages=YEAR_ERROR)
    value = forms.DecimalField(label=_("Giá trị (triệu đồng)"), required=False, max_digits=14,
                               decimal_places=3)
    field_order = ["name", "model", "year", "value", "sharing", "sharing_terms"]


class _Contact(forms.Form):
    contact_name = forms.CharField(label=_("Người liên hệ (riêng tư)"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Thư điện tử liên hệ (riêng tư)"), required=False)
    contact_phone = forms.CharField(label=_("Điện thoại liên hệ (riêng tư)"), max_length=30,
                                    required=False)


class OfferForm(_Choices, _Contact):
    title = forms.CharField(label=_("Tên công nghệ"), max_length=400)
    summary = forms.CharField(label=_("Tóm tắt công nghệ"), max_length=6000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    owner = forms.ModelChoiceField(label=_("Tổ chức sở hữu"), queryset=Organisation.objects.none())
    field = forms.ModelChoiceField(label=_("Lĩnh vực"), queryset=ScienceField.objects.none(),
                                   required=False)
    task = forms.ModelChoiceField(label=_("Từ nhiệm vụ (nếu có)"), queryset=Task.objects.none(),
                                  required=False)
    trl = forms.TypedChoiceField(label=_("Mức sẵn sàng công nghệ (TRL)"), coerce=int,
                                 choices=[(n, str(n)) for n in range(1, 10)])
    transfer_forms = forms.MultipleChoiceField(label=_("Hình thức chuyển giao"),
                                               choices=TransferForm.choices,
                                               widget=forms.CheckboxSelectMultiple)
    price_note = forms.CharField(label=_("Giá, điều kiện tài chính"), max_length=300, required=False)
    field_order = ["title", "summary", "owner", "field", "task", "trl", "transfer_forms", "price_note"]
    PROMPTED = ("owner", "field", "task", "trl")

    def setup(self, user) -> None:
        _organisations(self.fields["owner"], user)
        self.fields["task"].queryset = Task.objects.restrict(user).order_by("code")
        self.fields["task"].widget.attrs["data-content"] = ""


class DemandForm(_Choices, _Contact):
    title = forms.CharField(label=_("Tên nhu cầu"), max_length=400)
    needs = forms.CharField(label=_("Nhu cầu công nghệ"), max_length=6000,
                            widget=forms.Textarea(attrs={"rows": 4}))
    enterprise = forms.ModelChoiceField(label=_("Doanh nghiệp, tổ chức có nhu cầu"),
                                        queryset=Organisation.objects.none())
    field = forms.ModelChoiceField(label=_("Lĩnh vực"), queryset=ScienceField.objects.none(),
                                   required=False)
    budget_note = forms.CharField(label=_("Kinh phí dự kiến"), max_length=300, required=False)
    field_order = ["title", "needs", "enterprise", "field", "budget_note"]
    PROMPTED = ("enterprise", "field")

    def setup(self, user) -> None:
        _organisations(self.fields["enterprise"], user)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Chuyển sang"), choices=[
        c for c in ListingStatus.choices if c[0] != ListingStatus.DRAFT])
    reason = forms.CharField(label=_("Ghi chú"), max_length=1000, required=False)


class ContactForm(GuardedForm):
    """A visitor's message to the owner of an offer or a demand (names as the message's fields,
    so the action's refusals show at them); the guards are GuardedForm's."""

    sender_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    sender_organisation = forms.CharField(label=_("Tổ chức, doanh nghiệp"), max_length=300, required=False)
    sender_email = forms.EmailField(label=_("Thư điện tử của bạn"), max_length=254,
                                    help_text=_("Chủ sở hữu trả lời vào địa chỉ này."))
    body = forms.CharField(label=_("Lời nhắn"), max_length=MESSAGE_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 6}))
    field_order = ["sender_name", "sender_organisation", "sender_email", "body"]
