"""A small, safe expression language for computed indicators (chỉ tiêu tính toán).

    100 * (rd_state_spending + rd_social_spending) / (grdp_current * 1000)
    share(sti_budget_spending, total_budget_spending)      growth(grdp_current)
    cumsum(phd_supported, 2023)      per10k(researchers, population)      prev(x), lag(x, 2)

Parsed with Python's `ast` and checked against a whitelist: numbers, indicator codes, + - * / **,
parentheses and the functions below; nothing is ever passed to `eval`. Missing values propagate
as None; division by zero gives None.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

MAX_LENGTH = 500
MAX_DEPTH = 30
MAX_POWER = 10
MAX_SPAN = 60  # years a cumulative sum may cover
MAX_SERIES_NESTING = 3  # prev(cumsum(growth(x)…)) levels
NAME = re.compile(r"[a-z][a-z0-9_]*\Z")

Lookup = Callable[[str, int], float | None]


class FormulaError(ValueError):
    """A formula that cannot be accepted, with the place and the reason in both languages."""

    def __init__(self, vi: str, en: str, column: int | None = None):
        self.vi, self.en, self.column = vi, en, column
        where = f" (cột {column})" if column else ""
        where_en = f" (column {column})" if column else ""
        super().__init__(f"{vi}{where} — {en}{where_en}")


# name → (number of series arguments, number of constant integer arguments, doc)
FUNCTIONS: dict[str, tuple[int, int, str]] = {
    "prev": (1, 0, "giá trị năm trước / previous year's value"),
    "lag": (1, 1, "giá trị n năm trước / value n years before"),
    "cumsum": (1, 1, "cộng dồn từ năm gốc / sum from a base year"),
    "growth": (1, 0, "tốc độ tăng so với năm trước, % / growth on the previous year, %"),
    "share": (2, 0, "tỷ lệ a/b, % / a as a % of b"),
    "per10k": (2, 0, "a trên 10.000 dân / a per 10,000 people"),
    "min": (2, 0, "nhỏ hơn / smaller"),
    "max": (2, 0, "lớn hơn / larger"),
    "abs": (1, 0, "giá trị tuyệt đối / absolute value"),
    "coalesce": (2, 0, "a, hoặc b khi thiếu a / a, or b when a is missing"),
    "round": (1, 1, "làm tròn n chữ số / round to n digits"),
}
_BINARY = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b if b else None,
           ast.Pow: lambda a, b: a ** b}


@dataclass(frozen=True)
class Formula:
    source: str
    tree: ast.expr
    names: frozenset[str]

    def evaluate(self, year: int, lookup: Lookup) -> float | None:
        """The value for `year`; `lookup(code, year)` gives an indicator's value or None."""
        try:
            value = _eval(self.tree, year, lookup)
        except (OverflowError, ZeroDivisionError, ValueError):
            return None
        if value is None or isinstance(value, complex) or not math.isfinite(value):
            return None
        return value


def parse(source: str) -> Formula:
    """Check and compile a formula; raise FormulaError saying where and why."""
    if not isinstance(source, str) or not source.strip():
        raise FormulaError("công thức rỗng", "empty formula")
    if len(source) > MAX_LENGTH:
        raise FormulaError(f"công thức quá dài (tối đa {MAX_LENGTH} ký tự)",
                           f"formula too long ({MAX_LENGTH} characters at most)")
    if "__" in source:
        raise FormulaError("không được dùng '__'", "'__' is not allowed", source.index("__") + 1)
    try:
        tree = ast.parse(source.strip(), mode="eval").body
    except SyntaxError as exc:
        raise FormulaError(f"sai cú pháp: {exc.msg}", f"syntax error: {exc.msg}",
                           exc.offset) from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError("công thức không hợp lệ", "invalid formula") from None
    names: set[str] = set()
    _check(tree, names, 0)
    if _series_nesting(tree) > MAX_SERIES_NESTING:
        raise FormulaError(f"lồng quá {MAX_SERIES_NESTING} hàm theo thời gian",
                           f"more than {MAX_SERIES_NESTING} nested time functions")
    return Formula(source.strip(), tree, frozenset(names))


