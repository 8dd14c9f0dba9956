"""Safe evaluation of `when` conditions and `scale` expressions over profile parameters.

Only a small, closed language is accepted: literals, parameter names, `and`/`or`/`not`, comparisons (including `in`),
arithmetic (+ - * / //, %) and the functions len, min, max, abs, round. Anything else (attributes, subscripts,
calls to other names, lambdas, comprehensions) is rejected before evaluation, so no expression can reach Python.
"""

from __future__ import annotations

import ast
import operator
from typing import Any, Mapping

MAX_LENGTH = 500

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
_FUNCTIONS = {"len": len, "min": min, "max": max, "abs": abs, "round": round}


class ExpressionError(ValueError):
    """The expression is not in the allowed language or failed to evaluate."""


def evaluate(expression: str, names: Mapping[str, Any]) -> Any:
    """Evaluate `expression` with the given parameter values; raise ExpressionError on anything else."""
    if not isinstance(expression, str) or not expression.strip():
        raise ExpressionError("empty expression")
    if len(expression) > MAX_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"invalid syntax in '{expression}': {exc.msg}") from None
    try:
        return _eval(tree.body, names)
    except ExpressionError:
        raise
    except (TypeError, ZeroDivisionError, ValueError, OverflowError) as exc:
        raise ExpressionError(f"cannot evaluate '{expression}': {exc}") from None


def names_used(expression: str) -> set[str]:
    """The parameter names an expression refers to (for validation before evaluation)."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"invalid syntax in '{expression}': {exc.msg}") from None
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
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_eval(item, names) for item in node.elts]
    if isinstance(node, ast.BoolOp):
        values = [_eval(v, names) for v in node.values]
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, names)
        if isinstance(node.op, ast.Not):
            return not value
        if isinstance(node.op, ast.USub):
            return -_number(value)
        if isinstance(node.op, ast.UAdd):
            return +_number(value)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _number(_eval(node.left, names)), _number(_eval(node.right, names))
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.Compare):
        left = _eval(node.left, names)
        for op, comparator in zip(node.ops, node.comparators):
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
    raise ExpressionError(f"'{ast.unparse(node)}' is not allowed; use parameters, literals, comparisons, "
                          "and/or/not, arithmetic and len/min/max/abs/round")


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ExpressionError(f"arithmetic needs numbers, got {value!r}")
    return value
