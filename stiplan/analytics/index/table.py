"""Labelled tables (units × columns numpy arrays) and unit data read from a CSV
in COINr's iData layout."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

UNIT_COLUMNS = ("uCode", "UnitCode")
NAME_COLUMNS = ("uName", "UnitName")


class DataError(ValueError):
    """The data file does not fit the framework; the message names the place."""


@dataclass
class Table:
    """A row per unit, a column per indicator or aggregate."""

    units: list[str]
    columns: list[str]
    values: np.ndarray  # (len(units), len(columns)), NaN = missing

    def column(self, code: str) -> np.ndarray:
        return self.values[:, self.columns.index(code)]

    def select(self, columns: list[str]) -> Table:
        idx = [self.columns.index(c) for c in columns]
        return Table(list(self.units), list(columns), self.values[:, idx])

    def rows(self, units: list[str]) -> Table:
        idx = [self.units.index(u) for u in units]
        return Table(list(units), list(self.columns), self.values[idx])

    def write_csv(self, path: str | Path, first: str = "uCode") -> None:
        with Path(path).open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow([first, *self.columns])
            for unit, row in zip(self.units, self.values, strict=True):
                out.writerow([unit, *(format_number(v) for v in row)])


def format_number(v: float) -> str:
    """Shortest round-trip form; integers without '.0'; empty for NaN (as the conformance files)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    v = float(v)
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


def parse_number(text: str, where: str) -> float:
    text = (text or "").strip()
    if text in ("", "NA", "NaN", "nan"):
        return math.nan
    try:
        return float(text.replace(",", ".")) if text.count(",") == 1 and "." not in text else float(text)
    except ValueError as exc:
        raise DataError(f"{where}: «{text}» không phải là số") from exc


@dataclass
class UnitData:
    """What a data CSV holds: indicator values, denominators and unit groups."""

    raw: Table
    names: dict[str, str] = field(default_factory=dict)
    denominators: dict[str, np.ndarray] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)


def read_data_csv(path: str | Path, indicators: list[str], denominators: list[str]) -> UnitData:
    """Read an iData-style CSV: a row per unit, columns in any order, units in any order.

    The unit code column is uCode (or UnitCode); indicator and denominator columns are picked by
    name; every other column is kept as a unit group (text). Each framework indicator must be there.
    """
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        rows = list(reader)
    if not header:
        raise DataError(f"{path}: tệp trống")
    header = [h.strip() for h in header]
    unit_col = next((c for c in UNIT_COLUMNS if c in header), None)
    if unit_col is None:
        raise DataError(f"{path}: thiếu cột mã đơn vị (uCode)")
    missing = [c for c in indicators if c not in header]
    if missing:
        raise DataError(f"{path}: thiếu cột chỉ số {', '.join(missing)}")
    pos = {c: header.index(c) for c in header}
    units = [r[pos[unit_col]].strip() for r in rows]
    if len(set(units)) != len(units):
        raise DataError(f"{path}: mã đơn vị trùng nhau")
    values = np.array(
        [
            [parse_number(r[pos[c]], f"{path}, dòng {i}, cột {c}") for c in indicators]
            for i, r in enumerate(rows, start=2)
        ],
        dtype=float,
    ).reshape(len(rows), len(indicators))
    dens = {
        d: np.array(
            [parse_number(r[pos[d]], f"{path}, dòng {i}, cột {d}") for i, r in enumerate(rows, start=2)]
        )
        for d in denominators
        if d in pos
    }
    name_col = next((c for c in NAME_COLUMNS if c in header), None)
    skip = {unit_col, name_col, *indicators, *dens}
    groups = {c: [r[pos[c]].strip() for r in rows] for c in header if c not in skip}
    names = {u: r[pos[name_col]] for u, r in zip(units, rows, strict=True)} if name_col else {}
    return UnitData(Table(units, list(indicators), values), names, dens, groups)
