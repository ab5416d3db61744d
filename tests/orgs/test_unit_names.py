"""Unit names read as written Vietnamese: no word doubled by a generator ("Thanh tra tỉnh tỉnh")."""

import re

import pytest

from stiplan.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_no_unit_name_repeats_a_word():
    doubled = [u.name for u in OrgUnit.objects.all()
               if re.search(r"\b(\w+) \1\b", u.name, flags=re.IGNORECASE)]
    assert doubled == []


def test_the_inspectorate_is_named_once():
    assert OrgUnit.objects.get(code="VL.TTT").name == "Thanh tra tỉnh Vĩnh Long"
