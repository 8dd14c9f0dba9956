"""Definition of Done by kind of story: code items never land on a decision or a launch, each kind gets its own
items, and "the evaluation harness runs in CI" applies only to work planned after the harness exists."""

from __future__ import annotations

import networkx as nx
import pytest

from sprintgen.graph import build_graph
from sprintgen.profiles.resolve import build_backlog
from .support import run, write

CODE_REVIEW = "Code reviewed and merged with automated tests"
HARNESS = "The evaluation harness runs in CI on the change and no tracked metric drops below its agreed threshold"
PER_KIND = {
    "data": "Data changes are versioned with their lineage and checked by an automated test",
    "document": "Reviewed by the people it names and filed in the decision log with its owner and date",
    "evaluation": "Results archived with the versions they measured and reviewed with the business owner",
    "launch": "The business owner's go or no-go is recorded with the evidence it rests on",
    "code": CODE_REVIEW,
}


@pytest.mark.parametrize("profile_id,params", [("rag", {}), ("fine-tuning", {}), ("hybrid", {}),
                                               ("hybrid", {"existing_rag": "true", "compliance": "gdpr"})])
def test_each_story_gets_the_definition_of_done_of_its_kind(profile_id, params):
    backlog = build_backlog(profile_id, params)
    graph = build_graph(backlog).graph
    kinds = {s.kind for s in backlog.stories}
    assert kinds == set(PER_KIND), f"every kind is used: {kinds}"
    for story in backlog.stories:
        assert PER_KIND[story.kind] in story.definition_of_done, story.key
        others = {text for kind, text in PER_KIND.items() if kind != story.kind}
        assert not others & set(story.definition_of_done), f"{story.key} ({story.kind}) got another kind's items"
        after_harness = "evaluation.harness" in nx.ancestors(graph, story.key)
        assert (HARNESS in story.definition_of_done) == (after_harness and story.kind in ("code", "data")), story.key
    assert "document" == backlog.story("governance.data-map").kind
    assert CODE_REVIEW not in backlog.story("launch.pilot").definition_of_done


def test_kinds_and_after_in_a_custom_profile(tmp_path):
    profile = write(tmp_path / "dod.yaml", """
        id: dod
        definition_of_done:
          - Demoed
          - {text: Code reviewed, kinds: [code]}
          - {text: Checked by the harness, after: build.harness}
        epics:
          - key: build
            stories:
              - {key: scope, title: Scope, estimate: 1, kind: document}
              - {key: harness, title: Harness, estimate: 2, depends_on: [scope]}
              - {key: feature, title: Feature, estimate: 3, depends_on: [harness]}
    """)
    backlog = build_backlog(str(profile))
    dod = {s.key: s.definition_of_done for s in backlog.stories}
    assert dod == {"build.scope": ["Demoed"], "build.harness": ["Demoed", "Code reviewed"],
                   "build.feature": ["Demoed", "Code reviewed", "Checked by the harness"]}
    assert backlog.definition_of_done == ["Demoed"]  # what applies to every story
    bad = write(tmp_path / "bad.yaml", profile.read_text(encoding="utf-8").replace("after: build.harness",
                                                                                   "after: build.harnes"))
    result = run("plan", "--profile", str(bad), "--no-forecast")
    assert result.exit_code == 2
    assert "Definition-of-Done item 'Checked by the harness' is 'after' unknown story 'build.harnes'; closest " \
           "existing keys: build.harness" in result.stderr
