"""Registry pages: the task list (filters and accent-insensitive search), a task's page (with the
lifecycle step form for the Department), the proposal form, and the resource pages (organisations,
a person's public profile, IP assets). Reads go through `restrict()`:
a visitor sees public tasks only (from approval on), and never a person's private fields, a
council or its scores; writes go through the registry's actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView

from stiplan.core.permissions import access_of, can
from stiplan.core.uploads import accepts_upload, may_change_row
from stiplan.core.views import RestrictedQuerysetMixin, int_or_none
from stiplan.registry import actions as act
from stiplan.registry.councils import TIE_RULE, council_record, items_of
from stiplan.registry.forms import (
    ConclusionForm,
    ConflictForm,
    CouncilForm,
    MemberForm,
    OutputForm,
    ProposeForm,
    RankForm,
    RemoveOutputForm,
    ScoreForm,
    StepForm,
)
from stiplan.registry.lifecycle import PUBLIC_STATES, STATE_LABELS, lifecycle_of
from stiplan.registry.models import (
    Affiliation,
    Council,
    CouncilMember,
    FieldLevel,
    FundingSource,
    IPAsset,
    IPKind,
    Level,
    Organisation,
    OrganisationKind,
    OrganisationRelation,
    Output,
    Person,
    ScienceField,
    Task,
    TaskKind,
    TaskMember,
)
from stiplan.registry.principals import PRINCIPALS, principal_of
from stiplan.registry.search import (
    CONFIRM_AT,
    CappedPaginator,
    matching,
    matching_rows,
    similar_tasks,
)


def errors_at_fields(form, exc: ValidationError) -> None:
    """An action's refusal on the form: at the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def submit(view, form, act: Callable[[dict], tuple[str, str]], /, *, refused=errors_at_fields,
           **shown):
    """The POST of one form of a registry page: a valid `form`'s data goes to `act`, which returns
    where to go and what to say; a refusal of the action (ValidationError) is shown at the fields
    it names (`refused(form, exc)`) and, like an invalid form, the page again with `shown` in its
    context."""
    if form.is_valid():
        try:
            url, message = act(form.cleaned_data)
        except ValidationError as exc:
            refused(form, exc)
        else:
            messages.success(view.request, message)
            return redirect(url)
    return view.render_to_response(view.get_context_data(**shown))


class FormsPageMixin:
    """A page of several forms for those who hold `manage` on its `subject()`, each form posting
    its name in the `form` field (`default_form` when none): a visitor is sent to sign in, anyone
    else gets 403, an unknown name a message and the page again; `post_form(name)` answers the
    rest. By default that is `forms(name)` (the page's forms, the named one bound to the request)
    and `act(name, data, form)`, which returns the message to say, back at the form's anchor."""

    FORMS: tuple[str, ...] = ()
    default_form = ""
    manage = ""
    detail_route = ""

    def subject(self):
        raise NotImplementedError

    def page_url(self) -> str:
        return reverse(self.detail_route, kwargs={"pk": self.subject().pk})

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can(request.user, self.manage, self.subject()):
            raise PermissionDenied
        posted = request.POST.get("form", self.default_form)
        if posted not in self.FORMS:
            messages.error(request, _("Không rõ biểu mẫu nào được gửi."))
            return redirect(self.page_url())
        return self.post_form(posted)

    def bound(self, made: dict, posted: str) -> dict:
        """The page's forms from their makers, the posted one bound to the request's data."""
        return {name: make(self.request.POST if name == posted else None) for name, make in made.items()}

    def post_form(self, posted: str):
        forms = self.forms(posted)
        form = forms[posted]
        return submit(self, form, lambda data: (f"{self.page_url()}#{posted}-form",
                                                self.act(posted, data, form)),
                      refused=lambda f, exc: self.show_refusal(posted, f, exc), forms=forms)

    def show_refusal(self, posted: str, form, exc: ValidationError) -> None:
        errors_at_fields(form, exc)


