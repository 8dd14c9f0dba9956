"""Nothing a user writes is executed: `when`/`scale` expressions cannot reach Python, templates run in the sandbox and
cannot read files outside their own directory. All through the real CLI, plus the expression evaluator directly."""

from __future__ import annotations

from pathlib import Path

import pytest

from sprintgen.profiles import conditions

from ..support import error_line, run, run_subprocess, tree_bytes, write

HOSTILE_EXPRESSIONS = [
    "().__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "''.__class__.__mro__",
    "data_sources.__len__()",
    "data_sources.append('x')",
    "__import__('os').system('touch pwned')",
    "open('pwned', 'w')",
    "eval('1')",
    "exec('x = 1')",
    "getattr(data_sources, 'append')",
    "globals()",
    "type(1)",
    "(lambda: 1)()",
    "[x for x in data_sources]",
    "{k: 1 for k in data_sources}",
    "data_sources[0]",
    "len(data_sources, key=print)",
    "f'{data_sources}'",
    "9 ** 9 ** 9",
    "compliance.upper()",
    "max.__self__",
    "(x := 1)",
    "print(1)",
]


@pytest.mark.parametrize("expression", HOSTILE_EXPRESSIONS)
def test_the_expression_language_refuses_anything_that_reaches_python(expression, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(conditions.ExpressionError):
        conditions.evaluate(expression, {"data_sources": ["docs", "wiki"], "compliance": "none"})
    assert list(tmp_path.iterdir()) == []


def test_the_allowed_language_still_works():
    names = {"data_sources": ["docs", "wiki"], "compliance": "gdpr", "examples": 12000}
    assert conditions.evaluate("compliance in ['gdpr', 'hipaa'] and len(data_sources) >= 2", names) is True
    assert conditions.evaluate("max(1, examples / 5000)", names) == 2.4
    assert conditions.evaluate("not (compliance == 'none') or false", names) is True
    assert conditions.evaluate("round(abs(-2.5) * 2) if examples > 10 else 0", names) == 5


PROFILE_WITH_SLOTS = """
    id: slots
    parameters:
      data_sources: {{type: list, default: [docs]}}
    risks:
      - {{title: R, probability: 0.5, when: "{risk}"}}
    epics:
      - key: core
        title: Core
        when: "{epic}"
        stories:
          - {{key: a, title: A, estimate: 3, when: "{story}", scale: "{scale}"}}
"""


@pytest.mark.parametrize("slot", ["epic", "story", "scale", "risk"])
@pytest.mark.parametrize("expression", [
    "__import__('os').system('touch pwned')",
    "().__class__.__bases__[0].__subclasses__()",
    "open('pwned', 'w').write('x')",
])
def test_every_place_an_expression_is_written_is_guarded(slot, expression, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    values = {"epic": "true", "story": "true", "scale": "1", "risk": "true", slot: expression}
    profile = write(tmp_path / "slots.yaml", PROFILE_WITH_SLOTS.format(**values))
    before = tree_bytes(tmp_path)
    line = error_line(run("plan", "--profile", profile, "--no-forecast"))
    assert "slots.yaml" in line and "is not allowed" in line
    assert tree_bytes(tmp_path) == before, "the expression had a side effect"


def test_an_expression_python_would_warn_about_prints_nothing_extra(tmp_path):
    profile = write(tmp_path / "p.yaml", """
        id: p
        epics:
          - key: core
            title: Core
            stories:
              - {key: a, title: A, estimate: 3, when: "1if true else 0"}
    """)
    completed = run_subprocess(["plan", "--profile", profile, "--no-forecast", "--format", "json"], cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == "", "a SyntaxWarning leaked onto stderr"


# --- templates ------------------------------------------------------------------------------------------------------

SECRET = "TOP-SECRET-5f2c9e0b"


@pytest.fixture
def layout(tmp_path) -> dict[str, Path]:
    """A profile, a secret file next to (outside) the template directory, and the template directory."""
    profile = write(tmp_path / "p.yaml", """
        id: mini
        epics:
          - key: core
            title: Core
            stories:
              - {key: a, title: A, estimate: 3}
    """)
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET + "\n")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "part.j2").write_text("part: {{ profile.id }}\n")
    return {"profile": profile, "secret": secret, "templates": templates, "root": tmp_path}


def render(layout: dict[str, Path], source: str, name: str = "roadmap.md.j2"):
    template = layout["templates"] / name
    template.write_text(source, encoding="utf-8")
    return run("plan", "--profile", layout["profile"], "--no-forecast", "--template", template)


def test_a_template_may_include_files_from_its_own_directory(layout):
    result = render(layout, "# {{ profile.id }}\n{% include 'part.j2' %}")
    assert result.exit_code == 0, result.stderr
    assert "part: mini" in result.stdout


@pytest.mark.parametrize("source", [
    "{% include '../secret.txt' %}",
    "{% include '../../etc/passwd' %}",
    "{% include '/etc/passwd' %}",
    "{% include 'sub/../../secret.txt' %}",
    "{% extends '../secret.txt' %}",
    "{% import '../secret.txt' as s %}",
    "{% from '../secret.txt' import x %}",
    "{% include ['nothing.j2', '../secret.txt'] %}",
])
def test_a_template_cannot_read_files_outside_its_directory(layout, source):
    result = render(layout, source)
    line = error_line(result)
    assert "roadmap.md.j2" in line
    assert SECRET not in result.stdout + result.stderr
    assert "root:" not in result.stdout + result.stderr


def test_a_symlink_leading_out_of_the_template_directory_is_refused(layout):
    (layout["templates"] / "innocent.j2").symlink_to(layout["secret"])
    result = render(layout, "{% include 'innocent.j2' %}")
    error_line(result)
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize("source", [
    "{{ plan.__class__.__mro__ }}",
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ plan.__dict__ }}",
    "{{ plan.story.__func__.__globals__ }}",
    "{{ '{0.__class__}'.format(plan) }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ joiner().__call__.__globals__ }}",
    "{{ self.__init__.__globals__ }}",
    "{{ range.__self__ }}",
    "{{ sprints.__class__.__base__ }}",
    "{% for s in range(10**9) %}{% endfor %}",
])
def test_a_template_cannot_reach_python_internals(layout, source):
    result = render(layout, source)
    line = error_line(result)
    assert "roadmap.md.j2" in line
    assert "<class" not in result.stdout


@pytest.mark.parametrize("source", [
    "{{ (9 ** 999999999) > 0 }}",
    "{{ ('a' * 10 ** 10) | length }}",
    "{{ ([1] * 10000000) | length }}",
])
def test_template_arithmetic_cannot_hang_or_exhaust_memory(layout, source):
    result = render(layout, source)
    line = error_line(result)
    assert "not allowed in a template" in line and "roadmap.md.j2" in line


def test_bounded_template_arithmetic_still_works(layout):
    result = render(layout, "{{ 2 ** 10 }} {{ 'ab' * 3 }} {{ 3 * 4 }}")
    assert result.exit_code == 0, result.stderr
    assert "1024 ababab 12" in result.stdout
