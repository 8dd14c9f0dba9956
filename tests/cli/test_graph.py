"""`sprintgen graph --profile NAME --format mermaid|dot [--level epic|story]`."""

from __future__ import annotations

import re

import yaml

from ..support import mermaid_blocks, run, write_sample_profile
from ..test_mermaid import check_flowchart


def test_story_level_mermaid_is_the_default(tmp_path) -> None:
    result = run("graph", "--profile", str(write_sample_profile(tmp_path)))
    assert result.exit_code == 0, result.stderr
    nodes, edges = check_flowchart(result.stdout)
    assert nodes == {"s_ingest_pipeline", "s_ingest_docs", "s_retrieval_index", "s_retrieval_rank",
                     "s_launch_pilot"}
    assert edges == [("s_ingest_pipeline", "s_ingest_docs"), ("s_ingest_docs", "s_retrieval_index"),
                     ("s_retrieval_index", "s_retrieval_rank"), ("s_retrieval_rank", "s_launch_pilot")]
    # no team, no sprints: the graph shows estimates only, and the critical path
    assert "sprint" not in result.stdout and "unplanned" not in result.stdout
    assert "class s_ingest_pipeline,s_ingest_docs,s_retrieval_index,s_retrieval_rank,s_launch_pilot critical" \
        in result.stdout


def test_epic_level_mermaid(tmp_path) -> None:
    result = run("graph", "--profile", str(write_sample_profile(tmp_path)), "--level", "epic")
    nodes, edges = check_flowchart(result.stdout)
    assert nodes == {"e_ingest", "e_retrieval", "e_launch"}
    assert edges == [("e_ingest", "e_retrieval"), ("e_retrieval", "e_launch")]
    assert "2 stories, 8-13 pts" in result.stdout


def test_fence_wraps_for_markdown(tmp_path) -> None:
    result = run("graph", "--profile", str(write_sample_profile(tmp_path)), "--fence")
    assert result.stdout.startswith("```mermaid\nflowchart LR\n") and result.stdout.endswith("```\n")
    assert len(mermaid_blocks(result.stdout)) == 1


def test_dot_at_both_levels(tmp_path) -> None:
    sample = str(write_sample_profile(tmp_path))
    story = run("graph", "--profile", sample, "--format", "dot").stdout
    assert story.startswith("digraph sprintgen {\n") and story.endswith("}\n")
    assert story.count("subgraph cluster_") == 3
    # DOT is data for other tools: every dependency, including those a longer chain implies
    assert re.findall(r'^    "([^"]+)" -> "([^"]+)";$', story, re.M) == [
        ("ingest.pipeline", "ingest.docs"), ("ingest.pipeline", "retrieval.index"), ("ingest.docs", "retrieval.index"),
        ("retrieval.index", "retrieval.rank"), ("retrieval.index", "launch.pilot"), ("retrieval.rank", "launch.pilot")]
    epic = run("graph", "--profile", sample, "--format", "dot", "--level", "epic").stdout
    assert re.findall(r'^    "([^"]+)" -> "([^"]+)"', epic, re.M) == [("ingest", "retrieval"), ("retrieval", "launch")]


def test_parameters_change_the_graph(tmp_path) -> None:
    profile = {"id": "p", "parameters": {"extra": {"type": "bool", "default": False}},
               "epics": [{"key": "e", "stories": [
                   {"key": "a", "title": "A", "estimate": 1},
                   {"key": "b", "title": "B", "estimate": 1, "when": "extra", "depends_on": ["a"]}]}]}
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(profile), encoding="utf-8")
    assert "s_e_b" not in run("graph", "--profile", str(path)).stdout
    assert "s_e_a --> s_e_b" in run("graph", "--profile", str(path), "--param", "extra=true").stdout


def test_output_file(tmp_path) -> None:
    target = tmp_path / "graph.mmd"
    result = run("graph", "--profile", str(write_sample_profile(tmp_path)), "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("flowchart LR")


def test_builtin_profile_by_id() -> None:
    result = run("graph", "--profile", "rag", "--level", "epic")
    assert result.exit_code == 0, result.stderr
    check_flowchart(result.stdout)


def test_unknown_profile_is_one_line_exit_2() -> None:
    result = run("graph", "--profile", "no-such-profile")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("sprintgen: error: unknown profile 'no-such-profile'")
    assert result.stderr.count("\n") == 1


def test_cycle_is_reported(tmp_path) -> None:
    profile = {"id": "cyc", "epics": [{"key": "e", "stories": [
        {"key": "a", "title": "A", "estimate": 1, "depends_on": ["b"]},
        {"key": "b", "title": "B", "estimate": 1, "depends_on": ["a"]}]}]}
    path = tmp_path / "cyc.yaml"
    path.write_text(yaml.safe_dump(profile), encoding="utf-8")
    result = run("graph", "--profile", str(path))
    assert result.exit_code == 2
    assert "dependency cycle: e.a -> e.b -> e.a" in result.stderr


def test_bad_format_is_a_usage_error(tmp_path) -> None:
    result = run("graph", "--format", "png")
    assert result.exit_code == 2 and "'png' is not one of 'mermaid', 'dot'" in result.stderr