class TaskListView(RestrictedQuerysetMixin, ListView):
    """The tasks the reader may see, filtered by level, kind, state, field and year, and searched
    by words of the code and title whatever the accents (stiplan.registry.search)."""

    template_name = "registry/task_list.html"
    paginate_by = 25
    queryset = Task.objects.select_related("host", "field")
    related = (PRINCIPALS,)

    def states(self) -> list[tuple[str, str]]:
        shown = STATE_LABELS if access_of(self.request.user).internal else PUBLIC_STATES
        return [(code, label) for code, label in STATE_LABELS.items() if code in shown]

    def get_queryset(self):
        get = self.request.GET
        qs = super().get_queryset()
        self.chosen = {name: get.get(name, "").strip() for name in ("level", "kind", "state", "field",
                                                                     "year", "q")}
        if self.chosen["level"] in Level.values:
            qs = qs.filter(level=self.chosen["level"])
        if self.chosen["kind"] in TaskKind.values:
            qs = qs.filter(kind=self.chosen["kind"])
        if self.chosen["state"] in STATE_LABELS:
            qs = qs.filter(state=self.chosen["state"])
        if self.chosen["field"].isdigit():
            qs = qs.filter(field__code__startswith=self.chosen["field"])
        year = int_or_none(self.chosen["year"])
        if year is not None and 1900 <= year <= 2200:
            qs = qs.filter(Q(start_date__year__lte=year),
                           Q(end_date__isnull=True) | Q(end_date__year__gte=year))
        else:
            self.chosen["year"] = ""
        if (words := matching(self.chosen["q"])) is not None:
            qs = qs.filter(words)
            self.paginator_class = CappedPaginator  # a search for common words: "more than 1,000"
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            chosen=self.chosen, levels=Level.choices, kinds=TaskKind.choices, states=self.states(),
            fields=ScienceField.objects.restrict(self.request.user).filter(level=FieldLevel.FIELD),
            rows=[{"task": t, "principal": principal_of(t), "state": STATE_LABELS.get(t.state, t.state)}
                  for t in ctx["object_list"]],
            can_propose=can(self.request.user, "registry.propose_task"))
        return ctx


