"""Every write of labs, equipment, technology offers and demands, each audited. Every problem of
what is given is named at its field, in Vietnamese (English in the `en` locale), before anything
is written; only the Department's plan officers write (`registry.manage_resources`)."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from stiplan.core.audit import record, snapshot
from stiplan.core.permissions import may_view, require
from stiplan.registry.models import (
    Equipment,
    Lab,
    ListingMessage,
    ListingStatus,
    Sharing,
    TechnologyDemand,
    TechnologyOffer,
    TransferForm,
)
from stiplan.registry.search import search_text

log = logging.getLogger(__name__)
PERMISSION = "registry.manage_resources"
#: The statuses a listing may move to from each status (a withdrawn one may be published again).
MOVES = {
    ListingStatus.DRAFT: {ListingStatus.PUBLISHED, ListingStatus.WITHDRAWN},
    ListingStatus.PUBLISHED: {ListingStatus.WITHDRAWN},
    ListingStatus.WITHDRAWN: {ListingStatus.PUBLISHED},
}


def _label(model: type[Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _checked(obj: Model, problems: dict[str, str]) -> None:
    """Refuse `obj` with `problems` and whatever Django's own checks find, each message naming
    its field («Tên: …»); nothing is written."""
    found = {name: [f"{_label(type(obj), name)}: {text}"] for name, text in problems.items()}
    try:
        obj.full_clean(exclude=list(problems))
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            where = _label(type(obj), name) if name != "__all__" else ""
            found.setdefault(name, []).extend(f"{where}: {e}" if where else e for e in errors)
    if found:
        raise ValidationError(found)


def _sharing_problems(sharing: str, terms: str) -> dict[str, str]:
    if sharing not in Sharing.values:
        return {"sharing": _("«%(value)s» không phải một cách chia sẻ.") % {"value": sharing}}
    if sharing == Sharing.FOR_FEE and not terms.strip():
        return {"sharing_terms": _("chia sẻ có thu phí cần ghi điều kiện (mức phí, cách đăng ký).")}
    return {}


@transaction.atomic
def add_lab(*, name: str, owner, location: str, by, field=None, unit=None, description: str = "",
            sharing: str = Sharing.NOT_SHARED, sharing_terms: str = "", synthetic: bool = False) -> Lab:
    """A lab of `owner`, where it is (the administrative unit optional) and its sharing terms."""
    require(by, PERMISSION)
    lab = Lab(name=name.strip(), owner=owner, location=location.strip(), field=field, unit=unit,
              description=description.strip(), sharing=sharing, sharing_terms=sharing_terms.strip(),
              synthetic=synthetic)
    _checked(lab, _sharing_problems(sharing, sharing_terms))
    lab.save()
    record("registry.add_lab", lab, by=by, after=snapshot(lab))
    return lab


@transaction.atomic
def add_equipment(lab: Lab, *, name: str, by, model: str = "", year: int | None = None,
                  value: Decimal | None = None, sharing: str = Sharing.NOT_SHARED,
                  sharing_terms: str = "") -> Equipment:
    """An item of equipment of `lab`: its year not in the future, its value (million VND) not
    negative."""
    require(by, PERMISSION)
    problems = _sharing_problems(sharing, sharing_terms)
    if year is not None and not 1900 <= year <= timezone.localdate().year:
        problems["year"] = _("năm %(year)s không hợp lệ (từ 1900 đến năm nay).") % {"year": year}
    if value is not None and value < 0:
        problems["value"] = _("giá trị không được âm.")
    item = Equipment(lab=lab, name=name.strip(), model=model.strip(), year=year, value=value,
                     sharing=sharing, sharing_terms=sharing_terms.strip())
    _checked(item, problems)
    item.save()
    record("registry.add_equipment", item, by=by, after=snapshot(item), repr_=f"{lab.name}: {item.name}")
    return item


def _offer_problems(trl, transfer_forms, task, output) -> dict[str, str]:
    problems = {}
    if not isinstance(trl, int) or isinstance(trl, bool) or not 1 <= trl <= 9:
        problems["trl"] = _("phải là một số từ 1 đến 9.")
    unknown = [str(f) for f in transfer_forms if f not in TransferForm.values]
    if unknown:
        problems["transfer_forms"] = _("không có hình thức «%(forms)s».") % {"forms": ", ".join(unknown)}
    elif not transfer_forms:
        problems["transfer_forms"] = _("cần chọn ít nhất một hình thức chuyển giao.")
    if output is not None and task is not None and output.task_id != task.pk:
        problems["output"] = _("kết quả «%(output)s» không thuộc nhiệm vụ %(code)s.") % {
            "output": output.title, "code": task.code}
    return problems


def _contacts(contact_name: str, contact_email: str, contact_phone: str) -> dict[str, str]:
    return {"contact_name": contact_name.strip(), "contact_email": contact_email.strip(),
            "contact_phone": contact_phone.strip()}


@transaction.atomic
def add_offer(*, title: str, summary: str, owner, trl: int, transfer_forms, by, field=None,
              task=None, output=None, ip_asset=None, price_note: str = "", contact_name: str = "",
              contact_email: str = "", contact_phone: str = "", synthetic: bool = False,
              on: dt.date | None = None) -> TechnologyOffer:
    """A technology offer, as a draft (the Department's until published): TRL 1–9, at least one
    transfer form, the result (if given) one of the task's (if given)."""
    require(by, PERMISSION)
    forms = list(dict.fromkeys(transfer_forms or ()))
    if output is not None and task is None:
        task = output.task
    offer = TechnologyOffer(
        title=title.strip(), summary=summary.strip(), owner=owner, field=field, task=task,
        output=output, ip_asset=ip_asset, trl=trl, transfer_forms=forms, price_note=price_note.strip(),
        created_on=on or timezone.localdate(), synthetic=synthetic,
        search_text=search_text(title, summary), **_contacts(contact_name, contact_email, contact_phone))
    _checked(offer, _offer_problems(trl, forms, task, output))
    offer.save()
    record("registry.add_offer", offer, by=by, after=snapshot(offer))
    return offer


@transaction.atomic
def add_demand(*, title: str, needs: str, enterprise, by, field=None, budget_note: str = "",
               contact_name: str = "", contact_email: str = "", contact_phone: str = "",
               synthetic: bool = False, on: dt.date | None = None) -> TechnologyDemand:
    """A technology demand of an enterprise, as a draft (the Department's until published)."""
    require(by, PERMISSION)
    demand = TechnologyDemand(
        title=title.strip(), needs=needs.strip(), enterprise=enterprise, field=field,
        budget_note=budget_note.strip(), created_on=on or timezone.localdate(), synthetic=synthetic,
        search_text=search_text(title, needs), **_contacts(contact_name, contact_email, contact_phone))
    _checked(demand, {})
    demand.save()
    record("registry.add_demand", demand, by=by, after=snapshot(demand))
    return demand


@transaction.atomic
def set_status(listing: TechnologyOffer | TechnologyDemand, status: str, *, by, reason: str = "",
               on: dt.date | None = None):
    """Publish, withdraw or publish again an offer or a demand (MOVES); publishing dates it."""
    require(by, PERMISSION)
    listing = type(listing).objects.select_for_update().get(pk=listing.pk)
    if status not in MOVES.get(listing.status, ()):
        allowed = ", ".join(f"«{ListingStatus(s).label}»" for s in sorted(MOVES[listing.status])) or "—"
        raise ValidationError({"status": _(
            "«%(title)s» đang ở trạng thái «%(now)s», không chuyển sang «%(to)s» được; được phép: "
            "%(allowed)s.") % {"title": listing.title, "now": listing.get_status_display(),
                                "to": ListingStatus(status).label if status in ListingStatus.values
                                else status, "allowed": allowed}})
    before = snapshot(listing)
    listing.status = status
    if status == ListingStatus.PUBLISHED:
        listing.published_on = on or timezone.localdate()
    listing.save(update_fields=["status", "published_on"])
    kind = "offer" if isinstance(listing, TechnologyOffer) else "demand"
    verb = "publish" if status == ListingStatus.PUBLISHED else "withdraw"
    record(f"registry.{verb}_{kind}", listing, by=by, before=before, after=snapshot(listing),
           reason=reason)
    return listing


#: The longest message a visitor may send, in characters.
MESSAGE_LENGTH = 4000
MESSAGE_BODY = """{intro}

{label_name}: {name}
{label_organisation}: {organisation}
{label_email}: {email}

{body}

--
{footer}
"""


@transaction.atomic
def send_message(listing: TechnologyOffer | TechnologyDemand, *, name: str, email: str, body: str,
                 by, organisation: str = "") -> ListingMessage:
    """A visitor's message about a published `listing`, stored and, once stored, e-mailed to the
    listing's private contact (answering goes to the visitor's address); without a contact the
    Department relays it from the messages page. Any reader of the listing may send one."""
    require(by, "registry.contact_listing")
    title = listing.title
    listing = type(listing).objects.filter(pk=listing.pk, status=ListingStatus.PUBLISHED).first()
    if listing is None or not may_view(by, type(listing), listing):
        raise PermissionDenied(_("«%(title)s» không nhận lời nhắn (chưa công bố hoặc đã rút).") % {
            "title": title})
    is_offer = isinstance(listing, TechnologyOffer)
    message = ListingMessage(
        offer=listing if is_offer else None, demand=None if is_offer else listing,
        organisation=listing.owner if is_offer else listing.enterprise, sender_name=name.strip(),
        sender_organisation=organisation.strip(), sender_email=email.strip(), body=body.strip(),
        sent_at=timezone.now(), owner_notified=bool(listing.contact_email))
    _checked(message, {"body": _("tối đa %(n)s ký tự.") % {"n": MESSAGE_LENGTH}}
             if len(message.body) > MESSAGE_LENGTH else {})
    message.save()
    record("registry.send_message", message, by=by, after=snapshot(message))
    if listing.contact_email:
        transaction.on_commit(lambda: _deliver(message, listing.contact_email))
    return message


def _deliver(message: ListingMessage, to: str) -> None:
    """E-mail `message` to the owner's contact (in Vietnamese, the Department's language); a
    failure is logged, the message stays on the messages page for the Department to relay."""
    with translation.override("vi"):
        listing = message.listing
        text = MESSAGE_BODY.format(
            intro=_("Một người xem cổng thông tin gửi lời nhắn về «%(title)s»:") % {"title": listing.title},
            label_name=_("Họ và tên"), name=message.sender_name,
            label_organisation=_("Tổ chức, doanh nghiệp"), organisation=message.sender_organisation or "—",
            label_email=_("Thư điện tử"), email=message.sender_email, body=message.body,
            footer=_("Trả lời thư này để trả lời trực tiếp người gửi. Thư do stiplan chuyển tiếp; "
                     "địa chỉ của quý vị không hiển thị với người gửi."))
        subject = _("Lời nhắn về «%(title)s»") % {"title": listing.title[:120]}
    mail = EmailMessage(subject, text, to=[to], reply_to=[message.sender_email])
    try:
        mail.send()
    except Exception:  # noqa: BLE001 - the stored message is the record; the mail is a courtesy
        log.exception("the message %s could not be e-mailed to its owner", message.pk)
