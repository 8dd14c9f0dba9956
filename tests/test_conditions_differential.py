"""The expression language of `when` and `scale`, checked against Python's own evaluation on the safe subset.

Hypothesis builds typed expressions (numbers, booleans, comparisons, `and`/`or`/`not`, `if`/`else`, arithmetic and
the allowed functions) over parameters that are often 0, so a division guarded by `and`/`or` is exercised. On every
one, sprintgen must give the value Python gives (same type for booleans), or fail exactly when Python raises.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sprintgen.profiles.conditions import ExpressionError, evaluate

NUMBER_NAMES = ("n", "m")
BOOL_NAMES = ("flag",)
SAFE_BUILTINS = {"len": len, "min": min, "max": max, "abs": abs, "round": round}

literal = st.integers(min_value=0, max_value=9).map(str)
number_leaf = st.one_of(literal, st.sampled_from(NUMBER_NAMES))
bool_leaf = st.one_of(st.sampled_from(["True", "False"]), st.sampled_from(BOOL_NAMES))


def _numbers(children):
    arithmetic = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "//", "%"]), children).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})")
    calls = st.one_of(
        children.map(lambda a: f"abs({a})"),
        children.map(lambda a: f"round({a})"),
        st.tuples(st.sampled_from(["min", "max"]), children, children).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        st.lists(children, max_size=3).map(lambda items: f"len([{', '.join(items)}])"),
    )
    # `and`/`or` of numbers give a number (an operand), as in Python
    logic = st.tuples(children, st.sampled_from(["and", "or"]), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
    return st.one_of(arithmetic, calls, logic, children.map(lambda a: f"(-{a})"))


numbers = st.recursive(number_leaf, _numbers, max_leaves=8)


def _booleans(children):
    compare = st.tuples(numbers, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), numbers).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})")
    chained = st.tuples(numbers, numbers, numbers).map(lambda t: f"({t[0]} < {t[1]} <= {t[2]})")
    member = st.tuples(numbers, st.lists(numbers, max_size=3)).map(lambda t: f"({t[0]} in [{', '.join(t[1])}])")
    logic = st.tuples(children, st.sampled_from(["and", "or"]), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
    choose = st.tuples(children, children, children).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})")
    return st.one_of(compare, chained, member, logic, choose, children.map(lambda a: f"(not {a})"))


booleans = st.recursive(st.one_of(bool_leaf, st.tuples(numbers, numbers).map(lambda t: f"({t[0]} > {t[1]})")),
                        _booleans, max_leaves=6)
parameters = st.fixed_dictionaries({"n": st.integers(0, 3), "m": st.integers(0, 3), "flag": st.booleans()})


def python_value(expression: str, names: dict):
    try:
        return "value", eval(expression, {"__builtins__": SAFE_BUILTINS}, dict(names))  # noqa: S307 - the oracle
    except (ZeroDivisionError, TypeError, ValueError) as exc:
        return "error", type(exc).__name__


def sprintgen_value(expression: str, names: dict):
    try:
        return "value", evaluate(expression, names)
    except ExpressionError as exc:
        return "error", str(exc)


def same(expected, actual) -> bool:
    if expected[0] != actual[0]:
        return False
    if expected[0] == "error":
        return True
    a, b = expected[1], actual[1]
    return a == b and type(a) is type(b) or (isinstance(a, float) and isinstance(b, float) and abs(a - b) < 1e-9)


@settings(max_examples=600, deadline=None)
@given(st.one_of(numbers, booleans), parameters)
def test_expressions_evaluate_as_python_does(expression, names):
    expected, actual = python_value(expression, names), sprintgen_value(expression, names)
    assert same(expected, actual), f"{expression} with {names}: Python {expected}, sprintgen {actual}"


def test_and_or_short_circuit_a_division_by_zero():
    assert evaluate("n > 0 and 10 / n > 1", {"n": 0}) is False
    assert evaluate("n == 0 or 10 / n > 1", {"n": 0}) is True
    assert evaluate("n and 10 / n", {"n": 0}) == 0
    assert evaluate("n or 7", {"n": 0}) == 7
