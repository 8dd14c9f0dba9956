"""Safe evaluation of `when` conditions and `scale` expressions over profile parameters.

Only a small, closed language is accepted: literals, parameter names, `and`/`or`/`not`, comparisons (including `in`),
arithmetic (+ - * / //, %) and the functions len, min, max, abs, round. Anything else (attributes, subscripts,
calls to other names, lambdas, comprehensions, `**`) is rejected before evaluation, so no expression can reach
Python. Work is bounded too: an expression is at most `MAX_LENGTH` characters, every number it computes stays within
`MAX_MAGNITUDE` (so a chain of multiplications cannot build a million-digit integer) and must be finite.
"""

from __future__ import annotations

import ast
import math
import operator
import warnings
from typing import Any, Mapping

MAX_LENGTH = 500
MAX_MAGNITUDE = 10**15

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
#: round(x, n) takes 10**|n| steps of big-integer work: n is kept to what a float can hold.
MAX_ROUND_DIGITS = 15


def _round(value: Any, digits: Any = None) -> Any:
    if digits is None:
        return round(_number(value))
    if isinstance(digits, bool) or not isinstance(digits, int) or abs(digits) > MAX_ROUND_DIGITS:
        raise ExpressionError(f"round() takes a whole number of digits from -{MAX_ROUND_DIGITS} to "
                              f"{MAX_ROUND_DIGITS}, got {_quote_text(repr(digits))[:40]}")
    return round(_number(value), digits)


_FUNCTIONS = {"len": len, "min": min, "max": max, "abs": abs, "round": _round}


class ExpressionError(ValueError):
    """The expression is not in the allowed language or failed to evaluate."""


def evaluate(expression: str, names: Mapping[str, Any]) -> Any:
    """Evaluate `expression` with the given parameter values; raise ExpressionError on anything else."""
    if not isinstance(expression, str) or not expression.strip():
        raise ExpressionError("empty expression")
    if len(expression) > MAX_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_LENGTH} characters")
    tree = _parse(expression)
    try:
        return _eval(tree.body, names)
    except ExpressionError:
        raise
    except (TypeError, ZeroDivisionError, ValueError, OverflowError) as exc:
        raise ExpressionError(f"cannot evaluate {_quote(expression)}: {_quote_text(str(exc))}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError(f"{_quote(expression)} is nested too deeply") from None


def _parse(expression: str) -> ast.Expression:
    try:
        with warnings.catch_warnings():  # "1if x" parses with a SyntaxWarning: it must not print a second stderr line
            warnings.simplefilter("ignore")
            return ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"invalid syntax in {_quote(expression)}: {exc.msg}") from None
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes; nesting beyond the parser's limits
        raise ExpressionError(f"invalid expression {_quote(expression)}: {_quote_text(str(exc))}") from None


def _quote(expression: str, limit: int = 80) -> str:
    """An expression for a message: quoted, on one line, cut to `limit` characters."""
    text = _quote_text(expression)
    return "'" + (text if len(text) <= limit else text[: limit - 3] + "...") + "'"


def _quote_text(text: str) -> str:
    # Messages are one line on stderr; a null byte or newline in user text must not break that.
    return " ".join(text.replace("\0", " ").split())


def names_used(expression: str) -> set[str]:
    """The parameter names an expression refers to (for validation before evaluation)."""
    tree = _parse(expression)
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in _FUNCTIONS and node.id not in ("true", "false", "none"):
            used.add(node.id)
    return used


def _eval(node: ast.AST, names: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool, type(None))):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in names:
            return names[node.id]
        lowered = {"true": True, "false": False, "none": None}
        if node.id in lowered:
            return lowered[node.id]
        raise ExpressionError(f"unknown name '{node.id}'; use one of the profile's parameters: "
                              + (", ".join(sorted(names)) or "(none defined)"))
    return _checked(_eval_node(node, names))


def _checked(value: Any) -> Any:
    """A computed value, refused when it is a number too large or not finite (bounded work, clear errors)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        raise ExpressionError("the result is not a finite number")
    if abs(value) > MAX_MAGNITUDE:
        raise ExpressionError(f"a number in the expression exceeds {MAX_MAGNITUDE:.0e}")
    return value


def _eval_node(node: ast.AST, names: Mapping[str, Any]) -> Any:
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_eval(item, names) for item in node.elts]
    if isinstance(node, ast.BoolOp):
        return _bool_op(node, names)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_eval(node.operand, names))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _number(_eval(node.left, names)), _number(_eval(node.right, names))
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.Compare):
        left = _eval(node.left, names)
        for op, comparator in zip(node.ops, node.comparators):
            if type(op) not in _COMPARE:  # `is`, `is not`: identity is Python's business, not a profile's
                raise ExpressionError(f"the comparison {_quote(ast.unparse(node))} is not allowed; use == or !=")
            right = _eval(comparator, names)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.IfExp):
        return _eval(node.body, names) if _eval(node.test, names) else _eval(node.orelse, names)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS:
        if node.keywords:
            raise ExpressionError("keyword arguments are not allowed")
        args = [_eval(a, names) for a in node.args]
        return _FUNCTIONS[node.func.id](*args)
    raise ExpressionError(f"{_quote(ast.unparse(node))} is not allowed; use parameters, literals, comparisons, "
                          "and/or/not, arithmetic and len/min/max/abs/round")


def _bool_op(node: ast.BoolOp, names: Mapping[str, Any]) -> Any:
    """Python's rule: stop at the first operand that decides (falsy for `and`, truthy for `or`) and return it, so
    `n > 0 and 10 / n > 1` never divides by zero."""
    decides = (lambda v: not v) if isinstance(node.op, ast.And) else bool
    for operand in node.values:
        value = _eval(operand, names)
        if decides(value):
            return value
    return value


_UNARY = {ast.Not: lambda v: not v, ast.USub: lambda v: -_number(v), ast.UAdd: lambda v: +_number(v)}


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ExpressionError(f"arithmetic needs numbers, got {value!r}")
    return value
