"""Plugins: entry-point discovery, broken and clashing plugins, user and project profiles, the example plugin."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from ..support import SMALL_PROFILE, fake_distribution, install_example_plugin, profile_package, run, write

PROFILES = "sprintgen.profiles"
EXPORTERS = "sprintgen.exporters"

UPPER_EXPORTER = """
    from sprintgen.exporters import Exporter

    def render(plan, **_):
        return "\\n".join(s.key.upper() for s in plan.stories) + "\\n"

    EXPORTER = Exporter(name="upper", description="story keys in upper case", render=render)
"""


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A directory on sys.path where fake plugin distributions are 'installed'."""
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.delenv("SPRINTGEN_DISABLE_PLUGINS", raising=False)
    monkeypatch.chdir(tmp_path)
    return root


def plugins_json() -> dict:
    result = run("plugins", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_builtins_are_listed_with_their_origin(site):
    report = plugins_json()
    origins = {p["id"]: p["origin"] for p in report["profiles"]}
    assert {origins[i] for i in ("rag", "fine-tuning", "hybrid")} == {"built-in"}
    exporters = {e["name"]: e["origin"] for e in report["exporters"]}
    assert exporters["markdown"] == exporters["json"] == "built-in"
    assert report["distributions"] == [] and report["problems"] == []


def test_a_plugin_profile_and_exporter_work_through_the_cli(site):
    fake_distribution(site, "acme-plugin",
                      {PROFILES: {"acme": "acme_profiles"}, EXPORTERS: {"upper": "acme_x:EXPORTER"}},
                      {**profile_package("acme_profiles",
                                         {"acme-demo": SMALL_PROFILE.format(id="acme-demo", name="Acme")}),
                       "acme_x.py": UPPER_EXPORTER})
    report = plugins_json()
    assert report["distributions"] == [{"name": "acme-plugin", "version": "1.0",
                                         "provides": "sprintgen.profiles: acme, sprintgen.exporters: upper"}]
    assert {p["id"]: p["origin"] for p in report["profiles"]}["acme-demo"] == "plugin acme-plugin"
    assert {e["name"]: e["origin"] for e in report["exporters"]}["upper"] == "plugin acme-plugin"
    listed = run("profiles").stdout
    assert "acme-demo" in listed and "plugin acme-plugin" in listed
    result = run("plan", "--profile", "acme-demo", "--format", "upper")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "WORK.ONE\nWORK.TWO\n"


def test_a_broken_plugin_is_named_and_does_not_break_the_rest(site):
    fake_distribution(site, "broken-import", {PROFILES: {"gone": "no_such_module"},
                                              EXPORTERS: {"boom": "boom_x:EXPORTER"}},
                      {"boom_x.py": "raise RuntimeError('plugin exploded')\n"})
    fake_distribution(site, "not-an-exporter", {EXPORTERS: {"odd": "odd_x:EXPORTER"}}, {"odd_x.py": "EXPORTER = 42\n"})
    fake_distribution(site, "good-plugin", {PROFILES: {"good": "good_profiles"}},
                      profile_package("good_profiles", {"good-one": SMALL_PROFILE.format(id="good-one", name="Good")}))
    report = plugins_json()
    problems = {(p["level"], p["plugin"]): p["message"] for p in report["problems"]}
    assert problems[("error", "plugin broken-import (gone = no_such_module)")].startswith(
        "failed to load: ModuleNotFoundError")
    assert problems[("error", "plugin broken-import (boom = boom_x:EXPORTER)")] == (
        "failed to load: RuntimeError: plugin exploded")
    assert "is not an exporter" in problems[("error", "plugin not-an-exporter (odd = odd_x:EXPORTER)")]
    assert "good-one" in {p["id"] for p in report["profiles"]}
    text = run("plugins").stdout
    assert "Problems:\n  error: plugin broken-import (gone = no_such_module): failed to load" in text
    assert run("plan", "--profile", "good-one").exit_code == 0
    assert run("plan", "--profile", "rag", "--format", "json").exit_code == 0
    result = run("plan", "--profile", "good-one", "--format", "boom")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "sprintgen: error: --format: output format 'boom': plugin broken-import (boom = boom_x:EXPORTER) failed to "
        "load: RuntimeError: plugin exploded; fix or uninstall the plugin, or set SPRINTGEN_DISABLE_PLUGINS=1")


