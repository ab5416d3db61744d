"""The open data catalogue in DCAT (DCAT-AP style JSON-LD, for the national open data portal to
harvest) and the indicator values in DHIS2's data value set CSV layout."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from stiplan.core.tables import FORMATS, MEDIA_TYPES
from stiplan.metrics.models import DataValue
from stiplan.metrics.precedence import choose
from stiplan.portal.datasets import DATASETS, VISITOR, Dataset

CONTEXT = {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
           "foaf": "http://xmlns.com/foaf/0.1/", "vcard": "http://www.w3.org/2006/vcard/ns#",
           "xsd": "http://www.w3.org/2001/XMLSchema#"}
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
CATALOG_TITLE = _("Dữ liệu mở về khoa học, công nghệ và đổi mới sáng tạo")
#: The columns of a DHIS2 data value set in CSV, in the order DHIS2 reads them (by position).
DHIS2_COLUMNS = ("dataelement", "period", "orgunit", "categoryoptioncombo", "attributeoptioncombo",
                 "value", "storedby", "lastupdated", "comment", "followup")


def both(text) -> list[dict]:
    """A lazily translated text in Vietnamese and English, as JSON-LD language values."""
    out = []
    for language in ("vi", "en"):
        with translation.override(language):
            out.append({"@value": str(text), "@language": language})
    return out


def licence() -> str:
    return settings.STIPLAN_OPEN_DATA_LICENCE


def publisher() -> dict:
    return {"@type": "foaf:Agent", "foaf:name": settings.STIPLAN_PUBLISHER}


def dataset_entry(dataset: Dataset, base: str) -> dict:
    modified = dataset.modified()
    page = base + reverse("dataset-detail", kwargs={"slug": dataset.slug})
    return {
        "@id": page, "@type": "dcat:Dataset", "dct:identifier": dataset.slug,
        "dct:title": both(dataset.title), "dct:description": both(dataset.description),
        "dcat:keyword": list(dataset.keywords), "dct:publisher": publisher(),
        "dct:license": {"@id": licence()}, "dcat:landingPage": {"@id": page},
        "dct:accrualPeriodicity": {"@id": FREQUENCY + dataset.cadence.upper()},
        **({"dct:modified": {"@value": modified.isoformat(), "@type": "xsd:dateTime"}}
           if modified else {}),
        "dcat:distribution": [{
            "@type": "dcat:Distribution",
            "dcat:downloadURL": {"@id": base + reverse("dataset-file", kwargs={
                "slug": dataset.slug, "fmt": fmt})},
            "dcat:accessURL": {"@id": page},
            "dcat:mediaType": MEDIA_TYPES[fmt].split(";")[0],
            "dct:format": {"@id": FILE_TYPE + fmt.upper()},
            "dct:license": {"@id": licence()},
        } for fmt in FORMATS],
    }


def catalog(base: str) -> dict:
    """The whole catalogue; `base` is the site's address (scheme and host), so every id is an
    absolute address a harvester can follow."""
    return {
        "@context": CONTEXT, "@id": base + reverse("data-catalog"), "@type": "dcat:Catalog",
        "dct:title": both(CATALOG_TITLE), "dct:publisher": publisher(),
        "dct:license": {"@id": licence()}, "dct:language": ["vi", "en"],
        "dcat:dataset": [dataset_entry(d, base) for d in DATASETS.values()],
    }


def dhis2_rows() -> Iterator[tuple]:
    """One row per (indicator, unit, period): the value the dashboards use (final values only,
    by the precedence table), identified by codes (import with idScheme=CODE)."""
    groups: dict[tuple, list] = {}
    values = (DataValue.objects.restrict(VISITOR).filter(final=True)
              .select_related("indicator", "unit").order_by("indicator__code", "period", "unit__code"))
    for value in values:
        groups.setdefault((value.indicator.code, value.period, value.unit.code), []).append(value)
    for (indicator, period, unit), found in groups.items():
        used = choose(found, final_only=True)
        yield (indicator, period, unit, "", "", used.value, "stiplan",
               used.updated_at.isoformat(timespec="seconds"), used.source, "false")
