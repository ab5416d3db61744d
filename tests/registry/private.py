"""The marker the registry's page tests plant in every person's private fields, and the forms it
may take on a page: none of them may reach a page a person's private data must not reach."""

import datetime as dt

from stiplan.registry.models import Person

MARKER = "ZZPRIVATE"
PHONE = "0999888777"
BIRTH_DAY = dt.date(1911, 11, 11)
SECRETS = (MARKER, MARKER.lower(), PHONE, "11/11/1911", "1911-11-11")


def plant_private_marker() -> None:
    """Every person's e-mail, phone, id number, birth day and address hold the marker."""
    Person.objects.update(email=f"{MARKER.lower()}@example.invalid", phone=PHONE,
                          id_number=f"{MARKER}-ID", birth_date=BIRTH_DAY, address=f"{MARKER} address")