def test_shadowing_a_builtin_is_an_error_and_the_builtin_wins(site):
    fake_distribution(site, "shadow", {PROFILES: {"shadow": "shadow_profiles"}, EXPORTERS: {"json": "up_x:EXPORTER"}},
                      {**profile_package("shadow_profiles", {"rag": SMALL_PROFILE.format(id="rag", name="Fake rag")}),
                       "up_x.py": UPPER_EXPORTER})
    report = plugins_json()
    errors = [p for p in report["problems"] if p["level"] == "error"]
    assert any("profile 'rag'" in p["message"] and "shadows the built-in profile" in p["message"] for p in errors)
    assert any("output format 'json' shadows the built-in one" in p["message"] for p in errors)
    assert {p["id"]: p["origin"] for p in report["profiles"]}["rag"] == "built-in"
    shown = run("show", "rag").stdout
    assert "Fake rag" not in shown
    plan = run("plan", "--profile", "rag", "--format", "json")
    assert json.loads(plan.stdout)["profile"]["id"] == "rag"  # the built-in JSON exporter, not the plugin's


def test_a_clash_between_two_plugins_is_a_warning_and_the_first_by_name_wins(site):
    for dist, module in (("zeta-plugin", "zeta_profiles"), ("alpha-plugin", "alpha_profiles")):
        fake_distribution(site, dist, {PROFILES: {"p": module}, EXPORTERS: {"upper": f"{module}_x:EXPORTER"}},
                          {**profile_package(module, {"twin": SMALL_PROFILE.format(id="twin", name=dist)}),
                           f"{module}_x.py": UPPER_EXPORTER})
    report = plugins_json()
    twin = {p["id"]: p for p in report["profiles"]}["twin"]
    assert twin["origin"] == "plugin alpha-plugin"
    warnings = [p for p in report["problems"] if p["level"] == "warning"]
    assert any(p["plugin"] == "plugin zeta-plugin" and "profile 'twin'" in p["message"] for p in warnings)
    assert any("output format 'upper' is also provided by plugin alpha-plugin" in p["message"] for p in warnings)
    assert not [p for p in report["problems"] if p["level"] == "error"]


def test_disable_plugins_turns_third_party_entry_points_off(site, monkeypatch):
    fake_distribution(site, "acme-plugin",
                      {PROFILES: {"acme": "acme_profiles"}, EXPORTERS: {"upper": "acme_x:EXPORTER"}},
                      {**profile_package("acme_profiles",
                                         {"acme-demo": SMALL_PROFILE.format(id="acme-demo", name="A")}),
                       "acme_x.py": UPPER_EXPORTER})
    monkeypatch.setenv("SPRINTGEN_DISABLE_PLUGINS", "1")
    report = plugins_json()
    assert report["disabled"] is True and report["distributions"] == []
    assert "acme-demo" not in {p["id"] for p in report["profiles"]}
    assert "upper" not in {e["name"] for e in report["exporters"]}
    assert run("plugins").stdout.startswith("Third-party plugins are disabled")
    result = run("plan", "--profile", "rag", "--format", "upper")
    assert result.exit_code == 2 and "unknown output format 'upper'" in result.stderr
    assert run("plan", "--profile", "rag").exit_code == 0
    monkeypatch.setenv("SPRINTGEN_DISABLE_PLUGINS", "0")
    assert "acme-demo" in {p["id"] for p in plugins_json()["profiles"]}


