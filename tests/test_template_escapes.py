"""User templates cannot run code or run away (issue 12, §3; issue 19, §2): every known escape and every way to make a
small template do unbounded work is refused with one line naming the template, exit 2, and nothing written. The
compiled-template cache never loads what another user could have written, and a corrupted entry is recompiled."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from .support import MINI_PROFILE, SENTINEL, error_line, run, run_measured, write


ESCAPES = {
    # pydantic methods on the models a template is given
    "parse_raw": "{{ plan.parse_raw('gASVIAAAAAAAAACMBXBvc2l4lIwGc3lzdGVtlJOUjAJpZJSFlFKULg==', proto='pickle', "
                 "allow_pickle=True) }}",
    "model_validate_json": "{{ plan.model_validate_json('{}') }}",
    "model_construct": "{{ team.model_construct() }}",
    "copy": "{{ plan.copy(update={'profile': 'x'}) }}",
    "model_dump": "{{ sprints[0].model_dump() }}",
    "model_fields": "{{ plan.model_fields }}",
    "attr-filter-method": "{{ (plan | attr('model_validate_json'))('{}') }}",
    "attr-filter-dunder": "{{ plan | attr('__class__') }}",
    "map-attribute": "{{ sprints | map(attribute='model_dump') | list }}",
    # Python internals
    "class-mro-subclasses": "{{ plan.__class__.__mro__[-1].__subclasses__() }}",
    "string-mro": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "cycler-globals": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "cycler-instance": "{{ cycler(1, 2).next.__self__.__init__.__globals__ }}",
    "joiner-globals": "{{ joiner().__call__.__globals__ }}",
    "namespace-globals": "{{ namespace.__init__.__globals__ }}",
    "namespace-class": "{% set ns = namespace(x=plan) %}{{ ns.x.parse_raw('x') }}",
    "lipsum-globals": "{{ lipsum.__globals__['os'] }}",
    # formatting with attribute lookups
    "format-attribute": "{{ '{0.__class__.__mro__}'.format(plan) }}",
    "format-method": "{{ '{0.parse_raw}'.format(plan) }}",
    "format-map-method": "{{ '{x.copy}'.format_map({'x': plan}) }}",
    "percent-method": "{{ '%s' % plan.parse_raw }}",
    "format-filter-method": "{{ '%s' | format(plan.model_construct) }}",
    # methods outside the named safe set
    "str-expandtabs": "{{ '\\t'.expandtabs(2000000000) }}",
    "list-append": "{% set l = [] %}{{ l.append(1) }}",
    "dict-pop": "{{ profile.parameters.pop('x', 1) }}",
    # includes outside the template's folder
    "include-parent": "{% include '../mini.yaml' %}",
    "include-absolute": "{% include '/etc/passwd' %}",
    "import-parent": "{% import '../mini.yaml' as m %}",
    "extends-parent": "{% extends '../../etc/passwd' %}",
}

RUNAWAY = {
    "huge-range": ("{% for i in range(10**9) %}{% endfor %}", "Range too big"),
    "nested-ranges": ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
                      "steps of work"),
    "macro-recursion": ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "recurses too deeply"),
    "macro-doubling": ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}",
                       "steps of work"),
    "lipsum": ("{{ lipsum(n=100000000) }}", "lipsum is limited to 100 paragraphs"),
    "center-method": ("{{ 'a'.center(2000000000) }}", "center() width 2000000000 is above the limit"),
    "center-filter": ("{{ 'a' | center(2000000000) }}", "center width 2000000000 is above the limit"),
    "indent-filter": ("{{ 'a\nb' | indent(2000000000) }}", "indent width 2000000000 is above the limit"),
    "percent-padding": ("{{ '%2000000000d' % 1 }}", "format width or precision of 2000000000"),
    "percent-star": ("{{ '%*d' % (2000000000, 1) }}", "'*' width"),
    "format-filter-padding": ("{{ '%2000000000d' | format(1) }}", "format width or precision of 2000000000"),
    "format-spec-padding": ("{{ '{:>2000000000}'.format(1) }}", "format width or precision of 2000000000"),
    "format-nested-spec": ("{{ '{:{w}}'.format(1, w=2000000000) }}", "format width or precision of 2000000000"),
    "format-precision": ("{{ '{:.100000f}'.format(1.5) }}", "format width or precision of 100000"),
    "string-doubling": ("{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}"
                        "{% endfor %}{{ ns.s | length }}", "text longer than 16,777,216 characters"),
    "plus-doubling": ("{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}"
                      "{% endfor %}", "longer than 16,777,216"),
    "list-doubling": ("{% set ns = namespace(l=[1]) %}{% for i in range(64) %}{% set ns.l = ns.l + ns.l %}"
                      "{% endfor %}", "longer than 1,000,000"),
    "integer-squaring": ("{% set ns = namespace(n=3) %}{% for i in range(64) %}{% set ns.n = ns.n * ns.n %}"
                         "{% endfor %}", "more than 100,000 bits"),
    "power-tower": ("{{ ((10 ** 1000) ** 1000) ** 1000 }}", "more than 100,000 bits"),
    "join-filter": ("{{ (['a' * 100000] * 100000) | join }}", "join would build a text longer than"),
    "join-method": ("{{ 'x'.join(['a' * 100000] * 100000) }}", "join() would build a text longer than"),
    "replace-growth": ("{{ ('a' * 100000).replace('a', 'b' * 100000) }}", "replace() would build a text"),
    "replace-filter": ("{{ ('a' * 100000) | replace('a', 'b' * 100000) }}", "replace would build a text"),
    "join-generator": ("{{ (['a' * 100000] * 200) | map('lower') | join }}", "join would build a text longer"),
    "join-method-generator": ("{{ ''.join((['a' * 100000] * 200) | map('lower')) }}",
                              "join() would build a text longer"),
    "indent-prefix": ("{{ ('\\n' * 100000) | indent('x' * 100000) }}", "indent would build a text longer"),
    "wordwrap-string": ("{{ ('a ' * 50000) | wordwrap(1, wrapstring='x' * 100000) }}", "wrapstring length"),
    "sum-of-lists": ("{{ ([[1] * 1000] * 1000) | sum(start=[]) }}", "sum may only add numbers"),
    "batch-fill": ("{{ [1] | batch(1000000000, 0) | list }}", "batch count 1,000,000,000 is above the limit"),
    "slice-count": ("{{ [1] | slice(1000000000) | list }}", "slice count 1,000,000,000 is above the limit"),
    "output-size": ("{% for i in range(100000) %}{{ 'a' * 100000 }}{% endfor %}", "produces more than 67,108,864"),
    "literal-output": ("{% for i in range(100000) %}{% for j in range(40) %}" + "x" * 2000 + "{% endfor %}"
                       "{% endfor %}", "produces more than 67,108,864"),
    "captured-output": ("{% set big %}{% for i in range(100000) %}{{ 'a' * 100000 }}{% endfor %}{% endset %}",
                        "produces more than 67,108,864"),
}


@pytest.fixture
def layout(tmp_path, monkeypatch) -> Path:
    write(tmp_path / "mini.yaml", MINI_PROFILE)
    (tmp_path / "roadmap.md").write_bytes(SENTINEL)
    (tmp_path / "templates").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def render(layout: Path, source: str):
    write(layout / "templates" / "evil.md.j2", source)
    return run("plan", "--profile", "mini.yaml", "--no-forecast", "--template", "templates/evil.md.j2",
               "--output", "roadmap.md")


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_a_known_escape_is_refused_in_one_line_and_nothing_is_written(name, layout):
    result = render(layout, ESCAPES[name])
    line = error_line(result)
    assert line.startswith("templates/evil.md.j2:1: "), line
    assert any(reason in line for reason in ("not allowed in a template", "cannot include")), line
    assert (layout / "roadmap.md").read_bytes() == SENTINEL
    assert "<class" not in line and "uid=" not in line


@pytest.mark.parametrize("name", sorted(RUNAWAY))
def test_unbounded_template_work_is_refused_with_the_limit_it_hit(name, layout):
    source, reason = RUNAWAY[name]
    line = error_line(render(layout, source))
    assert line.startswith("templates/evil.md.j2:"), line
    assert reason in line, line
    assert (layout / "roadmap.md").read_bytes() == SENTINEL


def test_what_the_built_in_template_and_ordinary_templates_use_still_works(layout):
    source = ("{{ plan.end_date }}|{{ plan.total_estimate.pert_mean }}|{{ sprints[0].start.isoformat() }}|"
              "{{ profile.parameters.items() | list | length }}|{{ 'a-b'.split('-') | join('+') }}|"
              "{{ ''.join(['a', 'b'] | map('upper')) }}{{ ['c'] | map('lower') | join }}|"
              "{{ '%5.1f' % 2.25 }}|{{ '{:>4}'.format(7) }}|{{ 'x' | center(5) }}|{% for s in sprints %}"
              "{{ loop.cycle('o', 'e') }}{% endfor %}|{{ lipsum(1, html=False, min=5, max=6) | wordcount > 4 }}")
    result = render(layout, source)
    assert result.exit_code == 0, result.stderr
    text = (layout / "roadmap.md").read_text()
    assert "|0|a+b|ABc|  2.2|   7|  x  |o" in text and text.endswith("|True")


@pytest.mark.parametrize("name", ["nested-ranges", "string-doubling", "join-filter", "output-size", "lipsum"])
def test_in_a_real_process_runaway_templates_stay_small(name, layout):
    write(layout / "templates" / "evil.md.j2", RUNAWAY[name][0])
    run = run_measured(["plan", "--profile", "mini.yaml", "--no-forecast", "--template", "templates/evil.md.j2",
                        "-o", "roadmap.md"], layout, memory_cap_mib=1024)
    assert run.returncode == 2, run.stderr
    assert run.stderr.count("\n") == 1 and RUNAWAY[name][1] in run.stderr
    assert run.peak_mib < 400, f"peak {run.peak_mib:.0f} MiB"
    assert (layout / "roadmap.md").read_bytes() == SENTINEL


# --- the compiled-template cache ----------------------------------------------------------------------------------

def cache_entries(home: Path) -> list[Path]:
    return sorted((home / "cache" / "templates").glob("*.jinja.cache"))


def plant(layout: Path, template: Path, evil_source: str) -> bytes:
    """What an attacker would write: bytecode of `evil_source` filed under `template` with its source checksum."""
    from jinja2.bccache import Bucket

    from sprintgen.exporters.template_cache import bytecode_cache
    from sprintgen.exporters.templates import make_environment
    from sprintgen.exporters.text import FILTERS

    env = make_environment(template.parent, FILTERS)
    cache = bytecode_cache()
    bucket = Bucket(env, cache.get_cache_key(template.name, str(template)),
                    cache.get_source_checksum(template.read_text()))
    bucket.code = env.compile(evil_source, template.name, str(template))
    payload = bucket.bytecode_to_string()
    return hashlib.sha256(payload).digest() + payload


def run_template(template: Path):
    return run("plan", "--profile", "mini.yaml", "--no-forecast", "--template", template)


@pytest.mark.parametrize("weakness", ["trusted (control)", "world-writable directory", "group-writable entry"])
def test_a_cache_entry_anyone_else_could_write_is_never_executed(weakness, layout, isolated_user_config):
    template = write(layout / "templates" / "ok.md.j2", "ok {{ profile.id }}\n")
    assert run_template(template).stdout == "ok mini\n"
    [entry] = cache_entries(isolated_user_config)
    entry.write_bytes(plant(layout, template, "PWNED\n"))
    if weakness == "world-writable directory":
        entry.parent.chmod(0o777)
    elif weakness == "group-writable entry":
        entry.chmod(0o660)
    result = run_template(template)
    assert result.exit_code == 0, result.stderr
    # The control shows the planted entry is a working attack: a trusted cache runs it. The others must not.
    assert result.stdout == ("PWNED\n" if weakness == "trusted (control)" else "ok mini\n")


def test_a_corrupted_entry_is_recompiled_and_replaced(layout, isolated_user_config):
    template = write(layout / "templates" / "ok.md.j2", "ok {{ profile.id }}\n")
    run_template(template)
    [entry] = cache_entries(isolated_user_config)
    good = entry.read_bytes()
    flipped = bytearray(good)
    flipped[len(flipped) // 2] ^= 0x5A  # one flipped byte in the bytecode: marshal may still load it
    entry.write_bytes(bytes(flipped))
    for _ in range(2):
        result = run_template(template)
        assert result.exit_code == 0 and result.stdout == "ok mini\n", result.stderr
    assert entry.read_bytes() == good, "the corrupted entry was not replaced by a fresh one"
    entry.write_bytes(b"")
    assert run_template(template).stdout == "ok mini\n"
    assert os.stat(entry).st_size > 32


@pytest.mark.parametrize("placeholder", ["{failure_kind:>2000000000}", "{failure_kind!r}",
                                         "{failure_kind:{failure_kind}}"])
def test_a_format_spec_in_a_rules_text_is_refused_when_the_rules_are_read(placeholder, tmp_path):
    import yaml

    from sprintgen.decide import rules

    data = yaml.safe_load((Path(rules.__file__).parent / "recommend.yaml").read_text(encoding="utf-8"))
    data["decisions"][0]["reason"] = f"Because {placeholder}."
    evil = tmp_path / "rules.yaml"
    evil.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = run("recommend", "--no-interactive", "--rules", evil, "--output", tmp_path / "out.md")
    line = error_line(result)
    assert line.startswith(f"{evil}: decisions[0].reason: placeholder ") and "has a format spec" in line, line
    assert "write {failure_kind} alone" in line
    assert not (tmp_path / "out.md").exists()
