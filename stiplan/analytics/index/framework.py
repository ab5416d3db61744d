"""A composite index's framework as data: the tree indicators → … → index,
loaded from YAML or from COINr's iMeta CSV."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

SCHEMA = "stiplan.index/1"


class FrameworkError(ValueError):
    """The framework file is not a valid tree; the message names the place."""


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    level: int  # 1 = indicator, then one more per level up to the index
    parent: str | None
    weight: float = 1.0
    direction: int = 1  # +1 higher is better, -1 lower is better
    denominator: str | None = None
    unit: str = ""
    source: str = ""
    placeholder: bool = False
    goalposts: tuple[float, float] | None = None
    bounds: tuple[float, float] | None = None  # the plausible range of a raw value (data entry)


@dataclass
class Framework:
    """Nodes by level; every indicator sits at level 1 and every parent exactly one level up."""

    code: str
    name: str
    nodes: list[Node]
    level_names: list[str] = field(default_factory=list)
    denominators: dict[str, str] = field(default_factory=dict)  # code -> name
    efficiency: tuple[str, str] | None = None  # (output node, input node)

    def __post_init__(self) -> None:
        self.by_code = {n.code: n for n in self.nodes}
        self._levels: dict[int, list[str]] = {}
        for n in self.nodes:
            self._levels.setdefault(n.level, []).append(n.code)
        self._membership: dict[int, np.ndarray] = {}
        if len(self.by_code) != len(self.nodes):
            seen: set[str] = set()
            dup = next(n.code for n in self.nodes if n.code in seen or seen.add(n.code))
            raise FrameworkError(f"Mã «{dup}» xuất hiện hai lần trong khung chỉ số")
        for n in self.nodes:
            if n.parent is None:
                continue
            parent = self.by_code.get(n.parent)
            if parent is None:
                raise FrameworkError(f"«{n.code}»: không có nút cha «{n.parent}»")
            if parent.level != n.level + 1:
                raise FrameworkError(
                    f"«{n.code}» (cấp {n.level}): nút cha «{n.parent}» phải ở cấp {n.level + 1}"
                )
            if n.direction not in (1, -1):
                raise FrameworkError(f"«{n.code}»: chiều phải là 1 hoặc -1")
        for n in self.nodes:
            if n.level > 1 and not self.children(n.code):
                raise FrameworkError(f"«{n.code}» (cấp {n.level}) không có nút con")
        roots = [n for n in self.nodes if n.parent is None]
        if len(roots) != 1 or roots[0].level != self.depth:
            raise FrameworkError("Khung chỉ số phải có đúng một gốc ở cấp cao nhất")
        if not self.indicators:
            raise FrameworkError("Khung chỉ số không có chỉ số nào")

    @property
    def depth(self) -> int:
        return max(self._levels)

    @property
    def indicators(self) -> list[str]:
        return self.level(1)

    @property
    def root(self) -> str:
        return next(n.code for n in self.nodes if n.parent is None)

    def level(self, lev: int) -> list[str]:
        return self._levels.get(lev, [])

    def children(self, code: str) -> list[str]:
        return [n.code for n in self.nodes if n.parent == code]

    def membership(self, lev: int) -> np.ndarray:
        """0/1 matrix (nodes of level lev) × (nodes of level lev + 1)."""
        if lev not in self._membership:
            self._membership[lev] = self._make_membership(lev)
        return self._membership[lev]

    def _make_membership(self, lev: int) -> np.ndarray:
        rows, cols = self.level(lev), self.level(lev + 1)
        index = {c: j for j, c in enumerate(cols)}
        m = np.zeros((len(rows), len(cols)))
        for i, c in enumerate(rows):
            m[i, index[self.by_code[c].parent]] = 1.0
        return m

    def weights(self, lev: int) -> np.ndarray:
        return np.array([self.by_code[c].weight for c in self.level(lev)], dtype=float)

    def directions(self) -> np.ndarray:
        return np.array([self.by_code[c].direction for c in self.indicators], dtype=float)

    def ancestor(self, code: str, lev: int) -> str:
        node = self.by_code[code]
        while node.level < lev:
            node = self.by_code[node.parent]  # type: ignore[index]
        return node.code


# --- YAML -----------------------------------------------------------------------------------


def _goalposts(raw: object, where: str) -> tuple[float, float] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != 2:
        raise FrameworkError(f"{where}: goalposts phải là [thấp, cao]")
    return float(raw[0]), float(raw[1])


def _walk(item: dict, parent: str | None, depth: int, out: list[tuple[dict, str | None, int]]) -> None:
    if not isinstance(item, dict) or "code" not in item:
        raise FrameworkError(f"Nút dưới «{parent}» thiếu trường code")
    out.append((item, parent, depth))
    for child in item.get("children") or []:
        _walk(child, str(item["code"]), depth + 1, out)


def load_yaml(path: str | Path) -> Framework:
    """Read a framework in the `stiplan.index/1` schema (docs/data-formats.md)."""
    return parse_document(yaml.safe_load(Path(path).read_text(encoding="utf-8")), str(path))


def parse_document(doc: object, path: str = "framework") -> Framework:
    """A framework from an already-parsed `stiplan.index/1` document (YAML, or JSON stored in a
    database); messages name `path`."""
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise FrameworkError(f"{path}: cần schema: {SCHEMA}")
    if not isinstance(doc.get("tree"), dict):
        raise FrameworkError(f"{path}: thiếu cây chỉ số (tree)")
    flat: list[tuple[dict, str | None, int]] = []
    _walk(doc["tree"], None, 0, flat)
    leaves = {d for item, _, d in flat if not item.get("children")}
    if len(leaves) != 1:
        raise FrameworkError(f"{path}: mọi chỉ số phải ở cùng độ sâu của cây")
    top = leaves.pop() + 1
    nodes = []
    for item, parent, d in flat:
        where = f"{path}: «{item['code']}»"
        try:
            nodes.append(
                Node(
                    code=str(item["code"]),
                    name=str(item.get("name", item["code"])),
                    level=top - d,
                    parent=parent,
                    weight=float(item.get("weight", 1)),
                    direction=int(item.get("direction", 1)),
                    denominator=item.get("denominator") or None,
                    unit=str(item.get("unit", "")),
                    source=str(item.get("source", "")),
                    placeholder=bool(item.get("placeholder", False)),
                    goalposts=_goalposts(item.get("goalposts"), where),
                    bounds=_goalposts(item.get("bounds"), where),
                )
            )
        except (TypeError, ValueError) as exc:
            raise FrameworkError(f"{where}: {exc}") from exc
    eff = doc.get("efficiency")
    return Framework(
        code=str(doc["tree"]["code"]),
        name=str(doc.get("name", doc["tree"].get("name", ""))),
        nodes=nodes,
        level_names=list(doc.get("levels") or []),
        denominators={str(d["code"]): str(d.get("name", d["code"])) for d in doc.get("denominators") or []},
        efficiency=(str(eff["output"]), str(eff["input"])) if eff else None,
    )


# --- COINr iMeta ----------------------------------------------------------------------------


def load_imeta(path: str | Path) -> Framework:
    """Read COINr's iMeta table (Level, iCode, iName, Direction, Weight, Unit, Denominator, Parent, Type)."""
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    nodes, dens = [], {}
    for i, row in enumerate(rows, start=2):
        kind = (row.get("Type") or "").strip()
        code = (row.get("iCode") or "").strip()
        if kind == "Denominator":
            dens[code] = row.get("iName") or code
        if kind not in ("Indicator", "Aggregate"):
            continue
        try:
            nodes.append(
                Node(
                    code=code,
                    name=row.get("iName") or code,
                    level=int(row["Level"]),
                    parent=(row.get("Parent") or "").strip() or None,
                    weight=float(row.get("Weight") or 1),
                    direction=int(float(row.get("Direction") or 1)),
                    denominator=(row.get("Denominator") or "").strip() or None,
                    unit=row.get("Unit") or "",
                    goalposts=_imeta_goalposts(row),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise FrameworkError(f"{path}, dòng {i}: {exc}") from exc
    root = next((n for n in nodes if n.parent is None), None)
    return Framework(
        code=root.code if root else "",
        name=root.name if root else "",
        nodes=nodes,
        denominators=dens,
    )


def _imeta_goalposts(row: dict) -> tuple[float, float] | None:
    lo, hi = row.get("goalpost_lower"), row.get("goalpost_upper")
    return (float(lo), float(hi)) if lo and hi else None


def load(path: str | Path) -> Framework:
    """YAML by extension, else COINr iMeta CSV."""
    suffix = Path(path).suffix.lower()
    return load_yaml(path) if suffix in (".yaml", ".yml") else load_imeta(path)