def test_user_and_project_profiles_are_found_and_reported(site, isolated_user_config):
    write(isolated_user_config / "profiles" / "mine.yaml", SMALL_PROFILE.format(id="mine", name="Mine"))
    write(site.parent / "profiles" / "ours.yaml", SMALL_PROFILE.format(id="ours", name="Ours"))
    write(site.parent / "profiles" / "mine.yaml", SMALL_PROFILE.format(id="mine", name="Project mine"))
    write(site.parent / "profiles" / "hybrid.yaml", SMALL_PROFILE.format(id="hybrid", name="Not hybrid"))
    report = plugins_json()
    origins = {p["id"]: p["origin"] for p in report["profiles"]}
    assert (origins["mine"], origins["ours"], origins["hybrid"]) == ("user", "project", "built-in")
    messages = [(p["level"], p["message"]) for p in report["problems"]]
    assert any(level == "warning" and "profile 'mine'" in m and "also provided by user" in m
               for level, m in messages)
    assert any(level == "error" and "profile 'hybrid'" in m and "shadows the built-in" in m for level, m in messages)
    assert run("plan", "--profile", "ours").exit_code == 0
    plan = json.loads(run("plan", "--profile", "mine", "--format", "json").stdout)
    assert plan["profile"]["name"] == "Mine"


# --- the real example plugin, installed with pip -----------------------------------------------------------------


@pytest.fixture(scope="module")
def example_plugin(tmp_path_factory):
    """examples/plugin installed for real (pip --target into a temporary directory, never the shared venv)."""
    try:
        return install_example_plugin(tmp_path_factory.mktemp("example-plugin") / "site")
    except subprocess.CalledProcessError as exc:  # pragma: no cover - shows pip's own message
        pytest.fail(f"pip could not install examples/plugin:\n{exc.stdout}\n{exc.stderr}")


@pytest.fixture
def with_example(example_plugin, monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(example_plugin))
    monkeypatch.delenv("SPRINTGEN_DISABLE_PLUGINS", raising=False)
    monkeypatch.chdir(tmp_path)
    return example_plugin


def test_example_plugin_is_listed_with_its_profile_and_exporter(with_example):
    report = plugins_json()
    assert [d["name"] for d in report["distributions"]] == ["sprintgen-example-plugin"]
    assert {p["id"]: p["origin"] for p in report["profiles"]}["agentic-rag"] == "plugin sprintgen-example-plugin"
    assert {e["name"]: e["origin"] for e in report["exporters"]}["gitlab-csv"] == "plugin sprintgen-example-plugin"
    assert report["problems"] == []


def test_example_agentic_rag_profile_extends_rag(with_example):
    rag = json.loads(run("plan", "--profile", "rag", "--format", "json").stdout)
    result = run("plan", "--profile", "agentic-rag", "--param", "tools=search,ticketing,crm",
                 "--param", "write_actions=true", "--format", "json")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    keys = [s["key"] for s in plan["stories"]]
    assert set(s["key"] for s in rag["stories"]) <= set(keys)
    agent = [k for k in keys if k.startswith("agent.")]
    assert {"agent.tool-search", "agent.tool-ticketing", "agent.tool-crm", "agent.approval"} <= set(agent)
    assert plan["profile"]["parameters"]["write_actions"] is True
    titles = {r["title"] for r in plan["risks"]}
    assert "The agent loops or runs up cost on one task" in titles


def test_example_gitlab_csv_exporter(with_example, tmp_path):
    target = tmp_path / "issues.csv"
    result = run("plan", "--profile", "agentic-rag", "--format", "gitlab-csv", "--output", str(target))
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    plan = json.loads(run("plan", "--profile", "agentic-rag", "--format", "json").stdout)
    assert rows[0] == ["title", "description"]
    assert len(rows) - 1 == len(plan["stories"])
    loop = next(r for r in rows if r[0] == "[agent] Build the agent loop with step and token budgets")
    assert "**sprintgen key:** `agent.loop`" in loop[1]
    assert "- [ ] A task stops with a clear message when it reaches its step or token budget" in loop[1]


def test_example_plugin_in_a_real_process(example_plugin, tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(example_plugin), os.environ.get("PYTHONPATH", "")])}
    env.pop("SPRINTGEN_DISABLE_PLUGINS", None)
    proc = subprocess.run([sys.executable, "-m", "sprintgen", "plan", "--profile", "agentic-rag", "--format",
                           "gitlab-csv"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("title,description\n")
    env["SPRINTGEN_DISABLE_PLUGINS"] = "1"
    proc = subprocess.run([sys.executable, "-m", "sprintgen", "plan", "--profile", "agentic-rag"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith("sprintgen: error: unknown profile 'agentic-rag'")
    assert "Traceback" not in proc.stderr