@accepts_upload(may_change_row(Task, "registry.move_task"))  # a step sends its document
class TaskDetailView(FormsPageMixin, RestrictedQuerysetMixin, TemplateView):
    """One task: what the public may know of it (level, kind, mechanism, field, host, principal
    investigator, budget, timeline, state, outputs with their certificate numbers); its steps for
    those the permission table lets read them; for those who may change it, the step form, the
    form adding a result and, on each result of a task not yet registered, its removal. The form
    posted is told by the `form` field (none: the step); a refusal is said at its fields and
    writes nothing."""

    template_name = "registry/task_detail.html"
    queryset = Task.objects.select_related("host", "field", "programme")
    related = (PRINCIPALS, "budget",
               Prefetch("outputs", Output.objects.select_related("ip_asset", "person")),
               "steps", "actions")
    FORMS = ("step", "output", "remove_output")
    default_form, manage, detail_route = "step", "registry.move_task", "task-detail"

    def dispatch(self, request, *args, **kwargs):
        self.task = self.visible_object(pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def subject(self):
        return self.task

    def step_form(self, data=None, files=None) -> StepForm:
        lifecycle = lifecycle_of(self.task.regime)
        return StepForm(data, files, lifecycle=lifecycle, allowed=lifecycle.allowed(self.task.state),
                        outputs=self.task.outputs.all())

    def output_form(self, data=None) -> OutputForm:
        return OutputForm(data, user=self.request.user, prefix="output")

    def remove_form(self, data=None) -> RemoveOutputForm:
        return RemoveOutputForm(data, outputs=Output.objects.restrict(self.request.user)
                                .filter(task=self.task), prefix="remove")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        task, user = self.task, self.request.user
        lifecycle = lifecycle_of(task.regime)
        budget = list(task.budget.all())
        by_source: dict[str, Decimal] = {}
        for line in budget:
            by_source[line.source] = by_source.get(line.source, Decimal(0)) + line.amount
        may_move = can(user, "registry.move_task", task)
        removed = kwargs.get("remove_form")
        ctx.update(
            task=task, state=STATE_LABELS.get(task.state, task.state),
            principal=principal_of(task), budget=budget,
            budget_by_source=[(FundingSource(s).label, amount) for s, amount in by_source.items()],
            budget_total=sum((line.amount for line in budget), Decimal(0)),
            lump_sum_total=sum((line.lump_sum for line in budget), Decimal(0)),
            outputs=task.outputs.all(),
            steps=[{"step": s, "label": lifecycle.steps[s.step].label if s.step in lifecycle.steps
                    else s.step, "to": STATE_LABELS.get(s.to_state, s.to_state)}
                   for s in task.steps.all()],
            actions=task.actions.all(),
            may_move=may_move,
            may_remove_outputs=may_move and not act.is_registered(task),
            removal=({"pk": int_or_none(removed.data.get("remove-output")), "form": removed}
                     if removed else None),
            form=kwargs.get("form") or (self.step_form() if may_move else None),
            output_form=kwargs.get("output_form") or (self.output_form() if may_move else None))
        return ctx

    def post_form(self, posted: str):
        return getattr(self, f"post_{posted}")(self.request)

    def post_step(self, request):
        form = self.step_form(request.POST, request.FILES)

        def step(data):
            act.move_task(self.task, data["step"], by=request.user, on=data["on"],
                          decision=act.Decision(data["decision_number"], data["decision_date"],
                                                data["document"]),
                          note=data["note"], finding=data.get("finding") or "",
                          end_date=data.get("end_date"), certificates=form.certificates())
            return self.page_url(), _("Đã ghi bước «%(step)s».") % {
                "step": lifecycle_of(self.task.regime).steps[data["step"]].label}
        return submit(self, form, step, form=form)

    def post_output(self, request):
        form = self.output_form(request.POST)

        def add(data):
            output = act.add_output(self.task, kind=data["kind"], title=data["title"],
                                    year=data["year"], person=data["person"],
                                    ip_asset=data["ip_asset"], by=request.user)
            return f"{self.page_url()}#outputs", _("Đã thêm kết quả «%(title)s».") % {"title": output.title}
        return submit(self, form, add, output_form=form)

    def post_remove_output(self, request):
        form = self.remove_form(request.POST)

        def remove(data):
            act.remove_output(data["output"], reason=data["reason"], by=request.user)
            return f"{self.page_url()}#outputs", _("Đã xóa kết quả «%(title)s».") % {
                "title": data["output"].title}
        return submit(self, form, remove, remove_form=form)


class ProposeTaskView(LoginRequiredMixin, FormView):
    """A proposal for ordering (đề xuất đặt hàng), for those who may propose tasks."""

    template_name = "registry/task_propose.html"
    form_class = ProposeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, "registry.propose_task"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def similar(self, title: str):
        """The tasks like `title` that this user may see (the Department: all, proposals too)."""
        return similar_tasks(title, Task.objects.restrict(self.request.user))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "state_labels": STATE_LABELS}

    def post(self, request, *args, **kwargs):
        if "check" not in request.POST:
            return super().post(request, *args, **kwargs)
        # what was typed comes back unchecked: the other fields may not be filled yet
        typed = {name: request.POST.getlist(name) if name == "actions" else request.POST.get(name)
                 for name in request.POST if name in self.form_class.base_fields}
        form = self.form_class(initial=typed, user=request.user)
        return self.render_to_response(self.get_context_data(
            form=form, checked=True, similar=self.similar(request.POST.get("title", ""))))

    def form_valid(self, form):
        data = form.cleaned_data
        similar = self.similar(data["title"])
        if any(s.score >= CONFIRM_AT for s in similar) and not data["not_a_duplicate"]:
            form.add_error("not_a_duplicate", _(
                "Có nhiệm vụ rất giống đề xuất này (xem danh sách): hãy kiểm tra rồi xác nhận."))
            return self.render_to_response(self.get_context_data(
                form=form, checked=True, similar=similar))
        try:
            task = act.propose_task(
                code=data["code"], title=data["title"], level=data["level"], kind=data["kind"],
                innovation_subkind=data["innovation_subkind"], mechanism=data["mechanism"],
                selection=data["selection"], start_date=data["start_date"],
                end_date=data["end_date"], field=data["field"], host=data["host"],
                programme=data["programme"], actions=data["actions"],
                regime=data["regime"] or None, regime_reason=data["regime_reason"],
                by=self.request.user)
        except ValidationError as exc:
            errors_at_fields(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã ghi đề xuất %(code)s.") % {"code": task.code})
        if not Task.objects.restrict(self.request.user).filter(pk=task.pk).exists():
            return redirect("task-list")  # a proposal is the Department's to read until approved
        return redirect("task-detail", pk=task.pk)


# --- Resources: organisations, people, IP assets ------------------------------------------------

class OrganisationListView(RestrictedQuerysetMixin, ListView):
    """The organisations, filtered by kind and searched by name or short name whatever the
    accents ("truong dai hoc tra vinh" finds "Trường Đại học Trà Vinh")."""

    template_name = "registry/organisation_list.html"
    paginate_by = 50
    model = Organisation

    def get_queryset(self):
        get = self.request.GET
        self.chosen = {name: get.get(name, "").strip() for name in ("kind", "q")}
        qs = super().get_queryset()
        if self.chosen["kind"] in OrganisationKind.values:
            qs = qs.filter(kind=self.chosen["kind"])
        else:
            self.chosen["kind"] = ""
        return matching_rows(qs, self.chosen["q"], "name", "short_name", "code")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "chosen": self.chosen,
                "kinds": OrganisationKind.choices}


