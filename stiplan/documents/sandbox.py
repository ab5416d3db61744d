"""The Jinja environment staff-uploaded Word templates run in: they see plain data (dicts, lists,
strings, numbers) and may read it, loop over it and format it, and nothing else."""

from __future__ import annotations

import jinja2
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

#: The methods of plain values a template may call; every other attribute of a value is refused
#: (a dict's keys are read as `row.code` or `row['code']`).
SAFE_METHODS: dict[type, frozenset[str]] = {
    str: frozenset({"upper", "lower", "title", "capitalize", "strip", "startswith", "endswith"}),
    dict: frozenset({"get"}),
}
#: What a template may read of `loop` inside `{% for %}` (not `cycle`, `changed` or a recursive call).
LOOP_FIELDS = frozenset({"index", "index0", "revindex", "revindex0", "first", "last", "length",
                         "depth", "depth0", "previtem", "nextitem"})
#: Jinja's filters that read or format plain data without growing it without bound. Left out:
#: `attr` and `format` (attribute and format-string tricks), `safe` and `xmlattr` (raw XML),
#: `center`, `indent`, `wordwrap`, `batch`, `slice`, `replace` (sizes the template chooses),
#: `pprint`, `tojson`, `urlize`, `urlencode`, `filesizeformat`, `random`, `forceescape`.
FILTERS = frozenset({"abs", "capitalize", "count", "d", "default", "dictsort", "e", "escape",
                     "first", "float", "groupby", "int", "items", "join", "last", "length", "list",
                     "lower", "map", "max", "min", "reject", "rejectattr", "reverse", "round",
                     "select", "selectattr", "sort", "string", "striptags", "sum", "title", "trim",
                     "truncate", "unique", "upper", "wordcount"})
#: The largest string or list a template may build with `*`, and the largest power in bits.
MAX_ITEMS = 100_000
MAX_POWER_BITS = 4096


class PlainDataEnvironment(ImmutableSandboxedEnvironment):
    """A sandbox with no globals (no `range`, `lipsum`, `cycler`, `joiner`, `namespace`, `dict`),
    attribute access only to the `SAFE_METHODS` of plain values and the `LOOP_FIELDS`, calls only
    to those methods and to the template's own macros, no `%` formatting of strings and capped
    `*` and `**`."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, **options):
        super().__init__(**options)
        self.globals.clear()
        self.filters = {name: f for name, f in self.filters.items() if name in FILTERS}

    def getattr(self, obj, attribute):
        if isinstance(obj, dict) and attribute in obj:  # `row.items` is the key, not the method
            return obj[attribute]
        return super().getattr(obj, attribute)

    def is_safe_attribute(self, obj, attr: str, value) -> bool:
        if attr.startswith("_"):
            return False
        if isinstance(obj, LoopContext):
            return attr in LOOP_FIELDS
        return _is_safe_method(obj, attr) and super().is_safe_attribute(obj, attr, value)

    def is_safe_callable(self, obj) -> bool:
        if isinstance(obj, Macro):  # written in the template itself
            return True
        return _is_safe_method(getattr(obj, "__self__", None), getattr(obj, "__name__", ""))

    def call_binop(self, context, op: str, left, right):
        if op == "%" and isinstance(left, str):
            raise SecurityError("string formatting with % is not allowed; use the data as it is")
        if op == "*":
            seq, times = (left, right) if isinstance(left, (str, list, tuple)) else (right, left)
            if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and (
                    len(seq) * times > MAX_ITEMS):
                raise SecurityError(f"a repetition longer than {MAX_ITEMS} is not allowed")
        if op == "**" and isinstance(left, int) and isinstance(right, int) and (
                right * max(abs(left).bit_length(), 1) > MAX_POWER_BITS):
            raise SecurityError(f"a power larger than {MAX_POWER_BITS} bits is not allowed")
        return super().call_binop(context, op, left, right)


def _is_safe_method(owner, name: str) -> bool:
    return any(isinstance(owner, kind) and name in names for kind, names in SAFE_METHODS.items())


def environment() -> jinja2.Environment:
    """Templates are uploaded by staff: they run in the plain-data sandbox, escape every value,
    and fail on any name the document does not have."""
    return PlainDataEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)

