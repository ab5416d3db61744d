"""What a province's profile shows: published results (public) and, for the Department, the
computed ones — score and rank, pillars (radar), strengths and weaknesses, peers, rank interval."""

from __future__ import annotations

from statistics import median

from stiplan.index.models import Computation, IndexEdition, IndexValue, JobState, PublishedResult

#: How many provinces of closest GRDP are shown as peers.
GRDP_PEERS = 5


def published(edition: IndexEdition, user) -> dict[str, PublishedResult]:
    return {p.unit: p for p in PublishedResult.objects.restrict(user).filter(edition=edition)}


def latest_computation(edition: IndexEdition, user) -> Computation | None:
    return (Computation.objects.restrict(user).filter(edition=edition, state=JobState.DONE)
            .order_by("-finished_at", "-pk").first())


def _at(results: dict, key: str, code: str, unit: str):
    i = results["units"].index(unit)
    return results[key][code][i]


def computed(edition: IndexEdition, job: Computation, unit: str) -> dict:
    """The unit's computed total, sub-indices, pillars, strengths, weaknesses and rank interval."""
    fw, r = edition.framework.tree(), job.results
    root, n = fw.root, len(r["units"])
    names = {node.code: node.name for node in fw.nodes}
    pillars = [{"code": c, "name": names[c], "score": _at(r, "scores", c, unit),
                "rank": _at(r, "ranks", c, unit)} for c in fw.level(fw.depth - 2)]
    interval = r.get("interval")
    i = interval["units"].index(unit) if interval else None
    return {
        "score": _at(r, "scores", root, unit), "rank": _at(r, "ranks", root, unit), "n": n,
        "subindices": [{"code": c, "name": names[c], "score": _at(r, "scores", c, unit),
                        "rank": _at(r, "ranks", c, unit)} for c in fw.level(fw.depth - 1)],
        "pillars": pillars,
        "strengths": [(c, names[c]) for c in r["strengths"].get(unit, [])],
        "weaknesses": [(c, names[c]) for c in r["weaknesses"].get(unit, [])],
        "interval": {k: interval[k][i] for k in ("Q5", "Median", "Q95")} if interval else None,
        "finished_at": job.finished_at,
    }


def radar(edition: IndexEdition, job: Computation, unit: str, peers: list[str]) -> dict:
    """Pillar scores of the unit, the peers' mean and the median of all provinces (for ECharts)."""
    fw, r = edition.framework.tree(), job.results
    pillars = fw.level(fw.depth - 2)
    names = {node.code: node.name for node in fw.nodes}
    rows = {u: i for i, u in enumerate(r["units"])}

    def series(units: list[str]) -> list[float]:
        return [round(sum(r["scores"][c][rows[u]] or 0 for u in units) / max(len(units), 1), 2)
                for c in pillars]

    return {
        "indicators": [{"name": _short(f"{c} {names[c]}"), "max": 100} for c in pillars],
        "series": [
            {"name": edition.unit_names()[unit], "values": series([unit])},
            {"name": "peers", "values": series(peers)},
            {"name": "median", "values": [round(median(v for v in r["scores"][c] if v is not None), 2)
                                          for c in pillars]},
        ],
    }


def _short(text: str, width: int = 22) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def region_peers(edition: IndexEdition, unit: str) -> list[str]:
    region = next(u["region"] for u in edition.units if u["code"] == unit)
    return [u["code"] for u in edition.units if u["region"] == region]


def grdp_peers(edition: IndexEdition, unit: str, user) -> list[str]:
    """The unit and the provinces whose GRDP (the edition's denominator) is closest to its own."""
    grdp = dict(IndexValue.objects.restrict(user).filter(edition=edition, code="grdp")
                .values_list("unit", "value"))
    if grdp.get(unit) is None:
        return []
    others = sorted((abs(v - grdp[unit]), u) for u, v in grdp.items() if u != unit and v is not None)
    return [unit] + [u for _d, u in others[:GRDP_PEERS]]


def peer_rows(edition: IndexEdition, codes: list[str], pub: dict, job: Computation | None) -> list[dict]:
    """One row per peer: published score and rank beside the computed ones, best first."""
    names = edition.unit_names()
    root = edition.framework.tree().root
    rows = []
    for code in codes:
        p = pub.get(code)
        row = {"code": code, "name": names[code], "published": p}
        if job is not None:
            row["score"] = _at(job.results, "scores", root, code)
            row["rank"] = _at(job.results, "ranks", root, code)
        rows.append(row)
    return sorted(rows, key=lambda r: (r["published"].rank if r["published"] and r["published"].rank
                                       else r.get("rank") or 99))
