"""Document charts drawn with matplotlib as PNG, in the document's Times-metric font."""

from __future__ import annotations

import io
from functools import cache, lru_cache

from django.conf import settings

# matplotlib is imported where a chart is drawn, not with this module: it takes a second to load,
# and every page, command and worker imports the documents app (without pyplot, whose global
# figures are not for a threaded server).
COLOURS = {"achieved": "#1a7f37", "on_track": "#2f81f7", "at_risk": "#d29922",
           "off_track": "#cf222e", "no_data": "#8c959f"}


@cache
def _family() -> str:
    """Liberation Serif 2.x when present (Vietnamese glyphs), else matplotlib's own font."""
    from matplotlib import font_manager

    found = sorted(settings.STIPLAN_FONT_DIR.glob("LiberationSerif-*.ttf"))
    for path in found:
        font_manager.fontManager.addfont(str(path))
    return "Liberation Serif" if found else "DejaVu Sans"


@lru_cache(maxsize=64)
def _bars(labels: tuple[str, ...], values: tuple[int, ...], colours: tuple[str, ...],
          title: str) -> bytes:
    """A horizontal bar chart as PNG bytes. The same numbers draw the same bytes, so a worker
    keeps its last charts: a document made again, or in another format, reuses them."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with rc_context({"font.family": _family(), "font.size": 11}):
        fig = Figure(figsize=(6.2, 0.45 * len(labels) + 1.0))
        ax = fig.subplots()
        bars = ax.barh(labels[::-1], values[::-1], color=colours[::-1])
        ax.bar_label(bars, padding=3)
        ax.set_title(title, fontsize=12)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_xlim(0, max([*values, 1]) * 1.15)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
        return out.getvalue()


def targets_chart(content: dict) -> bytes:
    counts = content["status_counts"]
    return _bars(tuple(c["label"] for c in counts), tuple(c["count"] for c in counts),
                 tuple(COLOURS[c["status"]] for c in counts), "Số chỉ tiêu theo tình trạng")


def units_chart(content: dict) -> bytes:
    b = content["board"]
    return _bars(("Gửi đúng hạn", "Gửi trễ hạn", "Chưa gửi"), (b["on_time"], b["late"], b["missing"]),
                 ("#1a7f37", "#d29922", "#cf222e"),
                 f"Tình hình gửi báo cáo ({b['expected']} đơn vị)")


def charts_of(content: dict) -> dict[str, bytes]:
    """Every chart a document of this kind shows, by its template name."""
    charts = {"chart_units": units_chart(content)}
    if content["kind"] == "annual":
        charts["chart_targets"] = targets_chart(content)
    return charts
