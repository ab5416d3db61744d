"""Guards of the forms visitors post without an account: a honeypot field people never see, a
signed time stamp (a post faster than a person types, or of a form older than a day, is refused)
and a limit of posts per client address in a window, counted in the cache."""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

SALT = "stiplan.antispam.stamp"
#: A form posted sooner than this after it was shown was not typed by a person.
MIN_SECONDS = 3
#: A form older than this is stale (and a stamp cannot be kept for later floods).
MAX_SECONDS = 24 * 3600

TOO_FAST = _("Biểu mẫu được gửi quá nhanh sau khi mở. Vui lòng đọc lại nội dung rồi bấm gửi "
             "sau vài giây.")
STALE = _("Biểu mẫu đã quá hạn (mở từ hơn một ngày trước) hoặc không hợp lệ. Biểu mẫu đã được "
          "làm mới, vui lòng gửi lại.")
TRAPPED = _("Không gửi được: ô «Để trống ô này» phải để trống.")
FLOODED = _("Bạn đã gửi quá nhiều lời nhắn từ địa chỉ này (tối đa %(limit)s lần trong "
            "%(minutes)s phút). Vui lòng thử lại sau.")


def stamp(at: float | None = None) -> str:
    """The signed time a form is shown at (now unless `at` is given)."""
    return signing.dumps({"t": time.time() if at is None else at}, salt=SALT, compress=False)


class GuardedForm(forms.Form):
    """A form with the honeypot (`website`, hidden from people by its template) and the stamp;
    a refusal is a form error (no field), and a fresh stamp is given to the form shown again."""

    website = forms.CharField(label=_("Để trống ô này"), required=False,
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stamp"].initial = stamp()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(TRAPPED, code="trapped")
        minimum = getattr(settings, "STIPLAN_FORM_MIN_SECONDS", MIN_SECONDS)
        try:
            shown = float(signing.loads(cleaned.get("stamp") or "", salt=SALT, max_age=MAX_SECONDS)["t"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            shown = None
        if shown is None or time.time() - shown > MAX_SECONDS:
            self._fresh_stamp()
            raise forms.ValidationError(STALE, code="stale")
        if time.time() - shown < minimum:
            raise forms.ValidationError(TOO_FAST, code="too_fast")
        return cleaned

    def _fresh_stamp(self) -> None:
        data = self.data.copy()
        data[self.add_prefix("stamp")] = stamp()
        self.data = data


def over_limit(name: str, address: str, *, limit: int, seconds: int) -> bool:
    """Count one post of `name` from `address`; True once more than `limit` came in the window
    (which starts at the window's first post)."""
    key = f"stiplan-limit-{name}-{address}"
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.set(key, 1, seconds)
        count = 1
    return count > limit
