"""The exchange's pages: labs with their equipment, technology offers and demands. Everyone reads
labs and published offers and demands (through `restrict()`); the Department also reads drafts
and withdrawn ones, the private contact behind each, and the ranked matches of the other side.
Each page has one small form for those who may write (`registry.manage_resources`): a new lab or
offer or demand on a list, an item of equipment on a lab, a change of status on an offer or a
demand. Writes go through stiplan.registry.exchange.actions; a refusal is said at its fields."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import ListView, TemplateView

from stiplan.core.antispam import FLOODED, over_limit
from stiplan.core.middleware import client_ip
from stiplan.core.permissions import access_of, can, may_view
from stiplan.core.views import RestrictedQuerysetMixin
from stiplan.registry.exchange import actions as act
from stiplan.registry.exchange.forms import (
    ContactForm,
    DemandForm,
    EquipmentForm,
    LabForm,
    OfferForm,
    StatusForm,
)
from stiplan.registry.exchange.matching import demands_for, offers_for
from stiplan.registry.models import (
    Equipment,
    FieldLevel,
    Lab,
    ListingMessage,
    ListingStatus,
    Output,
    ScienceField,
    Sharing,
    Task,
    TechnologyDemand,
    TechnologyOffer,
)
from stiplan.registry.search import matching, matching_rows
from stiplan.registry.views import errors_at_fields, submit


class StaffFormMixin:
    """A page with one form for those who hold `permission`: shown to them, posted to `act`,
    which returns the address to go to and the message to say; a refusal of the action is shown
    at the fields it names and writes nothing."""

    permission = "registry.manage_resources"
    form_class = None

    def form_kwargs(self) -> dict:
        return {"user": self.request.user}

    def staff_form(self, data=None):
        if not can(self.request.user, self.permission):
            return None
        return self.form_class(data, **self.form_kwargs())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["form"] = kwargs.get("form") or self.staff_form()
        return ctx

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        form = self.staff_form(request.POST)
        if form is None:
            raise PermissionDenied
        if isinstance(self, ListView):
            self.object_list = self.get_queryset()
        return submit(self, form, self.act, form=form)

    def act(self, data: dict) -> tuple[str, str]:
        raise NotImplementedError


def top_fields(user):
    return ScienceField.objects.restrict(user).filter(level=FieldLevel.FIELD)


class ChoiceFilterMixin:
    """A list filtered by the request's field (a code, its deeper codes included) and by one
    column, `choice`, among its values; what was chosen is kept in `self.chosen`, with `q`."""

    choice = ""

    def filtered(self, rows, values):
        get = self.request.GET
        self.chosen = {name: get.get(name, "").strip() for name in ("q", "field", self.choice)}
        if self.chosen[self.choice] in values:
            rows = rows.filter(**{self.choice: self.chosen[self.choice]})
        if self.chosen["field"].isdigit():
            rows = rows.filter(field__code__startswith=self.chosen["field"])
        return rows


# --- Labs and equipment ------------------------------------------------------------------------

class LabListView(ChoiceFilterMixin, StaffFormMixin, RestrictedQuerysetMixin, ListView):
    """The labs, searched by name, place or owner whatever the accents, filtered by field and
    by sharing; the Department adds a lab here."""

    template_name = "registry/lab_list.html"
    paginate_by = 50
    queryset = Lab.objects.select_related("owner", "field", "unit")
    form_class = LabForm
    choice = "sharing"

    def get_queryset(self):
        qs = self.filtered(super().get_queryset(), Sharing.values)
        return matching_rows(qs, self.chosen["q"], "name", "location", "owner__name", "owner__short_name")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "chosen": self.chosen,
                "sharings": Sharing.choices, "fields": top_fields(self.request.user)}

    def act(self, data):
        lab = act.add_lab(name=data["name"], owner=data["owner"], field=data["field"],
                          location=data["location"], unit=data["unit_code"],
                          description=data["description"], sharing=data["sharing"],
                          sharing_terms=data["sharing_terms"], by=self.request.user)
        return reverse("lab-detail", kwargs={"pk": lab.pk}), _("Đã ghi phòng thí nghiệm «%(name)s».") % {
            "name": lab.name}


class LabDetailView(StaffFormMixin, RestrictedQuerysetMixin, TemplateView):
    """One lab: owner, field, place, sharing terms, and its equipment; the Department adds an
    item of equipment here."""

    template_name = "registry/lab_detail.html"
    queryset = Lab.objects.select_related("owner", "field", "unit")
    form_class = EquipmentForm

    def dispatch(self, request, *args, **kwargs):
        self.lab = self.visible_object(pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def form_kwargs(self) -> dict:
        return {"prefix": "equipment"}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(lab=self.lab, equipment=Equipment.objects.restrict(self.request.user).filter(lab=self.lab))
        return ctx

    def act(self, data):
        item = act.add_equipment(self.lab, name=data["name"], model=data["model"], year=data["year"],
                                 value=data["value"], sharing=data["sharing"],
                                 sharing_terms=data["sharing_terms"], by=self.request.user)
        url = reverse("lab-detail", kwargs={"pk": self.lab.pk}) + "#equipment"
        return url, _("Đã thêm thiết bị «%(name)s».") % {"name": item.name}


# --- Technology offers and demands -------------------------------------------------------------

class ListingPage:
    """What the offer and the demand pages differ in."""

    model = None
    organisation = ""  # the field naming whose listing it is
    text = ""  # the field holding what is offered or needed
    heading = ""
    organisation_label = ""
    list_route = detail_route = match_route = contact_route = ""
    match_heading = ""

    def kind_context(self) -> dict:
        return {"heading": self.heading, "organisation_label": self.organisation_label,
                "list_route": self.list_route, "detail_route": self.detail_route,
                "match_route": self.match_route, "match_heading": self.match_heading,
                "contact_route": self.contact_route}


class OfferPage(ListingPage):
    model = TechnologyOffer
    organisation, text = "owner", "summary"
    heading = gettext_lazy("Công nghệ chào bán")
    organisation_label = gettext_lazy("Tổ chức sở hữu")
    list_route, detail_route, match_route = "offer-list", "offer-detail", "demand-detail"
    contact_route = "offer-contact"
    match_heading = gettext_lazy("Nhu cầu phù hợp")


class DemandPage(ListingPage):
    model = TechnologyDemand
    organisation, text = "enterprise", "needs"
    heading = gettext_lazy("Nhu cầu công nghệ")
    organisation_label = gettext_lazy("Doanh nghiệp, tổ chức có nhu cầu")
    list_route, detail_route, match_route = "demand-list", "demand-detail", "offer-detail"
    contact_route = "demand-contact"
    match_heading = gettext_lazy("Công nghệ phù hợp")


class ListingListView(ChoiceFilterMixin, StaffFormMixin, RestrictedQuerysetMixin, ListView):
    """Offers or demands the reader may see, searched by the words of title and text whatever
    the accents, filtered by field (and by status, for the Department); the Department records a
    new one (a draft) here."""

    template_name = "registry/listing_list.html"
    paginate_by = 25
    choice = "status"

    def _base(self):
        return self.model.objects.select_related(self.organisation, "field")

    def get_queryset(self):
        qs = self.filtered(super().get_queryset(), ListingStatus.values)
        if (words := matching(self.chosen["q"])) is not None:
            qs = qs.filter(words)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(self.kind_context(), chosen=self.chosen, fields=top_fields(self.request.user),
                   statuses=ListingStatus.choices if access_of(self.request.user).internal else [],
                   rows=[{"listing": x, "organisation": getattr(x, self.organisation)}
                         for x in ctx["object_list"]])
        return ctx


class OfferListView(OfferPage, ListingListView):
    form_class = OfferForm

    def act(self, data):
        offer = act.add_offer(
            title=data["title"], summary=data["summary"], owner=data["owner"], field=data["field"],
            task=data["task"], trl=data["trl"], transfer_forms=data["transfer_forms"],
            price_note=data["price_note"], contact_name=data["contact_name"],
            contact_email=data["contact_email"], contact_phone=data["contact_phone"], by=self.request.user)
        return reverse("offer-detail", kwargs={"pk": offer.pk}), _(
            "Đã ghi bản nháp «%(title)s»; công bố để mọi người cùng xem.") % {"title": offer.title}


class DemandListView(DemandPage, ListingListView):
    form_class = DemandForm

    def act(self, data):
        demand = act.add_demand(
            title=data["title"], needs=data["needs"], enterprise=data["enterprise"], field=data["field"],
            budget_note=data["budget_note"], contact_name=data["contact_name"],
            contact_email=data["contact_email"], contact_phone=data["contact_phone"], by=self.request.user)
        return reverse("demand-detail", kwargs={"pk": demand.pk}), _(
            "Đã ghi bản nháp «%(title)s»; công bố để mọi người cùng xem.") % {"title": demand.title}


class ListingDetailView(StaffFormMixin, RestrictedQuerysetMixin, TemplateView):
    """One offer or demand: what it is, whose, its field and terms; for the Department also its
    status form, the private contact and the ranked matches of the other side (those published)."""

    template_name = "registry/listing_detail.html"
    form_class = StatusForm

    def _base(self):
        return self.model.objects.select_related(self.organisation, "field")

    def dispatch(self, request, *args, **kwargs):
        self.listing = self.visible_object(pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def form_kwargs(self) -> dict:
        return {"prefix": "status"}

    def facts(self) -> list[tuple[str, str, str]]:
        """The kind's own facts as (label, text, address)."""
        return []

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, listing = self.request.user, self.listing
        internal = access_of(user).internal
        ctx.update(self.kind_context(), listing=listing, text=getattr(listing, self.text),
                   organisation=getattr(listing, self.organisation), facts=self.facts(),
                   contact=({name: getattr(listing, name) for name in listing.PRIVATE_FIELDS}
                            if internal else None),
                   matches=self.matches() if internal else None,
                   messages_count=(listing.messages.restrict(user).count()
                                   if may_view(user, ListingMessage) else None))
        return ctx

    def act(self, data):
        done = act.set_status(self.listing, data["status"], reason=data["reason"], by=self.request.user)
        return reverse(self.detail_route, kwargs={"pk": done.pk}), _(
            "«%(title)s»: %(status)s.") % {"title": done.title, "status": done.get_status_display()}


