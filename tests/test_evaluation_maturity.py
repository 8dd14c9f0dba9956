"""`evaluation_maturity` on the built-in profiles: what evaluation already exists.

- `none` (the default) plans today's backlog: build the golden set (validation and test sets in fine-tuning) and
  the harness;
- `golden-set`: a reviewed question set exists, so its story shrinks to verifying and extending it (0.4 of its size);
- `harness`: a harness running in CI exists too, so the harness story shrinks the same way.

No story is removed: the keys stay, so the Definition of Done item `after: evaluation.harness` and every gate of
tests/test_profile_gates.py keep their anchors. The resolved dependency graph must be the same for every value.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sprintgen.cli import main
from sprintgen.graph import build_graph
from sprintgen.profiles.resolve import build_backlog

VALUES = ("none", "golden-set", "harness")
CASES = [("rag", {}), ("fine-tuning", {}), ("hybrid", {}), ("hybrid", {"existing_rag": "true"})]
IDS = ["rag", "fine-tuning", "hybrid", "hybrid-existing-rag"]
# The story that holds the reviewed question set in each profile (hybrid with existing_rag drops the golden set:
# the running RAG system's is re-run by running.verify).
QUESTION_SETS = {"rag": ["discovery.golden-set"], "fine-tuning": ["evaluation.validation-set"],
                 "hybrid": ["discovery.golden-set", "evaluation.validation-set"]}
HARNESS_DOD = "The evaluation harness runs in CI"


def plan(profile: str, params: dict[str, str]) -> dict:
    args = ["plan", "--profile", profile, "--format", "json", "--no-forecast"]
    for name, value in params.items():
        args += ["--param", f"{name}={value}"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def likely(out: dict) -> dict[str, float]:
    return {s["key"]: s["estimate"]["likely"] for s in out["stories"]}


@pytest.mark.parametrize(("profile", "params"), CASES, ids=IDS)
def test_each_value_shrinks_only_the_work_that_already_exists(profile, params):
    plans = {v: plan(profile, {**params, "evaluation_maturity": v}) for v in VALUES}
    points = {v: likely(out) for v, out in plans.items()}
    none, golden, harness = points["none"], points["golden-set"], points["harness"]
    assert set(none) == set(golden) == set(harness), "no story may appear or disappear"
    sets = [k for k in (QUESTION_SETS["fine-tuning"] if params.get("existing_rag") else QUESTION_SETS[profile])
            if k in none]
    assert sets, "the question-set story must be planned"
    for key in sets:
        assert golden[key] == harness[key] == pytest.approx(0.4 * none[key])
    assert golden["evaluation.harness"] == none["evaluation.harness"]
    assert harness["evaluation.harness"] == pytest.approx(0.4 * none["evaluation.harness"])
    shrunk = set(sets) | {"evaluation.harness"}
    assert {k: v for k, v in none.items() if k not in shrunk} == {k: v for k, v in harness.items() if k not in shrunk}
    totals = [plans[v]["total_estimate"]["likely"] for v in VALUES]
    assert totals[0] > totals[1] > totals[2]
    assert totals[0] - totals[1] == pytest.approx(0.6 * sum(none[k] for k in sets))
    assert totals[1] - totals[2] == pytest.approx(0.6 * none["evaluation.harness"])


@pytest.mark.parametrize(("profile", "params"), CASES, ids=IDS)
def test_no_dependency_and_no_harness_done_item_moves(profile, params):
    graphs, done = {}, {}
    for value in VALUES:
        backlog = build_backlog(profile, {**params, "evaluation_maturity": value})
        graph = build_graph(backlog).graph
        graphs[value] = (set(graph.nodes), set(graph.edges))
        done[value] = {s.key for s in backlog.stories if any(HARNESS_DOD in d for d in s.definition_of_done)}
    assert graphs["none"] == graphs["golden-set"] == graphs["harness"]
    assert done["none"] == done["golden-set"] == done["harness"]
    assert done["none"] and "evaluation.harness" not in done["none"]


def test_the_existing_work_is_named_verify_and_extend():
    stories = {s["key"]: s for s in plan("rag", {"evaluation_maturity": "harness"})["stories"]}
    assert "verify and extend" in stories["discovery.golden-set"]["title"]
    assert any("not rebuilt" in a for a in stories["evaluation.harness"]["acceptance"])


def test_an_unknown_value_names_the_choices():
    result = CliRunner().invoke(main, ["plan", "--profile", "rag", "--param", "evaluation_maturity=some",
                                       "--format", "json"])
    assert result.exit_code == 2 and not result.stdout
    assert "none, golden-set, harness" in result.stderr and "Traceback" not in result.stderr
