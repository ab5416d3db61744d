"""The markers the registry's privacy tests plant: in every person's private fields, with the
forms it may take on a page (none of them may reach a page a person's private data must not
reach); and, for the crawl and the API walk, in every private field of the registry."""

import datetime as dt
from decimal import Decimal

from stiplan.registry.models import (
    Consensus,
    Council,
    CouncilMember,
    Person,
    Score,
    Task,
    TaskStep,
    TechnologyDemand,
    TechnologyOffer,
)

MARKER = "ZZPRIVATE"
PHONE = "0999888777"
BIRTH_DAY = dt.date(1911, 11, 11)
SECRETS = (MARKER, MARKER.lower(), PHONE, "11/11/1911", "1911-11-11")


def plant_private_marker() -> None:
    """Every person's e-mail, phone, id number, birth day and address hold the marker."""
    Person.objects.update(email=f"{MARKER.lower()}@example.invalid", phone=PHONE,
                          id_number=f"{MARKER}-ID", birth_date=BIRTH_DAY, address=f"{MARKER} address")


def plant_marker_everywhere(mark: str, *, score: Decimal, mean: Decimal) -> CouncilMember:
    """`mark` in every private field of the registry in the database: each person's contacts, ID
    number, birth day and address; a reviewer and a member who sit on the first selection council
    only, each scoring its first task `score`; every council's name, every council's mean (`mean`)
    and conclusion; every step's decision number, note and finding; the title of every task that
    is not public; the contacts of every offer and demand. Returns the reviewer's seat."""
    for person in Person.objects.all():
        Person.objects.filter(pk=person.pk).update(
            email=f"{mark.lower()}{person.pk}@example.invalid", phone=f"0{person.pk:03d}{mark}",
            id_number=f"{mark}{person.pk:06d}", birth_date=BIRTH_DAY, address=f"{mark} đường số {person.pk}")
    council = Council.objects.filter(kind="selection").order_by("pk").first()
    task = council.tasks.order_by("pk").first()
    seats = []
    for role in ("reviewer", "member"):
        person = Person.objects.create(full_name=f"{mark} {role}", email=f"{role}@example.invalid",
                                       synthetic=True)
        seats.append(CouncilMember.objects.create(council=council, person=person, role=role))
        Score.objects.create(member=seats[-1], task=task, criterion="C1", value=score)
    Council.objects.update(name=f"{mark} hội đồng")
    Consensus.objects.update(mean_score=mean, conclusion=f"{mark} kết luận")
    TaskStep.objects.update(decision_number=f"{mark}/QĐ", note=f"{mark} ghi chú nội bộ",
                            finding=f"{mark} phát hiện")
    for hidden in Task.objects.filter(public=False):
        Task.objects.filter(pk=hidden.pk).update(title=f"{mark} {hidden.title}")
    for model in (TechnologyOffer, TechnologyDemand):
        model.objects.update(contact_name=f"{mark} liên hệ", contact_phone=f"09{mark}",
                             contact_email=f"{mark.lower()}@example.invalid")
    assert Task.objects.filter(public=False).exists() and task is not None
    return seats[0]