class OrganisationDetailView(RestrictedQuerysetMixin, TemplateView):
    """One organisation: its kind and certificate, its dated relations both ways, the tasks it
    hosts that the reader may see, its IP assets, and the people whose affiliation the reader may
    see (a visitor: the members of public tasks)."""

    template_name = "registry/organisation_detail.html"
    model = Organisation
    related = ("fields",)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        org, user = self.visible_object(pk=kwargs["pk"]), self.request.user
        relations = OrganisationRelation.objects.restrict(user).select_related("source", "target")
        ctx.update(
            organisation=org,
            relations_out=relations.filter(source=org), relations_in=relations.filter(target=org),
            tasks=Task.objects.restrict(user).filter(host=org).with_related(user, PRINCIPALS),
            ip_assets=IPAsset.objects.restrict(user).filter(owner=org),
            staff=Affiliation.objects.restrict(user).filter(organisation=org)
            .select_related("person").order_by("-valid_from", "person__full_name"))
        ctx["tasks"] = [{"task": t, "principal": principal_of(t),
                         "state": STATE_LABELS.get(t.state, t.state)} for t in ctx["tasks"]]
        return ctx


@dataclass(frozen=True)
class PublicProfile:
    """What a person's page may show: no field of Person.PRIVATE_FIELDS is even carried here,
    so no template can print one (staff read those in the admin)."""

    pk: int
    full_name: str
    degree: str
    title: str
    synthetic: bool

    @classmethod
    def of(cls, person: Person) -> PublicProfile:
        return cls(person.pk, person.full_name, person.get_degree_display() if person.degree else "",
                   person.get_title_display() if person.title else "", person.synthetic)


class PersonDetailView(RestrictedQuerysetMixin, TemplateView):
    """A person's public profile: name, degree, title, fields, affiliation history, the tasks the
    reader may see with the role held. Never a private field (Decree 13/2023 on personal data):
    the page is reached from a task or an organisation, is not listed, and asks not to be indexed."""

    template_name = "registry/person_detail.html"
    queryset = Person.objects.defer(*Person.PRIVATE_FIELDS)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        person, user = self.visible_object(pk=kwargs["pk"]), self.request.user
        ctx.update(
            person=PublicProfile.of(person),
            fields=ScienceField.objects.restrict(user).filter(people=person.pk),
            affiliations=Affiliation.objects.restrict(user).filter(person=person.pk)
            .select_related("organisation").order_by("-valid_from", "pk"),
            roles=TaskMember.objects.restrict(user).filter(person=person.pk)
            .select_related("task").order_by("-task__start_date", "task__code", "valid_from"))
        return ctx


class IPAssetListView(RestrictedQuerysetMixin, ListView):
    """The IP assets (the province's real ones among them), filtered by kind, each with its owner
    and the tasks whose outputs it is (those the reader may see)."""

    template_name = "registry/ip_list.html"
    paginate_by = 50
    queryset = IPAsset.objects.select_related("owner")
    related = (Prefetch("outputs", Output.objects.select_related("task").order_by("task__code")),)

    def get_queryset(self):
        self.kind = self.request.GET.get("kind", "").strip()
        qs = super().get_queryset()
        if self.kind in IPKind.values:
            return qs.filter(kind=self.kind)
        self.kind = ""
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = []
        for asset in ctx["object_list"]:
            tasks = list({o.task_id: o.task for o in asset.outputs.all()}.values())
            rows.append({"asset": asset, "tasks": tasks})
        ctx.update(rows=rows, kind=self.kind, kinds=IPKind.choices)
        return ctx
# --- Councils (the Department's pages; councils, members, conflicts and scores are internal) --

