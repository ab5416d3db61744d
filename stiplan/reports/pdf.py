"""The PDF of a document: the content laid out in HTML and printed by WeasyPrint, with the
Times-metric Liberation Serif 2.x embedded (Vietnamese glyphs, no fallback font)."""

from __future__ import annotations

import base64

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint.urls import URLFetcher

from stiplan.reports.charts import charts_of

FACES = [("Regular", "normal", "normal"), ("Bold", "bold", "normal"), ("Italic", "normal", "italic"),
         ("BoldItalic", "bold", "italic")]


def fonts() -> list[dict]:
    folder = settings.STIPLAN_FONT_DIR
    return [{"url": (folder / f"LiberationSerif-{name}.ttf").as_uri(), "weight": weight,
             "style": style} for name, weight, style in FACES
            if (folder / f"LiberationSerif-{name}.ttf").exists()]


def render_html(content: dict) -> str:
    charts = {name: "data:image/png;base64," + base64.b64encode(png).decode()
              for name, png in charts_of(content).items()}
    with translation.override("vi"):
        return render_to_string(f"reports/pdf/{content['kind']}.html", {
            "c": content, "charts": charts, "fonts": fonts(),
            "next_year": content["round"]["year"] + 1,
            "issues": content["difficulties"] + content["proposals"],
        })


class FontsOnly(URLFetcher):
    """Fetches the fonts and the inline charts only: never the network, never another file."""

    def __init__(self):
        super().__init__(allowed_protocols={"data", "file"}, fail_on_errors=False)

    def fetch(self, url, headers=None):
        folder = settings.STIPLAN_FONT_DIR.as_uri() + "/"
        if not (url.startswith("data:") or url.startswith(folder)):
            raise ValueError(f"refused to fetch {url}")
        return super().fetch(url, headers)


def render_pdf(content: dict) -> bytes:
    html = weasyprint.HTML(string=render_html(content), url_fetcher=FontsOnly(), base_url=None)
    return html.write_pdf(pdf_variant=None)
