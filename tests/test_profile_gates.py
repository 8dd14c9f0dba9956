"""The gates a delivery lead expects, as dependencies: for every combination of the built-in profiles' parameters,
the gated work transitively waits for its gate in the resolved dependency graph.

- compliance work (the data map, and the assessment of every regime chosen) gates ingesting, indexing and
  collecting the regulated data;
- the baseline and the task metrics gate training;
- access control and ranking gate building training examples from retrieved context (hybrid);
- the kill switch and a tested rollback gate the pilot;
- the first tuned candidate and the perfect-context diagnostic gate the bulk of the labelling, and in a hybrid built
  on a running RAG system (`existing_rag`), that system's verified pilot decision too.
"""

from __future__ import annotations

import functools
import itertools

import networkx as nx
import pytest

from sprintgen.profiles.resolve import build_backlog
from sprintgen.graph import build_graph

BUILTINS = ("rag", "fine-tuning", "hybrid")
COMPLIANCE = ("none", "gdpr", "hipaa", "gdpr,hipaa")


def combinations(profile_id: str) -> list[dict[str, str]]:
    """Every combination of the parameters that switch work on or off (lists at their defaults)."""
    axes = {"compliance": COMPLIANCE, "traffic": ("low", "medium", "high"), "multilingual": ("false", "true")}
    if profile_id != "rag":
        axes["labelled_examples"] = ("100", "10000")
    if profile_id == "hybrid":
        axes["existing_rag"] = ("false", "true")
    names = list(axes)
    return [dict(zip(names, values)) for values in itertools.product(*axes.values())]


CASES = [(p, params) for p in BUILTINS for params in combinations(p)]
IDS = [f"{p}-" + "-".join(params.values()) for p, params in CASES]


@functools.lru_cache(maxsize=None)
def _resolved(profile_id: str, params: tuple[tuple[str, str], ...]):
    backlog = build_backlog(profile_id, dict(params))
    graph = build_graph(backlog).graph
    return backlog, graph


def resolved(profile_id: str, params: dict[str, str]):
    return _resolved(profile_id, tuple(sorted(params.items())))


def waits_for(graph: nx.DiGraph, story: str) -> set[str]:
    return nx.ancestors(graph, story)


def regulated(keys: set[str]) -> set[str]:
    """Stories that ingest, index or collect the data a regime regulates."""
    named = {"embeddings.index-build", "slice.source", "slice.seed-set", "slice.baseline",
             "evaluation.validation-set", "integration.context-examples"}
    return {k for k in keys if k in named or k.split(".")[0] == "ingest" and k not in (
        "ingest.access-model", "ingest.vector-store") or k.startswith(("dataset.collect-", "dataset.labelling-"))}


@pytest.mark.parametrize("profile_id,params", CASES, ids=IDS)
def test_compliance_gates_ingesting_indexing_and_collecting_regulated_data(profile_id, params):
    backlog, graph = resolved(profile_id, params)
    keys = {s.key for s in backlog.stories}
    gated = regulated(keys)
    assert gated, "no regulated work found: the gate would check nothing"
    regimes = [r for r in params["compliance"].split(",") if r != "none"]
    gates = {"governance.data-map", *(f"governance.{r}" for r in regimes)}
    assert gates <= keys
    for story in sorted(gated):
        missing = gates - waits_for(graph, story)
        assert not missing, f"{profile_id} {params}: {story} does not wait for {missing}"


@pytest.mark.parametrize("profile_id,params", [c for c in CASES if c[0] != "rag"],
                         ids=[i for i, c in zip(IDS, CASES) if c[0] != "rag"])
def test_baseline_and_task_metrics_gate_training(profile_id, params):
    backlog, graph = resolved(profile_id, params)
    baseline = "integration.baseline" if profile_id == "hybrid" else "training.baseline"
    runs = [s.key for s in backlog.stories if s.key.startswith("training.run-")]
    assert len(runs) >= 2, "training is planned as at least two time-boxed iterations"
    for run in runs:
        missing = {baseline, "evaluation.task-metrics"} - waits_for(graph, run)
        assert not missing, f"{profile_id}: {run} does not wait for {missing}"
    assert "slice.baseline" in waits_for(graph, "slice.candidate")  # the first candidate too has a baseline


@pytest.mark.parametrize("params", combinations("hybrid"), ids=lambda p: "-".join(p.values()))
def test_access_control_and_ranking_gate_training_examples_from_retrieved_context(params):
    backlog, graph = resolved("hybrid", params)
    gates = {"running.access-check"} if params["existing_rag"] == "true" else {"access.filter", "retrieval.ranking"}
    missing = gates - waits_for(graph, "integration.context-examples")
    assert not missing, f"restricted content could reach the weights: context examples do not wait for {missing}"
    for run in (s.key for s in backlog.stories if s.key.startswith("training.run-")):
        assert "integration.context-examples" in waits_for(graph, run)


ROLLBACK = {
    "rag": {"freshness.index-swap", "orchestration.prompt-template"},  # index switch-back, prompt rollback
    "fine-tuning": {"release.rollback"},
    "hybrid": {"freshness.index-swap", "orchestration.prompt-template", "release.rollback"},
    "hybrid-existing": {"running.rollback", "release.rollback"},  # the running system's rollback, rehearsed
}


@pytest.mark.parametrize("profile_id,params", CASES, ids=IDS)
def test_kill_switch_and_rollback_gate_the_pilot(profile_id, params):
    _, graph = resolved(profile_id, params)
    rollback = ROLLBACK["hybrid-existing" if params.get("existing_rag") == "true" else profile_id]
    missing = {"launch.kill-switch", *rollback} - waits_for(graph, "launch.pilot")
    assert not missing, f"{profile_id}: the pilot does not wait for {missing}"
    assert "launch.pilot" in waits_for(graph, "launch.rollout")


@pytest.mark.parametrize("profile_id,params", [c for c in CASES if c[0] != "rag"],
                         ids=[i for i, c in zip(IDS, CASES) if c[0] != "rag"])
def test_first_candidate_and_diagnostic_gate_the_bulk_labelling(profile_id, params):
    backlog, graph = resolved(profile_id, params)
    batches = [s.key for s in backlog.stories if s.key.startswith("dataset.labelling-")]
    assert batches
    for batch in batches:
        gates = {"slice.candidate", "discovery.context-diagnostic", "dataset.guidelines", "governance.access"}
        if params.get("existing_rag") == "true":
            gates.add("running.verify")  # the RAG pilot's stop-or-scale decision gates the bulk of the labelling
        missing = gates - waits_for(graph, batch)
        assert not missing, f"{profile_id}: {batch} does not wait for {missing}"
        assert batch in waits_for(graph, "dataset.quality-review")  # the review pass follows every batch
