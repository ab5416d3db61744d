"""Forms of the documents pages: what to make, and a Word template to upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from stiplan.documents.models import DocumentKind, Format

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


class DocumentForm(forms.Form):
    round = forms.ModelChoiceField(label=_("Kỳ báo cáo"), queryset=None)
    layout = forms.ChoiceField(label=_("Mẫu trình bày"), choices=[
        ("default", _("Mẫu của Sở (gửi UBND tỉnh)")), ("ministry", _("Mẫu gửi Bộ KH&CN"))])
    formats = forms.MultipleChoiceField(label=_("Định dạng"), choices=Format.choices,
                                        initial=Format.values, widget=forms.CheckboxSelectMultiple)
    number = forms.CharField(label=_("Số văn bản (để trống để văn thư điền)"), max_length=20,
                             required=False)
    date = forms.DateField(label=_("Ngày văn bản"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))
    signer_authority = forms.CharField(label=_("Thẩm quyền ký"), max_length=100, required=False,
                                       initial="KT. GIÁM ĐỐC")
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=100, required=False,
                                   initial="PHÓ GIÁM ĐỐC")
    signer_name = forms.CharField(label=_("Họ tên người ký"), max_length=100, required=False)
    recipients = forms.CharField(label=_("Nơi nhận (mỗi dòng một nơi; để trống = mặc định)"),
                                 required=False, max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    directions = forms.CharField(
        label=_("Phương hướng năm tới / kiến nghị (mỗi dòng một ý; để trống = đề xuất tự động)"),
        required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, rounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds
        self.fields["round"].empty_label = None  # a round is required: no "---------" choice
        self.fields["round"].widget.attrs["data-content"] = ""  # the rounds' titles are data

    def options(self) -> dict:
        data = self.cleaned_data
        return {key: (data[key].isoformat() if key == "date" else data[key])
                for key in ("number", "date", "signer_authority", "signer_title", "signer_name",
                            "recipients", "directions") if data.get(key)}


class TemplateUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại văn bản"), choices=DocumentKind.choices)
    layout = forms.ChoiceField(label=_("Mẫu trình bày"), choices=DocumentForm.base_fields[
        "layout"].choices)
    name = forms.CharField(label=_("Tên mẫu"), max_length=200)
    file = forms.FileField(label=_("Tệp Word (.docx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_TEMPLATE_BYTES:
            raise forms.ValidationError(_("Tệp mẫu lớn hơn 5 MB."))
        return upload
