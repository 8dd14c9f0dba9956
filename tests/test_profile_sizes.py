"""Honest relative sizes of the built-in profiles: fine-tuning is more work than rag, a hybrid more than either
(built from scratch or on a running RAG system), labelling comes in batches of at most a sprint that scale with
`labelled_examples`, and training is planned as time-boxed iterations, not one story."""

from __future__ import annotations

import functools
import itertools

import pytest

from sprintgen.profiles.resolve import build_backlog
from sprintgen.graph import build_graph

SPRINT_POINTS = 30  # the default team's velocity


@functools.lru_cache(maxsize=None)
def _likely(profile_id: str, params: tuple[tuple[str, str], ...]) -> float:
    return sum(s.estimate.likely for s in build_backlog(profile_id, dict(params)).stories)


def likely(profile_id: str, **params: str) -> float:
    """The likely total in points of a built-in profile with these parameters."""
    return _likely(profile_id, tuple(sorted(params.items())))


SHARED = [dict(zip(("compliance", "traffic", "multilingual"), values)) for values in itertools.product(
    ("none", "gdpr,hipaa"), ("low", "high"), ("false", "true"))]


@pytest.mark.parametrize("params", [{}, *SHARED], ids=lambda p: "-".join(p.values()) or "defaults")
def test_fine_tuning_is_more_work_than_rag(params):
    # 000: fine-tuning is "a monolithic waterfall project hidden inside an Agile framework"; 004: RAG is
    # "genuinely simpler. Faster to ship."
    assert likely("fine-tuning", **params) > likely("rag", **params) + SPRINT_POINTS / 2


@pytest.mark.parametrize("existing_rag", ["false", "true"])
@pytest.mark.parametrize("params", [{}, *SHARED], ids=lambda p: "-".join(p.values()) or "defaults")
def test_hybrid_is_more_work_than_either(params, existing_rag):
    # 003: a hybrid asks the team to do retrieval, labelling, training, cross-system evaluation and governance
    # across both data and models "all of this well"
    hybrid = likely("hybrid", existing_rag=existing_rag, **params)
    assert hybrid > likely("fine-tuning", **params) and hybrid > likely("rag", **params)


def test_a_running_rag_system_makes_the_hybrid_smaller_but_not_small():
    built, on_running = likely("hybrid", existing_rag="false"), likely("hybrid", existing_rag="true")
    assert on_running < built - 3 * SPRINT_POINTS  # the RAG build is verified and extended, not redone
    assert on_running > likely("fine-tuning")


@pytest.mark.parametrize("profile_id", ["fine-tuning", "hybrid"])
@pytest.mark.parametrize("examples,batches", [("100", 1), ("2500", 1), ("5000", 2), ("10000", 4), ("100000", 40)])
def test_labelling_is_split_into_batches_of_at_most_a_sprint(profile_id, examples, batches):
    backlog = build_backlog(profile_id, {"labelled_examples": examples})
    found = [s for s in backlog.stories if s.key.startswith("dataset.labelling-")]
    assert [s.key for s in found] == [f"dataset.labelling-{n}" for n in range(1, batches + 1)]
    for story in found:
        assert story.estimate.high <= SPRINT_POINTS, f"{story.key} is more than a sprint's work"
        assert "2,500" in story.title
    graph = build_graph(backlog).graph
    for story in found:  # the guideline pass before every batch, the review pass after all of them
        assert "dataset.guidelines" in story.depends_on
        assert graph.has_edge(story.key, "dataset.quality-review")


@pytest.mark.parametrize("profile_id", ["fine-tuning", "hybrid"])
def test_training_is_time_boxed_runs_with_a_second_iteration(profile_id):
    backlog = build_backlog(profile_id, {})
    runs = [s for s in backlog.stories if s.epic == "training" and s.key.startswith("training.run-")]
    assert [s.key for s in runs] == ["training.run-1", "training.run-2"]
    assert "training.run-1" in backlog.story("training.run-2").depends_on
    assert "time box" in " ".join(runs[0].acceptance)
    assert all(s.estimate.high <= SPRINT_POINTS / 2 for s in runs)  # an experiment fits in half a sprint
    first = backlog.story("slice.candidate")
    assert "time box" in " ".join(first.acceptance)


def test_for_each_count_expression_splits_work(tmp_path):
    profile = tmp_path / "batches.yaml"
    profile.write_text(
        "id: batches\n"
        "parameters:\n"
        "  items: {type: int, default: 7000}\n"
        "epics:\n"
        "  - key: work\n"
        "    stories:\n"
        "      - key: batch\n"
        "        for_each: \"max(1, round(items / 2500))\"\n"
        "        title: \"Batch {item}\"\n"
        "        estimate: 3-5\n", encoding="utf-8")
    keys = [s.key for s in build_backlog(str(profile), {}).stories]
    assert keys == ["work.batch-1", "work.batch-2", "work.batch-3"]
    assert [s.title for s in build_backlog(str(profile), {"items": "100"}).stories] == ["Batch 1"]