class CouncilListView(LoginRequiredMixin, RestrictedQuerysetMixin, ListView):
    """The councils, with the form creating one for those who may manage councils."""

    template_name = "registry/council_list.html"
    paginate_by = 50
    queryset = Council.objects.prefetch_related("tasks")
    refuse_when_none = True

    def form(self, data=None) -> CouncilForm | None:
        if not can(self.request.user, "registry.manage_council"):
            return None
        return CouncilForm(data, user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["form"] = kwargs.get("form") or self.form()
        return ctx

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form is None:
            raise PermissionDenied
        self.object_list = self.get_queryset()

        def create(data):
            council = act.create_council(
                data["kind"], data["name"], tasks=data["tasks"], criteria=data["criteria"],
                decision_number=data["decision_number"], decision_date=data["decision_date"],
                meets_on=data["meets_on"], by=request.user)
            return (reverse("council-detail", kwargs={"pk": council.pk}),
                    _("Đã lập %(council)s.") % {"council": council.name})
        return submit(self, form, create, form=form)


class CouncilDetailView(LoginRequiredMixin, FormsPageMixin, RestrictedQuerysetMixin, TemplateView):
    """One council: tasks, criteria, members and roles, conflicts (who is excluded from scoring
    which task), each member's sheet per task, the ranking by the tie rule, the conclusions; and
    for those who may manage councils, a form for each action. A form is told by the `form` field
    of the request; a refused action is said at its fields and writes nothing."""

    template_name = "registry/council_detail.html"
    queryset = Council.objects.all()
    refuse_when_none = True
    FORMS = ("member", "conflict", "scores", "rank", "conclusion")
    manage, detail_route = "registry.manage_council", "council-detail"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.council = self.visible_object(pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def subject(self):
        return self.council

    def forms(self, posted: str = "") -> dict:
        """Each form of the page, the posted one bound to the request's data."""
        user, council = self.request.user, self.council
        members = CouncilMember.objects.restrict(user).filter(council=council).select_related("person")
        tasks = items_of(council, user)
        around = {"members": members, "tasks": tasks}
        made = {
            "member": lambda d: MemberForm(d, user=user, prefix="member"),
            "conflict": lambda d: ConflictForm(d, prefix="conflict", **around),
            "scores": lambda d: ScoreForm(d, prefix="scores", criteria=council.criteria, **around),
            "rank": lambda d: RankForm(d, prefix="rank"),
            "conclusion": lambda d: ConclusionForm(d, prefix="conclusion", **around),
        }
        return self.bound(made, posted)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        may_manage = can(self.request.user, "registry.manage_council", self.council)
        forms = kwargs.get("forms") or (self.forms() if may_manage else {})
        ctx.update(record=council_record(self.council, self.request.user), council=self.council,
                   tie_rule=_(TIE_RULE), may_manage=may_manage, forms=forms,
                   score_fields=[(c, forms["scores"][ScoreForm.name_of(c["code"])])
                                 for c in self.council.criteria] if forms else [])
        return ctx

    def show_refusal(self, posted: str, form, exc: ValidationError) -> None:
        if posted in ("scores", "conflict") and getattr(exc, "code", None) == "conflict":
            form.add_error("member", exc)
        else:
            errors_at_fields(form, exc)

    def act(self, posted: str, data: dict, form) -> str:
        """Call the action of the posted form; the message said once it is done."""
        council, by = self.council, self.request.user
        if posted == "member":
            act.add_council_member(council, data["person"], data["role"], by=by)
            return _("Đã thêm thành viên %(person)s.") % {"person": data["person"].full_name}
        if posted == "conflict":
            act.declare_conflict(data["member"], data["task"], reason=data["reason"], by=by)
            return _("Đã ghi xung đột lợi ích: %(person)s không chấm hồ sơ %(code)s.") % {
                "person": data["member"].person.full_name, "code": data["task"].code}
        if posted == "scores":
            act.enter_scores(data["member"], data["task"], form.sheet(), by=by)
            return _("Đã ghi phiếu chấm của %(person)s cho hồ sơ %(code)s.") % {
                "person": data["member"].person.full_name, "code": data["task"].code}
        if posted == "rank":
            act.rank_council(council, by=by, on=data["on"])
            return _("Đã xếp hạng các hồ sơ theo nguyên tắc xếp hạng.")
        act.record_conclusion(council, data["task"], conclusion=data["conclusion"], grade=data["grade"],
                              on=data["on"], by=by)
        return _("Đã ghi kết luận cho hồ sơ %(code)s.") % {"code": data["task"].code}