class OfferDetailView(OfferPage, ListingDetailView):
    def matches(self):
        demands = TechnologyDemand.objects.restrict(self.request.user).filter(status=ListingStatus.PUBLISHED)
        return demands_for(self.listing, demands)

    def facts(self):
        offer, user = self.listing, self.request.user
        found = [(_("Mức sẵn sàng công nghệ (TRL)"), str(offer.trl), ""),
                 (_("Hình thức chuyển giao"), "; ".join(offer.transfer_form_labels()), "")]
        if offer.price_note:
            found.append((_("Giá, điều kiện tài chính"), offer.price_note, ""))
        task = Task.objects.restrict(user).filter(pk=offer.task_id).first()
        if task:
            found.append((_("Từ nhiệm vụ"), f"{task.code} {task.title}",
                          reverse("task-detail", kwargs={"pk": task.pk})))
        output = Output.objects.restrict(user).filter(pk=offer.output_id).first()
        if output:
            found.append((_("Từ kết quả"), output.title, ""))
        if offer.ip_asset_id:
            asset = offer.ip_asset
            found.append((_("Tài sản trí tuệ"), asset.title,
                          f"{reverse('ip-list')}?kind={asset.kind}#ip-{asset.pk}"))
        return found


class DemandDetailView(DemandPage, ListingDetailView):
    def matches(self):
        offers = TechnologyOffer.objects.restrict(self.request.user).filter(status=ListingStatus.PUBLISHED)
        return offers_for(self.listing, offers)

    def facts(self):
        note = self.listing.budget_note
        return [(_("Kinh phí dự kiến"), note, "")] if note else []


