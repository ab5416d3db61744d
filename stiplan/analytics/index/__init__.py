"""A composite innovation index computed exactly as COINr does, with vectorised
uncertainty and sensitivity analysis."""

from .coin import Coin, Results, Spec
from .framework import Framework, FrameworkError, Node, load, load_imeta, load_yaml, parse_document
from .table import DataError, Table, UnitData, read_data_csv

__all__ = [
    "Coin",
    "DataError",
    "Framework",
    "FrameworkError",
    "Node",
    "Results",
    "Spec",
    "Table",
    "UnitData",
    "load",
    "load_imeta",
    "load_yaml",
    "parse_document",
    "read_data_csv",
]
