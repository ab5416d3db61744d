"""The PDF of a document: the content laid out in HTML and printed by WeasyPrint, with the
Times-metric Liberation Serif 2.x embedded (Vietnamese glyphs, no fallback font)."""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from fontTools.ttLib import TTFont
from weasyprint.urls import URLFetcher

from stiplan.documents.charts import charts_of
from stiplan.documents.problems import FontProblem

FACES = [("Regular", "normal", "normal"), ("Bold", "bold", "normal"), ("Italic", "normal", "italic"),
         ("BoldItalic", "bold", "italic")]


#: Letters a Vietnamese document cannot do without; Liberation Serif 1.x lacks most of them.
VIETNAMESE = "ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"


def fonts() -> tuple[dict, ...]:
    """The four faces of Liberation Serif 2.x from STIPLAN_FONT_DIR, each checked for Vietnamese."""
    return _faces(Path(settings.STIPLAN_FONT_DIR))


@cache
def _faces(folder: Path) -> tuple[dict, ...]:
    faces = []
    for name, weight, style in FACES:
        path = folder / f"LiberationSerif-{name}.ttf"
        if not path.exists():
            raise FontProblem(f"Thiếu phông {path} (cài gói Debian fonts-liberation2) / "
                              f"font {path} is missing (install Debian's fonts-liberation2)")
        cmap = TTFont(path, lazy=True).getBestCmap()
        missing = "".join(ch for ch in VIETNAMESE if ord(ch) not in cmap)
        if missing:
            raise FontProblem(f"Phông {path} thiếu chữ tiếng Việt «{missing[:12]}» (cần Liberation Serif "
                              f"2.x) / font {path} lacks Vietnamese letters (Liberation Serif 2.x needed)")
        faces.append({"url": path.as_uri(), "weight": weight, "style": style})
    return tuple(faces)


def render_html(content: dict, charts: dict[str, bytes] | None = None) -> str:
    charts = {name: "data:image/png;base64," + base64.b64encode(png).decode()
              for name, png in (charts or charts_of(content)).items()}
    with translation.override("vi"):
        return render_to_string(f"documents/pdf/{content['kind']}.html", {
            "c": content, "charts": charts, "fonts": fonts(),
            "next_year": content["round"]["year"] + 1,
            "issues": content["difficulties"] + content["proposals"],
        })


class FontsOnly(URLFetcher):
    """Fetches the fonts and the inline charts only: never the network, never another file."""

    def __init__(self):
        super().__init__(allowed_protocols={"data", "file"}, fail_on_errors=False)

    def fetch(self, url, headers=None):
        if not (url.startswith("data:") or self._is_font(url)):
            raise ValueError(f"refused to fetch {url}")
        return super().fetch(url, headers)

    @staticmethod
    def _is_font(url: str) -> bool:
        """A file: URL that resolves (no "..", no link out) inside the font folder."""
        parsed = urlparse(url)
        if parsed.scheme != "file":
            return False
        folder = Path(settings.STIPLAN_FONT_DIR).resolve()
        return Path(unquote(parsed.path)).resolve().is_relative_to(folder)


def render_pdf(content: dict, charts: dict[str, bytes] | None = None) -> bytes:
    html = weasyprint.HTML(string=render_html(content, charts), url_fetcher=FontsOnly(),
                           base_url=None)
    return html.write_pdf(pdf_variant=None)
