"""The DOCX of a document: its content poured into a docxtpl template, with the charts."""

from __future__ import annotations

import io

import jinja2
from docx.shared import Cm
from docxtpl import InlineImage

from stiplan.reports.charts import charts_of
from stiplan.reports.layouts import environment, explain, open_template


def render_docx(content: dict, template: bytes, charts: dict[str, bytes] | None = None) -> bytes:
    tpl = open_template(template)
    context = dict(content)
    for name, png in (charts or charts_of(content)).items():
        context[name] = InlineImage(tpl, io.BytesIO(png), width=Cm(14))
    try:
        tpl.render(context, jinja_env=environment(), autoescape=True)
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError) as exc:
        raise explain(tpl, exc) from None
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