# --- Messages of visitors to the owners -----------------------------------------------------------

@method_decorator(never_cache, name="dispatch")
class ListingContactView(RestrictedQuerysetMixin, TemplateView):
    """Write to the owner of a published offer or demand: name, organisation, e-mail, message.
    The owner's address is never shown: the message is stored and relayed (send_message), and
    the visitor sees a confirmation. Guards: a honeypot field, a signed time stamp (not faster
    than a person, not older than a day) and at most LIMIT posts an hour from one address. The
    page is never cached (its stamp is the time it was shown)."""

    template_name = "registry/listing_contact.html"
    LIMIT, WINDOW = 5, 3600

    def _base(self):
        return self.model.objects.select_related(self.organisation).filter(status=ListingStatus.PUBLISHED)

    def dispatch(self, request, *args, **kwargs):
        self.listing = self.visible_object(pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(self.kind_context(), listing=self.listing,
                   organisation=getattr(self.listing, self.organisation),
                   form=kwargs.get("form") or ContactForm())
        return ctx

    def post(self, request, *args, **kwargs):
        form = ContactForm(request.POST)
        if over_limit("contact", client_ip(request), limit=self.LIMIT, seconds=self.WINDOW):
            refusal = FLOODED % {"limit": self.LIMIT, "minutes": self.WINDOW // 60}
            return self.render_to_response(self.get_context_data(form=form, refusal=refusal), status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                act.send_message(self.listing, name=data["sender_name"], email=data["sender_email"],
                                 organisation=data["sender_organisation"], body=data["body"],
                                 by=request.user)
            except ValidationError as exc:
                errors_at_fields(form, exc)
            else:
                return self.render_to_response(self.get_context_data(form=form, sent=True))
        return self.render_to_response(self.get_context_data(form=form))


class OfferContactView(OfferPage, ListingContactView):
    pass


class DemandContactView(DemandPage, ListingContactView):
    pass


class MessageListView(LoginRequiredMixin, RestrictedQuerysetMixin, ListView):
    """The visitors' messages the reader may see (the Department: all; an organisation's unit:
    its own), newest first, with the offer or demand each is about and whether it was e-mailed."""

    template_name = "registry/message_list.html"
    paginate_by = 50
    queryset = ListingMessage.objects.select_related("offer", "demand", "organisation")
    refuse_when_none = True
