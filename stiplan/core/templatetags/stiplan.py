"""Template helpers: dates, numbers and statuses in the user's language; people as the header names them."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django import template
from django.http import HttpRequest
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

register = template.Library()


@register.filter
def isodate(value) -> str:
    """'2023-08-16' (or a date) → '16/08/2023' in Vietnamese, '2023-08-16' in English."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def num(value) -> str:
    """A number with no trailing zeros, in the user's format: 1,2 (vi) or 1.2 (en); 1.234,5."""
    if value is None or value == "":
        return ""
    try:
        plain = Decimal(format(Decimal(str(value)).normalize(), "f"))
    except (InvalidOperation, ValueError):
        return str(value)
    return formats.number_format(plain, force_grouping=abs(plain) >= 10000)


@register.filter
def num2(value) -> str:
    """A number rounded to two decimals, in the user's format."""
    if value is None or value == "":
        return ""
    return num(round(Decimal(str(value)), 2))


STATUS_LABELS = {"achieved": _("Đã đạt"), "on_track": _("Đúng tiến độ"), "at_risk": _("Có nguy cơ"),
                 "off_track": _("Chậm tiến độ"), "no_data": _("Chưa có số liệu")}


@register.filter
def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


@register.filter
def person_short(user) -> str:
    """The name the header shows: the full name without a bracketed note ("Trần Thị Thẩm
    (chuyên viên thẩm định)" → "Trần Thị Thẩm"), else the username."""
    full = user.get_full_name().strip()
    return full.split(" (", 1)[0].strip() or user.username


@register.filter
def person_note(user) -> str:
    """The bracketed note of a full name ("chuyên viên thẩm định"), shown in the user menu."""
    _name, _bracket, note = user.get_full_name().partition(" (")
    return note.rstrip(")").strip()


@register.filter
def role_labels(access) -> list[str]:
    """The labels of the user's roles (Quản trị hệ thống, Chuyên viên kế hoạch, …), in order."""
    from stiplan.core.permissions import Role

    return [str(role.label) for role in Role if role.value in access.roles]


@register.simple_tag
def page_query(request) -> str:
    """The list's other query parameters (its filters), ready to be followed by page=N."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode() + "&" if params else ""


CONDITIONS = {"gt": _("trên %(v)s"), "gte": _("từ %(v)s trở lên"), "lt": _("dưới %(v)s"),
              "lte": _("không quá %(v)s"), "eq": _("bằng %(v)s")}


@register.filter
def condition(target) -> str:
    """A target's condition as a phrase: "từ 20 trở lên", "1,2 – 1,5", "trên 50"."""
    if target.comparator == "range":
        span = f"{num(target.low)} – {num(target.high)}"
        return str(_("từ %(v)s trở lên") % {"v": span}) if target.at_least else span
    return str(CONDITIONS.get(target.comparator, "%(v)s") % {"v": num(target.value)})


@register.simple_tag
def day_input(name: str, value, id_: str) -> str:
    """A day field of a filter form, typed as dd/mm/yyyy on Vietnamese pages."""
    from stiplan.core.widgets import DayInput

    return DayInput().render(name, value, {"id": id_})


QUOTED = re.compile(r"«([^«»]*)»")


@register.filter
def quoted_as_data(text) -> str:
    """A message that quotes the data it is about in «»: the quoted words marked as data, so an
    English page may hold the Vietnamese words it quotes (the rest is escaped)."""
    return mark_safe(QUOTED.sub(lambda m: f"«<span data-content>{m.group(1)}</span>»",
                                escape(str(text))))


@register.simple_tag
def canonical(request) -> str:
    """The page's own absolute address without its query (what a link shared should point to);
    empty where the page has no request (the server-error page renders without one)."""
    if not isinstance(request, HttpRequest):
        return ""
    return request.build_absolute_uri(request.path)


class CaptureNode(template.Node):
    def __init__(self, nodelist, name: str):
        self.nodelist, self.name = nodelist, name

    def render(self, context) -> str:
        context[self.name] = self.nodelist.render(context).strip()
        return ""


@register.tag
def capture(parser, token):
    """`{% capture as name %}…{% endcapture %}`: what is between, rendered once into `name` (so the
    page's title block serves <title> and og:title alike)."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
