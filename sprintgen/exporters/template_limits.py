"""What a template may touch and how much work it may do (the sandbox policy of `templates.py`).

A template is code from whoever wrote it (a cloned repository's `./templates/` is picked up automatically), so:

- Attributes: on sprintgen's models only their fields and the properties sprintgen defines (never a pydantic method
  such as `parse_raw`, `model_validate_json`, `model_construct` or `copy`); on anything else, data attributes and a
  named set of harmless methods (`SAFE_METHODS`); Jinja's sandbox refuses `_`-names (`__class__`, `__mro__`...).
- Work: every loop iteration, call, filter and output costs steps (plus one per `SIZE_PER_STEP` characters or items
  it handles); a render stops at `MAX_STEPS`. Every text it builds is at most `MAX_TEXT` characters, every list
  `MAX_ITEMS` items, every integer `MAX_INT_BITS` bits, every padding or precision `MAX_FORMAT_WIDTH`, and all the
  text it produces together `MAX_OUTPUT` characters. Sizes are checked before the work where the size is known in
  advance (padding, repetition, join, replace), so `'a'.center(2000000000)` never allocates.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cached_property, lru_cache, wraps
from typing import Any, Callable

from jinja2 import nodes, pass_context
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext
from jinja2.utils import Cycler, Namespace
from pydantic import BaseModel

MAX_STEPS = 3_000_000
#: What a call costs in steps: a macro call takes about as long as 150 loop iterations.
CALL_STEPS, MACRO_CALL_STEPS = 2, 150
SIZE_PER_STEP = 100
MAX_TEXT = 16 * 1024 * 1024
MAX_OUTPUT = 64 * 1024 * 1024
MAX_ITEMS = 1_000_000
MAX_REPEAT = 100_000
MAX_EXPONENT = 1_000
MAX_INT_BITS = 100_000
MAX_FORMAT_WIDTH = 1_000
MAX_LIPSUM = (100, 1_000)  # paragraphs, words per paragraph

_TEXT = {"capitalize", "casefold", "center", "count", "endswith", "find", "format", "format_map", "index", "isalnum",
         "isalpha", "isdecimal", "isdigit", "islower", "isnumeric", "isspace", "istitle", "isupper", "join", "ljust",
         "lower", "lstrip", "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust",
         "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title", "upper",
         "zfill"}
#: The methods a template may call, by the type of the object (a subclass counts as its base).
SAFE_METHODS: dict[type, set[str]] = {
    str: _TEXT,
    dict: {"get", "items", "keys", "values"},
    list: {"count", "index"},
    tuple: {"count", "index"},
    (set, frozenset): {"isdisjoint", "issubset", "issuperset"},  # type: ignore[dict-item]
    (dt.date, dt.datetime): {"isoformat", "isocalendar", "isoweekday", "strftime", "weekday"},  # type: ignore[dict-item]
    LoopContext: {"cycle", "changed"},
    Cycler: {"next", "reset"},
}
_WIDTH_ARGUMENT = {"center", "ljust", "rjust", "zfill"}
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def refuse(message: str) -> SecurityError:
    """The error every limit raises: the renderer reports it as 'not allowed in a template' with file and line."""
    return SecurityError(message)


def attribute_allowed(obj: Any, attr: str, value: Any) -> bool:
    """The policy for `obj.attr` once Jinja's own sandbox rules have passed."""
    if isinstance(obj, BaseModel):
        return _model_attribute(type(obj), attr)
    if callable(value) and not isinstance(obj, Namespace):
        return _safe_method(type(obj), attr)
    return True


@lru_cache(maxsize=1024)
def _safe_method(cls: type, attr: str) -> bool:
    return any(issubclass(cls, kind) and attr in names for kind, names in SAFE_METHODS.items())


@lru_cache(maxsize=1024)
def _model_attribute(cls: type, attr: str) -> bool:
    """A field of a sprintgen model, or a property sprintgen defines on it."""
    if attr in cls.model_fields:
        return True
    for klass in cls.__mro__:
        if attr in vars(klass):
            found = vars(klass)[attr]
            return klass.__module__.startswith("sprintgen.") and isinstance(found, (property, cached_property))
    return False


