"""One search over everything the reader may see: the plans' targets and actions, indicators,
tasks, results, IP assets, organisations, labs, technology offers and demands, and the index's
profiles, grouped by kind, each row read through `restrict()` and matched by the registry's rule
(folded whole words, any order: stiplan.registry.search)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from stiplan.analytics.search.normalise import normalise
from stiplan.index.models import IndexEdition
from stiplan.plans.models import Action, Indicator, Target
from stiplan.registry.models import (
    IPAsset,
    Lab,
    Organisation,
    Output,
    Task,
    TechnologyDemand,
    TechnologyOffer,
)
from stiplan.registry.search import matching, matching_rows, words_of

#: Rows shown per kind; the group says how many more there are and links to its list.
SHOWN = 8
#: A query is cut to this many characters (each word costs one condition).
MAX_QUERY = 200


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Group:
    kind: str
    label: str
    hits: list[Hit]
    total: int
    more: str = ""  # the kind's own list, searched by the same words


def _words(rows: QuerySet, query: str) -> QuerySet:
    """Rows with a stored folded column (`search_text`), matched in the database."""
    return rows.filter(matching(query))


def _targets(user, query):
    rows = matching_rows(Target.objects.restrict(user).select_related("plan", "indicator"),
                         query, "code", "wording", "indicator__name")
    return rows, lambda t: Hit(t.wording, reverse("plan-detail", args=[t.plan.code]) + "#chi-tieu",
                               f"{t.plan.code} · {t.indicator.name} · {t.year}")


def _actions(user, query):
    rows = matching_rows(Action.objects.restrict(user).select_related("group__plan"), query,
                         "code", "text")
    return rows, lambda a: Hit(a.text, reverse("action-detail", args=[a.group.plan.code, a.code]),
                               f"{a.group.plan.code} · {a.code}")


def _indicators(user, query):
    rows = matching_rows(Indicator.objects.restrict(user), query, "code", "name")
    return rows, lambda i: Hit(i.name, reverse("indicator-detail", args=[i.code]), i.code)


def _tasks(user, query):
    rows = _words(Task.objects.restrict(user).select_related("host"), query)
    return rows, lambda t: Hit(t.title, reverse("task-detail", args=[t.pk]),
                               " · ".join(filter(None, [t.code, t.host.name if t.host else ""])))


def _outputs(user, query):
    rows = matching_rows(Output.objects.restrict(user).select_related("task"), query,
                         "title", "certificate_number")
    return rows, lambda o: Hit(o.title, reverse("task-detail", args=[o.task_id]) + "#outputs",
                               " · ".join(filter(None, [o.get_kind_display(), o.task.code,
                                                        o.certificate_number])))


def _ip_assets(user, query):
    rows = matching_rows(IPAsset.objects.restrict(user), query, "title", "owner_name", "number",
                         "application_number")
    return rows, lambda a: Hit(a.title, f"{reverse('ip-list')}?kind={a.kind}#ip-{a.pk}",
                               a.get_kind_display())


def _organisations(user, query):
    rows = matching_rows(Organisation.objects.restrict(user), query, "name", "short_name", "code")
    return rows, lambda o: Hit(o.name, reverse("organisation-detail", args=[o.pk]),
                               o.get_kind_display())


def _labs(user, query):
    rows = matching_rows(Lab.objects.restrict(user).select_related("owner"), query,
                         "name", "location", "owner__name")
    return rows, lambda lab: Hit(lab.name, reverse("lab-detail", args=[lab.pk]), lab.owner.name)


def _offers(user, query):
    rows = _words(TechnologyOffer.objects.restrict(user).select_related("owner"), query)
    return rows, lambda o: Hit(o.title, reverse("offer-detail", args=[o.pk]), o.owner.name)


def _demands(user, query):
    rows = _words(TechnologyDemand.objects.restrict(user).select_related("enterprise"), query)
    return rows, lambda d: Hit(d.title, reverse("demand-detail", args=[d.pk]), d.enterprise.name)


def _index_profiles(user, query) -> tuple[list[Hit], Callable]:
    """The index's province profiles whose province name holds the words, newest edition first."""
    words = set(words_of(query))
    hits = [Hit(f"PII {edition.year} — {unit['name']}",
                reverse("index-profile", args=[edition.year, unit["code"]]), unit.get("region", ""))
            for edition in IndexEdition.objects.restrict(user)
            for unit in edition.units
            if words <= set(normalise(f"{unit['name']} pii {edition.year}").split())]
    return hits, lambda hit: hit


#: kind → (label, its rows and how one is shown, its list page searched by `q`, if any).
KINDS: dict[str, tuple] = {
    "tasks": (_("Nhiệm vụ KH&CN"), _tasks, "task-list"),
    "outputs": (_("Kết quả nhiệm vụ"), _outputs, ""),
    "offers": (_("Công nghệ chào bán"), _offers, "offer-list"),
    "demands": (_("Nhu cầu công nghệ"), _demands, "demand-list"),
    "ip": (_("Tài sản trí tuệ"), _ip_assets, ""),
    "organisations": (_("Tổ chức"), _organisations, "organisation-list"),
    "labs": (_("Phòng thí nghiệm"), _labs, "lab-list"),
    "targets": (_("Mục tiêu của kế hoạch"), _targets, ""),
    "actions": (_("Nhiệm vụ của kế hoạch"), _actions, ""),
    "indicators": (_("Chỉ tiêu"), _indicators, ""),
    "index": (_("Chỉ số ĐMST cấp tỉnh (PII)"), _index_profiles, ""),
}


def _first(rows: QuerySet | list, show: Callable) -> tuple[list[Hit], int]:
    if isinstance(rows, list):
        return [show(r) for r in rows[:SHOWN]], len(rows)
    return [show(r) for r in rows[:SHOWN]], rows.count()


def search(user, query: str, kinds: Iterable[str] = KINDS) -> list[Group]:
    """The groups (in KINDS' order) with at least one row `user` may see matching `query`."""
    query = query[:MAX_QUERY]
    if not words_of(query):
        return []
    groups = []
    for kind in kinds:
        label, find, route = KINDS[kind]
        hits, total = _first(*find(user, query))
        if total:
            more = f"{reverse(route)}?{urlencode({'q': query})}" if route and total > len(hits) else ""
            groups.append(Group(kind, str(label), hits, total, more))
    return groups
