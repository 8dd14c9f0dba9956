"""examples/: the committed roadmaps are current, the example team and the custom profile work from the CLI."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from sprintgen.capacity import load_team
from .support import run

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
VOCABULARY = {"data-engineering", "search-retrieval", "ml-training", "mlops", "prompt-engineering", "evaluation",
              "security", "backend", "product"}


def _generator():
    """examples/generate.py imported as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("examples_generate", EXAMPLES / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module



def test_committed_examples_are_up_to_date(tmp_path):
    generator = _generator()
    written = generator.render_all(tmp_path)
    assert sorted(p.name for p in written) == sorted(
        [f"{profile}.{suffix}" for profile in ("rag", "fine-tuning", "hybrid") for suffix in ("md", "json")]
        + ["rag-status.md"])
    stale = generator.stale_files(tmp_path)
    assert not stale, f"examples are stale ({', '.join(stale)}): run python examples/generate.py"


def test_stale_check_names_a_changed_or_missing_file(tmp_path):
    generator = _generator()
    fresh, committed = tmp_path / "fresh", tmp_path / "committed"
    fresh.mkdir()
    committed.mkdir()
    for _, _, path in generator.example_files(EXAMPLES):
        shutil.copy(path, fresh / path.name)
        shutil.copy(path, committed / path.name)
    assert generator.stale_files(fresh, committed) == []
    (committed / "rag.md").write_text("# an old roadmap\n", encoding="utf-8")
    (committed / "hybrid.json").unlink()
    assert generator.stale_files(fresh, committed) == ["rag.md", "hybrid.json"]


def test_generator_uses_the_cli_options_a_user_would_type():
    args = _generator().plan_arguments("rag", "markdown", Path("out/rag.md"))
    assert args == ["plan", "--profile", "rag", "--team", "team.yaml", "--format", "markdown", "--output",
                    str(Path("out/rag.md"))]


def test_the_status_example_is_rag_after_three_sprints_from_its_progress_export():
    args = _generator().status_arguments("rag", "rag-progress.csv", Path("out/rag-status.md"))
    assert args == ["status", "--profile", "rag", "--team", "team.yaml", "--progress", "rag-progress.csv",
                    "--output", str(Path("out/rag-status.md"))]
    page = (EXAMPLES / "rag-status.md").read_text(encoding="utf-8")
    assert "From rag-progress.csv: 3 sprints closed, sprint 4 is the current one." in page
    assert "velocity drawn from the 3 closed sprints" in page and "```mermaid" in page


def test_generated_json_is_the_plan_of_each_builtin_profile():
    for profile in ("rag", "fine-tuning", "hybrid"):
        data = json.loads((EXAMPLES / f"{profile}.json").read_text(encoding="utf-8"))
        assert data["profile"]["id"] == profile
        assert data["team"]["start"] == "2027-01-04"
        assert all(story["sprint"] is not None for story in data["stories"])
        markdown = (EXAMPLES / f"{profile}.md").read_text(encoding="utf-8")
        assert data["profile"]["name"] in markdown


def test_example_team_is_a_realistic_pinned_team():
    team = load_team(str(EXAMPLES / "team.yaml"))
    assert team.sprint.start == dt.date(2027, 1, 4)
    assert 5 <= len(team.members) <= 6
    assert team.velocity_history and team.holidays
    held = {skill for member in team.members for skill in member.skills}
    assert held == VOCABULARY  # every skill the built-in profiles use, and no other
    assert all(member.capacity for member in team.members)


@pytest.mark.parametrize("profile", ["rag", "fine-tuning", "hybrid"])
def test_example_team_covers_every_skill_a_builtin_profile_needs(profile):
    result = run("plan", "--profile", profile, "--team", str(EXAMPLES / "team.yaml"), "--format", "json",
                 "--no-forecast")
    assert result.exit_code == 0, result.output
    codes = {finding["code"] for finding in json.loads(result.stdout)["findings"]}
    assert "skill-missing" not in codes


def test_custom_profile_extends_rag_from_the_cli():
    profile = str(EXAMPLES / "my-profile.yaml")
    result = run("validate", profile, str(EXAMPLES / "team.yaml"))
    assert result.exit_code == 0, result.output
    result = run("plan", "--profile", profile, "--team", str(EXAMPLES / "team.yaml"), "--format", "json",
                 "--no-forecast")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    stories = {story["key"]: story for story in data["stories"]}
    assert data["profile"]["id"] == "my-profile"
    assert data["profile"]["parameters"]["compliance"] == "gdpr"  # a changed default
    assert {"ingest.source-hr-policies", "ingest.source-benefits-handbook", "governance.gdpr"} <= set(stories)
    assert "freshness.index-swap" not in stories  # removed
    assert stories["orchestration.service"]["estimate"] == {"low": 3, "likely": 4, "high": 5}  # overridden
    assert stories["orchestration.service"]["title"].startswith("Build the orchestration service")  # inherited
    assert "slack.app" in stories["launch.pilot"]["depends_on"]
    assert stories["content.effective-dates"]["depends_on"] == ["embeddings.metadata"]
    assert "HR business partner has reviewed any user-facing wording" in stories["slack.app"]["definition_of_done"]