class Budget:
    """Steps and characters a render has used so far; over a limit is a SecurityError naming the limit."""

    def __init__(self) -> None:
        self.steps = 0
        self.output = 0

    def spend(self, steps: int = 1, sized: Any = None) -> None:
        if sized is not None and hasattr(sized, "__len__"):
            steps += len(sized) // SIZE_PER_STEP
        self.steps += steps
        if self.steps > MAX_STEPS:
            raise refuse(f"the template does more than {MAX_STEPS:,} steps of work (loops, calls and filters)")

    def produced(self, value: Any) -> Any:
        size = len(value) if isinstance(value, str) else len(str(value))
        self.output += size
        self.spend(1 + size // SIZE_PER_STEP)
        if self.output > MAX_OUTPUT:
            raise refuse(f"the template produces more than {MAX_OUTPUT:,} characters")
        return value

    def loop(self, iterable: Any):
        for item in iterable:
            self.spend()
            yield item


def checked(value: Any) -> Any:
    """A text, list or integer a template built, refused when over its size limit."""
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise refuse(f"text longer than {MAX_TEXT:,} characters")
    if isinstance(value, (list, tuple)) and len(value) > MAX_ITEMS:
        raise refuse(f"a list of more than {MAX_ITEMS:,} items")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise refuse(f"a number of more than {MAX_INT_BITS:,} bits")
    return value


def check_width(number: Any, what: str) -> None:
    if isinstance(number, int) and number > MAX_FORMAT_WIDTH:
        raise refuse(f"{what} {number} is above the limit of {MAX_FORMAT_WIDTH:,}")


def check_format_spec(spec: str) -> None:
    """`{:>2000000000}`, `{:.100000f}`: refuse padding or precision above the limit (before formatting)."""
    for digits in re.findall(r"\d+", spec or ""):
        check_width(int(digits), "a format width or precision of")


def check_percent_format(text: str) -> None:
    """`'%2000000000d' % 1`: refuse padding or precision above the limit, and `*` widths."""
    for width, precision in _PERCENT_SPEC.findall(text):
        for number in (width, precision):
            if number == "*":
                raise refuse("a '*' width in a % format is not allowed")
            if number:
                check_width(int(number), "a format width or precision of")


def _length(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else len(str(value))


def binop(operator: str, left: Any, right: Any) -> Any:
    """`**`, `*`, `+` and `%` with their results' sizes checked before they are computed."""
    if operator == "**":
        if isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
            raise refuse(f"exponent {right} is above the limit of {MAX_EXPONENT}")
        if isinstance(left, int) and isinstance(right, int) and left.bit_length() * max(right, 0) > MAX_INT_BITS:
            raise refuse(f"a number of more than {MAX_INT_BITS:,} bits")
        return checked(left ** right)
    if operator == "*":
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and len(seq) * count > MAX_REPEAT:
                raise refuse(f"repetition to more than {MAX_REPEAT:,} items is not allowed")
        if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise refuse(f"a number of more than {MAX_INT_BITS:,} bits")
        return left * right
    if operator == "+":
        if isinstance(left, (str, list, tuple)) and isinstance(right, type(left)):
            if len(left) + len(right) > (MAX_TEXT if isinstance(left, str) else MAX_ITEMS):
                raise refuse(f"a text or list longer than {MAX_TEXT if isinstance(left, str) else MAX_ITEMS:,}")
        return checked(left + right)
    if operator == "%":
        if isinstance(left, str):
            check_percent_format(left)
        return checked(left % right)
    raise refuse(f"operator {operator} is not intercepted")


def check_call(obj: Any, args: tuple) -> tuple:
    """Before a method call on a text: the size its result would have, where its arguments decide it. Returns the
    arguments to call with (an iterator to join is read into a list once, to be measured and then joined)."""
    name = getattr(obj, "__name__", "")
    owner = getattr(obj, "__self__", None)
    if not isinstance(owner, str) or not args:
        return args
    if name in _WIDTH_ARGUMENT:
        check_width(args[0], f"{name}() width")
    elif name == "join":
        items = _joinable(args[0], owner, "join()")
        return (items, *args[1:])
    elif name == "replace" and len(args) >= 2:
        _check_replace(owner, args[0], args[1], "replace()")
    return args


def _joinable(items: Any, separator: Any, what: str) -> Any:
    """`items` as a list (an iterator is read once), refused if joining them would build a text over the limit."""
    if not isinstance(items, (list, tuple, str)):
        items = list(items)
    if sum(map(_length, items)) + _length(separator) * max(len(items) - 1, 0) > MAX_TEXT:
        raise refuse(f"{what} would build a text longer than {MAX_TEXT:,} characters")
    return items


def _check_replace(text: Any, old: Any, new: Any, what: str) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        grows = (len(new) - len(old)) * (text.count(old) if old else len(text) + 1)
        if len(text) + grows > MAX_TEXT:
            raise refuse(f"{what} would build a text longer than {MAX_TEXT:,} characters")


def _argument(given: tuple, options: dict, position: int, name: str, default: Any = None) -> Any:
    return given[position] if len(given) > position else options.get(name, default)


def _check_padding(name: str, given: tuple, options: dict) -> tuple:
    width = _argument(given, options, 1, "length" if name == "truncate" else "width")
    if isinstance(width, str):  # indent("> "): a prefix on every line
        if _length(given[0]) + len(width) * (str(given[0]).count("\n") + 1) > MAX_TEXT:
            raise refuse(f"{name} would build a text longer than {MAX_TEXT:,} characters")
    else:
        check_width(width, f"{name} width")
    if name == "wordwrap":
        check_width(len(options.get("wrapstring") or ""), "wordwrap wrapstring length")
    return given


def _check_count(name: str, given: tuple, options: dict) -> tuple:
    count = _argument(given, options, 1, "linecount" if name == "batch" else "slices")
    if isinstance(count, int) and count > MAX_ITEMS:
        raise refuse(f"{name} count {count:,} is above the limit of {MAX_ITEMS:,}")
    return given


def _check_format(_name: str, given: tuple, _options: dict) -> tuple:
    if given and isinstance(given[0], str):
        check_percent_format(given[0])
    return given


def _check_tojson(_name: str, given: tuple, options: dict) -> tuple:
    check_width(_argument(given, options, 1, "indent"), "tojson indent")
    return given


def _check_sum(_name: str, given: tuple, options: dict) -> tuple:
    if not isinstance(_argument(given, options, 2, "start", 0), (int, float)):
        raise refuse("sum may only add numbers")
    return given


def _check_join(_name: str, given: tuple, options: dict) -> tuple:
    if not given or isinstance(given[0], str):
        return given
    return (_joinable(given[0], _argument(given, options, 1, "d", ""), "join"), *given[1:])


def _check_replace_filter(_name: str, given: tuple, _options: dict) -> tuple:
    if len(given) >= 3:
        _check_replace(given[0], given[1], given[2], "replace")
    return given


#: Filter name -> check of its arguments before it runs (the value first; may return new arguments).
_FILTER_CHECKS: dict[str, Callable[[str, tuple, dict], tuple]] = {
    "center": _check_padding, "indent": _check_padding, "wordwrap": _check_padding, "truncate": _check_padding,
    "batch": _check_count, "slice": _check_count, "format": _check_format, "tojson": _check_tojson,
    "sum": _check_sum, "join": _check_join, "replace": _check_replace_filter,
}


def _bounded_filter(name: str, func: Callable) -> Callable:
    """A filter with the size checks its arguments call for, and its work counted."""
    # Filters that get the context or environment first: the value is the next argument.
    skip = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0
    check = _FILTER_CHECKS.get(name)

    @wraps(func)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        given = args[skip:]
        if check is not None:
            given = check(name, given, kwargs)
        value = given[0] if given else None
        _CURRENT[-1].spend(1, value if hasattr(value, "__len__") else None)
        return checked(func(*args[:skip], *given, **kwargs))

    return bounded


#: The budget of the render in progress (renders do not nest; a list so a failed render cannot leave one behind).
_CURRENT: list[Budget] = [Budget()]


def bounded_filters(filters: dict[str, Callable]) -> dict[str, Callable]:
    """Every filter (Jinja's own and sprintgen's) wrapped with its checks and its work counted."""
    return {name: _bounded_filter(name, func) for name, func in filters.items()}


def bounded_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002
    from jinja2.utils import generate_lorem_ipsum

    if n > MAX_LIPSUM[0] or max > MAX_LIPSUM[1] or min > MAX_LIPSUM[1]:
        raise refuse(f"lipsum is limited to {MAX_LIPSUM[0]} paragraphs of {MAX_LIPSUM[1]} words")
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)


@pass_context
def _counted_loop(_context: Any, iterable: Any) -> Any:
    return _CURRENT[-1].loop(iterable)


@pass_context
def _counted_output(_context: Any, value: Any) -> Any:
    return _CURRENT[-1].produced(value)


@pass_context
def _checked_concat(_context: Any, value: Any) -> Any:
    _CURRENT[-1].spend(1, value)
    return checked(value)


#: Filters the compiler inserts (see `instrument`); their names cannot be written in a template (they hold spaces).
INTERNAL_FILTERS = {"sprintgen loop": _counted_loop, "sprintgen output": _counted_output,
                    "sprintgen concat": _checked_concat}


def instrument(tree: nodes.Template) -> nodes.Template:
    """Count every loop iteration and every piece of output, and check every `~` concatenation, of a parsed template."""

    def wrap(node: nodes.Expr, name: str) -> nodes.Filter:
        return nodes.Filter(node, name, [], [], None, None, lineno=node.lineno)

    for loop in tree.find_all(nodes.For):
        loop.iter = wrap(loop.iter, "sprintgen loop")
    for output in tree.find_all(nodes.Output):
        output.nodes = [wrap(child, "sprintgen output") for child in output.nodes]
    for parent in list(tree.find_all(nodes.Node)):
        for field in parent.fields:
            child = getattr(parent, field, None)
            if isinstance(child, nodes.Concat):
                setattr(parent, field, wrap(child, "sprintgen concat"))
            elif isinstance(child, list):
                setattr(parent, field, [wrap(c, "sprintgen concat") if isinstance(c, nodes.Concat) else c
                                        for c in child])
    return tree


def current() -> Budget:
    """The budget of the render in progress."""
    return _CURRENT[-1]


def start_render() -> Budget:
    """A fresh budget for the render about to start."""
    _CURRENT[-1] = Budget()
    return _CURRENT[-1]