def _check(node: ast.AST, names: set[str], depth: int) -> None:
    col = getattr(node, "col_offset", None)
    col = col + 1 if col is not None else None
    if depth > MAX_DEPTH:
        raise FormulaError("công thức lồng quá sâu", "formula nested too deeply", col)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise FormulaError("chỉ được dùng số", "only numbers are allowed as constants", col)
        return
    if isinstance(node, ast.Name):
        if not NAME.match(node.id) or node.id in FUNCTIONS:
            raise FormulaError(f"«{node.id}» không phải mã chỉ tiêu hợp lệ",
                               f"'{node.id}' is not a valid indicator code", col)
        names.add(node.id)
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd | ast.USub):
        _check(node.operand, names, depth + 1)
        return
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        if isinstance(node.op, ast.Pow) and not (
                isinstance(node.right, ast.Constant) and isinstance(node.right.value, int | float)
                and not isinstance(node.right.value, bool) and abs(node.right.value) <= MAX_POWER):
            raise FormulaError(f"số mũ phải là hằng số không quá {MAX_POWER}",
                               f"an exponent must be a constant of at most {MAX_POWER}", col)
        _check(node.left, names, depth + 1)
        _check(node.right, names, depth + 1)
        return
    if isinstance(node, ast.Call):
        _check_call(node, names, depth, col)
        return
    raise FormulaError(f"không được dùng «{type(node).__name__}» trong công thức",
                       f"'{type(node).__name__}' is not allowed in a formula", col)


SERIES_FUNCTIONS = {"prev", "lag", "cumsum", "growth"}


def _series_nesting(node: ast.AST) -> int:
    inner = max((_series_nesting(child) for child in ast.iter_child_nodes(node)), default=0)
    is_series = isinstance(node, ast.Call) and getattr(node.func, "id", "") in SERIES_FUNCTIONS
    return inner + is_series


def _check_call(node: ast.Call, names: set[str], depth: int, col) -> None:
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
        name = node.func.id if isinstance(node.func, ast.Name) else type(node.func).__name__
        allowed = ", ".join(FUNCTIONS)
        raise FormulaError(f"hàm «{name}» không được hỗ trợ (có: {allowed})",
                           f"function '{name}' is not supported (available: {allowed})", col)
    if node.keywords:
        raise FormulaError("không dùng tham số có tên", "keyword arguments are not allowed", col)
    series, constants, _doc = FUNCTIONS[node.func.id]
    if len(node.args) != series + constants:
        raise FormulaError(f"hàm {node.func.id} cần {series + constants} tham số",
                           f"{node.func.id} takes {series + constants} arguments", col)
    for arg in node.args[:series]:
        _check(arg, names, depth + 1)
    for arg in node.args[series:]:
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, int)
                and not isinstance(arg.value, bool) and 0 <= arg.value <= 3000):
            raise FormulaError(f"tham số cuối của {node.func.id} phải là số nguyên",
                               f"the last argument of {node.func.id} must be a whole number", col)


def _eval(node: ast.expr, year: int, lookup: Lookup):
    if isinstance(node, ast.Constant):
        return float(node.value)  # floats overflow cleanly; huge integers would not
    if isinstance(node, ast.Name):
        return lookup(node.id, year)
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, year, lookup)
        return None if value is None else (-value if isinstance(node.op, ast.USub) else value)
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, year, lookup), _eval(node.right, year, lookup)
        if left is None or right is None:
            return None
        return _BINARY[type(node.op)](left, right)
    return _call(node, year, lookup)


def _call(node: ast.Call, year: int, lookup: Lookup):
    name, args = node.func.id, node.args

    def at(expr, y):
        return _eval(expr, y, lookup)

    if name == "prev":
        return at(args[0], year - 1)
    if name == "lag":
        return at(args[0], year - args[1].value)
    if name == "cumsum":
        base = args[1].value
        if not 0 <= year - base <= MAX_SPAN:
            return None
        values = [at(args[0], y) for y in range(base, year + 1)]
        return None if any(v is None for v in values) else sum(values)
    if name == "round":
        value = at(args[0], year)
        return None if value is None else round(value, args[1].value)
    values = [at(a, year) for a in args]
    if name == "coalesce":
        return values[0] if values[0] is not None else values[1]
    if any(v is None for v in values):
        return None
    if name == "growth":
        before = at(args[0], year - 1)
        return None if not before else 100 * (values[0] / before - 1)
    if name == "share":
        return 100 * values[0] / values[1] if values[1] else None
    if name == "per10k":
        return 10000 * values[0] / values[1] if values[1] else None
    if name == "min":
        return min(values)
    if name == "max":
        return max(values)
    return abs(values[0])  # "abs": the last whitelisted function


def evaluation_order(formulas: dict[str, Formula]) -> list[str]:
    """Codes in an order where each formula comes after the formulas it uses; cycles refused."""
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(code: str, path: list[str]) -> None:
        if state.get(code) == "done":
            return
        if state.get(code) == "active":
            cycle = " → ".join([*path[path.index(code):], code])
            raise FormulaError(f"công thức vòng tròn: {cycle}", f"circular formulas: {cycle}")
        state[code] = "active"
        for name in sorted(formulas[code].names):
            if name in formulas:
                visit(name, [*path, code])
        state[code] = "done"
        order.append(code)

    for code in sorted(formulas):
        visit(code, [])
    return order
