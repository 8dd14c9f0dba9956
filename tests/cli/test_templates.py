"""User templates: `--template FILE`, project and user overrides, the sandbox, and errors with file and line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ..support import plan_args, run, write_sample_profile


@pytest.fixture()
def sample(tmp_path) -> str:
    return str(write_sample_profile(tmp_path))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_template_file_renders_with_variables_and_filters(tmp_path, sample) -> None:
    template = write(tmp_path / "t" / "mine.md.j2", (
        "{{ profile.id }}|{{ sprints | length }}|{{ epics[0].title | inline }}|{{ stories | length }}|"
        "{{ plan.total_estimate | estimate_range }}|{{ 'a|b' | cell }}|{{ '`x`' | code }}|"
        "{{ 3 | plural('story', 'stories') }}|{{ 5 | fill_bar(10) }}|{{ team.name }}|{{ findings | length }}|"
        "{{ 'end' | mermaid_label }}|{{ 'a.b' | mermaid_id }}|{{ diagrams.gantt is not none }}|"
        "{{ unplanned | length }}|{{ total_capacity | points }}|{{ forecast is none }}\n"))
    result = run(*plan_args("--profile", sample, "--velocity", "10", "--template", str(template)))
    assert result.exit_code == 0, result.stderr
    plan = json.loads(run(*plan_args("--profile", sample, "--velocity", "10", "--format", "json")).stdout)
    total = plan["total_estimate"]
    assert result.stdout == (
        f"sample|{len(plan['sprints'])}|Data ingestion|5|{total['low']:g}-{total['high']:g} points (likely "
        f"{total['likely']:g})|a\\|b|`` `x` ``|3 stories|█████░░░░░ 50%|your team|{len(plan['findings'])}|end|n_a_b|"
        f"True|0|{sum(s['capacity'] for s in plan['sprints']):g}|True\n")


def test_include_from_the_same_directory(tmp_path, sample) -> None:
    write(tmp_path / "t" / "part.j2", "part for {{ profile.id }}")
    template = write(tmp_path / "t" / "main.j2", "{% include 'part.j2' %}\n")
    result = run(*plan_args("--profile", sample, "--template", str(template)))
    assert result.stdout == "part for sample"  # trim_blocks eats the newline after a block tag


@pytest.mark.parametrize("target", ["../secret.txt", "/etc/passwd", "../../etc/passwd"])
def test_include_outside_the_directory_is_refused(tmp_path, sample, target) -> None:
    write(tmp_path / "secret.txt", "TOP SECRET")
    template = write(tmp_path / "t" / "main.j2", f"line one\n{{% include '{target}' %}}\n")
    result = run(*plan_args("--profile", sample, "--template", str(template)))
    assert result.exit_code == 2
    assert "TOP SECRET" not in result.stdout + result.stderr and "root:" not in result.stdout
    assert result.stderr == (f"sprintgen: error: {template}:2: cannot include '{target}': not found in the "
                             f"template's directory; templates may only include files under {template.parent}\n")


def test_symlink_leading_out_is_refused(tmp_path, sample) -> None:
    write(tmp_path / "secret.txt", "TOP SECRET")
    (tmp_path / "t").mkdir()
    os.symlink(tmp_path / "secret.txt", tmp_path / "t" / "link.j2")
    template = write(tmp_path / "t" / "main.j2", "{% include 'link.j2' %}\n")
    result = run(*plan_args("--profile", sample, "--template", str(template)))
    assert result.exit_code == 2 and "TOP SECRET" not in result.stdout
    assert "cannot include 'link.j2'" in result.stderr


@pytest.mark.parametrize("expression", ["plan.__class__.__mro__", "''.__class__.__subclasses__()",
                                        "profile.__class__", "plan.model_dump.__globals__"])
def test_unsafe_attributes_are_refused(tmp_path, sample, expression) -> None:
    template = write(tmp_path / "t.j2", "{{ " + expression + " }}\n")
    result = run(*plan_args("--profile", sample, "--template", str(template)))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"sprintgen: error: {template}:1: ")
    assert "Traceback" not in result.stderr


def test_undefined_variable_names_file_and_line(tmp_path, sample) -> None:
    template = write(tmp_path / "t.j2", "# {{ profile.id }}\n\n{{ no_such_thing }}\n")
    result = run(*plan_args("--profile", sample, "--template", str(template)))
    assert result.exit_code == 2
    assert result.stderr == (f"sprintgen: error: {template}:3: undefined: 'no_such_thing' is undefined; see "
                             "README.md, 'Templates', for the variables a template receives\n")


def test_syntax_error_names_file_and_line(tmp_path, sample) -> None:
    template = write(tmp_path / "t.j2", "ok\n{% for x in sprints %}\nno end\n")
    result = run(*plan_args("--profile", sample, "--template", str(template)))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"sprintgen: error: {template}:3: syntax error: Unexpected end of template")


def test_error_inside_an_included_template_names_that_file(tmp_path, sample) -> None:
    part = write(tmp_path / "t" / "part.j2", "a\nb\n{{ 1 / 0 }}\n")
    template = write(tmp_path / "t" / "main.j2", "{% include 'part.j2' %}\n")
    result = run(*plan_args("--profile", sample, "--template", str(template)))
    assert result.exit_code == 2
    assert result.stderr == (f"sprintgen: error: {part}:3: rendering failed: ZeroDivisionError: division by zero; "
                             "fix the template\n")


def test_a_failing_template_writes_no_file(tmp_path, sample) -> None:
    target = write(tmp_path / "roadmap.md", "the old roadmap\n")
    template = write(tmp_path / "t.j2", "{{ profile.id }}\n{{ 1 / 0 }}\n")
    result = run(*plan_args("--profile", sample, "--template", str(template), "-o", str(target)))
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "the old roadmap\n"


def test_missing_template_file(tmp_path, sample) -> None:
    result = run(*plan_args("--profile", sample, "--template", str(tmp_path / "nope.j2")))
    assert result.exit_code == 2
    assert "nope.j2" in result.stderr and "--template" in result.stderr


def test_project_template_overrides_user_template_overrides_builtin(tmp_path, sample, isolated_user_config) -> None:
    project = tmp_path / "project"
    project.mkdir()
    builtin = run(*plan_args("--profile", sample), cwd=project).stdout
    assert builtin.startswith("# Roadmap: Sample assistant")

    write(Path(isolated_user_config) / "templates" / "roadmap.md.j2", "user: {{ profile.id }}\n")
    assert run(*plan_args("--profile", sample), cwd=project).stdout == "user: sample\n"

    write(project / "templates" / "roadmap.md.j2", "project: {{ profile.id }}\n")
    assert run(*plan_args("--profile", sample), cwd=project).stdout == "project: sample\n"

    explicit = write(tmp_path / "explicit.j2", "explicit: {{ profile.id }}\n")
    result = run(*plan_args("--profile", sample, "--template", str(explicit)), cwd=project)
    assert result.stdout == "explicit: sample\n"


def test_override_templates_are_sandboxed_too(tmp_path, sample) -> None:
    project = tmp_path / "project"
    write(project / "templates" / "roadmap.md.j2", "{{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    result = run(*plan_args("--profile", sample), cwd=project)
    assert result.exit_code == 2
    assert str(project / "templates" / "roadmap.md.j2") + ":1: " in result.stderr


def test_huge_range_is_refused(tmp_path, sample) -> None:
    template = write(tmp_path / "t.j2", "{% for i in range(10 ** 9) %}x{% endfor %}\n")
    result = run(*plan_args("--profile", sample, "--template", str(template)))
    assert result.exit_code == 2
    assert f"{template}:1: " in result.stderr


def test_template_with_a_format_that_has_no_template_is_an_error(tmp_path):
    from ..support import run

    template = tmp_path / "t.j2"
    template.write_text("{{ profile.id }}\n")
    target = tmp_path / "plan.json"
    result = run("plan", "--format", "json", "--template", str(template), "--output", str(target))
    assert result.exit_code == 2
    assert result.stderr == ("sprintgen: error: --template: --template does not apply to --format json; "
                             "use it with --format markdown, or drop it\n")
    assert not target.exists()


def test_compiled_templates_are_cached_and_an_edit_is_seen(tmp_path, isolated_user_config):
    from ..support import run

    template = tmp_path / "t.j2"
    template.write_text("first {{ profile.id }}\n")
    assert run("plan", "--template", str(template), "--no-forecast").stdout == "first rag\n"
    cached = list((isolated_user_config / "cache" / "templates").iterdir())
    assert cached, "no compiled template was cached"
    template.write_text("second {{ profile.id }}\n")
    assert run("plan", "--template", str(template), "--no-forecast").stdout == "second rag\n"


def test_a_broken_cache_entry_is_recompiled(tmp_path, isolated_user_config):
    from ..support import run

    template = tmp_path / "t.j2"
    template.write_text("ok {{ profile.id }}\n")
    run("plan", "--template", str(template), "--no-forecast")
    for entry in (isolated_user_config / "cache" / "templates").iterdir():
        entry.write_bytes(b"garbage")
    result = run("plan", "--template", str(template), "--no-forecast")
    assert result.exit_code == 0 and result.stdout == "ok rag\n"
