"""Profile loading: extends and overrides, parameters, `when`, `for_each`, `scale`, DoD union, dependencies."""

import pytest

from sprintgen.profiles.resolve import build_backlog
from sprintgen.errors import GraphError, ProfileError
from sprintgen.graph import build_graph

from .support import write

BASE = """
id: base
name: Base profile
parameters:
  compliance: {type: choice, choices: [none, gdpr, hipaa], default: none}
  sources: {type: list, default: [wiki]}
  examples: {type: int, default: 1000, min: 0}
  multilingual: {type: bool, default: false}
definition_of_done: [Reviewed]
risks:
  - {title: Weak retrieval, probability: 0.3, impact: 3-8}
assumptions: [Documents have owners]
epics:
  - key: ingest
    title: Ingestion
    definition_of_done: [Lineage recorded]
    stories:
      - key: source
        for_each: sources
        title: Ingest {item}
        description: As an engineer, I want {item} ingested, so that it is searchable.
        acceptance: ["{item} lands in staging", "failures are logged"]
        estimate: 3-8
        skills: [data-engineering]
      - key: clean
        title: Clean documents
        estimate: 5
        depends_on: [source]
        definition_of_done: [Owner signed off]
  - key: index
    title: Indexing
    stories:
      - key: embed
        title: Embed chunks
        estimate: {low: 2, likely: 3, high: 5}
        depends_on: [ingest]
      - key: label
        title: Label examples
        estimate: 10
        scale: "examples / 1000"
      - key: translate
        title: Translate
        estimate: 3
        when: multilingual
      - key: audit
        title: Audit trail
        estimate: 2
        when: "compliance in ['gdpr', 'hipaa']"
        depends_on: [index.embed]
"""


@pytest.fixture
def base(tmp_path):
    return write(tmp_path / "base.yaml", BASE)


def keys(backlog):
    return [s.key for s in backlog.stories]


def test_defaults(base):
    backlog = build_backlog(str(base))
    assert keys(backlog) == ["ingest.source-wiki", "ingest.clean", "index.embed", "index.label"]
    assert backlog.parameters == {"compliance": "none", "sources": ["wiki"], "examples": 1000,
                                  "multilingual": False}


def test_dod_is_profile_then_epic_then_story(base):
    backlog = build_backlog(str(base))
    assert backlog.story("ingest.clean").definition_of_done == ["Reviewed", "Lineage recorded", "Owner signed off"]
    assert backlog.story("index.embed").definition_of_done == ["Reviewed"]


def test_for_each_expands_one_story_per_item(base):
    backlog = build_backlog(str(base), {"sources": "Confluence, Zendesk tickets"})
    source_keys = [k for k in keys(backlog) if k.startswith("ingest.source")]
    assert source_keys == ["ingest.source-confluence", "ingest.source-zendesk-tickets"]
    story = backlog.story("ingest.source-zendesk-tickets")
    assert story.title == "Ingest Zendesk tickets"
    assert story.acceptance[0] == "Zendesk tickets lands in staging"
    # a dependency on the written key means every expanded story
    assert backlog.story("ingest.clean").depends_on == source_keys


def test_epic_key_dependency_means_all_its_stories(base):
    backlog = build_backlog(str(base), {"sources": "a,b"})
    assert backlog.story("index.embed").depends_on == ["ingest.source-a", "ingest.source-b", "ingest.clean"]


def test_when_conditions(base):
    assert "index.translate" not in keys(build_backlog(str(base)))
    assert "index.translate" in keys(build_backlog(str(base), {"multilingual": "yes"}))
    assert "index.audit" in keys(build_backlog(str(base), {"compliance": "gdpr"}))
    assert "index.audit" not in keys(build_backlog(str(base), {"compliance": "none"}))


def test_scale_multiplies_the_estimate(base):
    backlog = build_backlog(str(base), {"examples": "2500"})
    estimate = backlog.story("index.label").estimate
    assert (estimate.low, estimate.likely, estimate.high) == (25, 25, 25)


def test_bad_parameter_values(base):
    with pytest.raises(ProfileError) as info:
        build_backlog(str(base), {"compliance": "sox"})
    assert str(info.value) == (f"{base}: --param: parameter 'compliance': 'sox' is not one of the choices; "
                               "choose one of: none, gdpr, hipaa")
    with pytest.raises(ProfileError, match="is below the minimum 0"):
        build_backlog(str(base), {"examples": "-5"})
    with pytest.raises(ProfileError, match="'many' is not a number"):
        build_backlog(str(base), {"examples": "many"})


def test_unknown_parameter_names_the_closest(base):
    with pytest.raises(ProfileError) as info:
        build_backlog(str(base), {"complaince": "gdpr"})
    assert "unknown parameter 'complaince'; did you mean compliance?" in str(info.value)


def test_extends_overrides_by_key(tmp_path, base):
    child = write(tmp_path / "child.yaml", """
        id: child
        extends: [base.yaml]
        definition_of_done: [Demoed]
        parameters:
          multilingual: {type: bool, default: true}
        epics:
          - key: ingest
            stories:
              - key: clean
                estimate: 8
              - key: dedupe
                title: Deduplicate
                estimate: 2
                depends_on: [clean]
          - key: index
            stories:
              - key: label
                remove: true
          - key: launch
            title: Launch
            stories:
              - key: go-live
                title: Go live
                estimate: 1
                depends_on: [index]
    """)
    backlog = build_backlog(str(child))
    assert backlog.profile_id == "child"
    assert backlog.profile_name == "Base profile"  # inherited
    assert keys(backlog) == ["ingest.source-wiki", "ingest.clean", "ingest.dedupe", "index.embed",
                             "index.translate", "launch.go-live"]
    clean = backlog.story("ingest.clean")
    assert clean.estimate.likely == 8  # overridden
    assert clean.title == "Clean documents"  # inherited
    assert clean.definition_of_done == ["Reviewed", "Demoed", "Lineage recorded", "Owner signed off"]
    assert [r.title for r in backlog.risks] == ["Weak retrieval"]
    assert backlog.assumptions == ["Documents have owners"]
    assert backlog.story("launch.go-live").depends_on == ["index.embed", "index.translate"]


def test_extends_two_parents_later_wins(tmp_path, base):
    write(tmp_path / "other.yaml", """
        id: other
        epics:
          - key: index
            title: Index and rank
            stories:
              - key: embed
                title: Embed with a tuned model
                estimate: 13
    """)
    both = write(tmp_path / "both.yaml", """
        id: both
        extends: [base.yaml, other.yaml]
    """)
    backlog = build_backlog(str(both))
    assert backlog.story("index.embed").title == "Embed with a tuned model"
    assert backlog.epics[1].title == "Index and rank"
    assert keys(backlog).count("index.embed") == 1


def test_extends_cycle(tmp_path):
    write(tmp_path / "a.yaml", "id: a\nextends: [b.yaml]\n")
    write(tmp_path / "b.yaml", "id: b\nextends: [a.yaml]\n")
    with pytest.raises(ProfileError) as info:
        build_backlog(str(tmp_path / "a.yaml"))
    assert "'extends' cycle: a -> b -> a" in str(info.value)


def test_extends_missing_parent(tmp_path):
    path = write(tmp_path / "a.yaml", "id: a\nextends: [no-such-profile]\n")
    with pytest.raises(ProfileError) as info:
        build_backlog(str(path))
    assert str(info.value).startswith(f"{path}:2: extends: unknown profile 'no-such-profile'")


def test_unknown_reference_names_the_closest_keys(tmp_path):
    path = write(tmp_path / "p.yaml", """
        id: p
        epics:
          - key: ingest
            stories:
              - {key: parse, title: Parse, estimate: 3}
              - {key: chunk, title: Chunk, estimate: 3, depends_on: [ingest.prase]}
    """)
    with pytest.raises(GraphError) as info:
        build_backlog(str(path))
    assert str(info.value) == (f"{path}:6: ingest.chunk.depends_on: story 'ingest.chunk' depends on unknown key "
                               "'ingest.prase'; closest existing keys: ingest.parse, ingest")


def test_cycle_is_printed(tmp_path):
    path = write(tmp_path / "p.yaml", """
        id: p
        epics:
          - key: e
            stories:
              - {key: a, title: A, estimate: 1, depends_on: [c]}
              - {key: b, title: B, estimate: 1, depends_on: [a]}
              - {key: c, title: C, estimate: 1, depends_on: [b]}
    """)
    backlog = build_backlog(str(path))
    with pytest.raises(GraphError) as info:
        build_graph(backlog)
    assert str(info.value) == (f"{path}: dependency cycle: e.a -> e.b -> e.c -> e.a; "
                               "remove one of these depends_on links")


def test_self_dependency(tmp_path):
    path = write(tmp_path / "p.yaml", """
        id: p
        epics:
          - key: e
            stories:
              - {key: a, title: A, estimate: 1, depends_on: [e]}
    """)
    with pytest.raises(GraphError, match="story 'e.a' depends on itself \\(through its epic 'e'\\)"):
        build_backlog(str(path))


def test_unknown_field_names_path_and_line(tmp_path):
    path = write(tmp_path / "p.yaml", """
        id: p
        epics:
          - key: e
            stories:
              - key: a
                title: A
                estimate: 1
                depends: [b]
    """)
    with pytest.raises(ProfileError) as info:
        build_backlog(str(path))
    assert str(info.value) == (f"{path}:8: epics[0].stories[0].depends: unknown field; check the spelling "
                               "against the format in README.md")


def test_bad_estimate_names_path_and_line(tmp_path):
    path = write(tmp_path / "p.yaml", """
        id: p
        epics:
          - key: e
            stories:
              - key: a
                title: A
                estimate: 8-3
    """)
    with pytest.raises(ProfileError) as info:
        build_backlog(str(path))
    assert str(info.value) == (f"{path}:7: epics[0].stories[0].estimate: need low <= likely <= high, "
                               "got low=8, likely=5.5, high=3")


def test_yaml_syntax_error_keeps_line_and_column(tmp_path):
    path = write(tmp_path / "p.yaml", "id: p\nepics:\n  - key: [unclosed\n")
    with pytest.raises(ProfileError.__mro__[1]) as info:
        build_backlog(str(path))
    assert str(info.value).startswith(f"{path}:4: column 1: YAML syntax error")


def test_a_bare_name_means_the_story_of_the_same_epic_before_an_epic_key(tmp_path):
    path = write(tmp_path / "p.yaml", """
        id: p
        epics:
          - key: pilot
            title: Pilot
            stories:
              - {key: run, title: Run the pilot, estimate: 3}
          - key: launch
            title: Launch
            stories:
              - {key: pilot, title: Pilot launch, estimate: 2}
              - {key: rollout, title: Roll out, estimate: 2, depends_on: [pilot]}
    """)
    backlog = build_backlog(str(path))
    assert backlog.story("launch.rollout").depends_on == ["launch.pilot"]


def test_merged_order_keeps_both_parents_orders_where_they_agree():
    from sprintgen.profiles.merge import merged_order

    rag = ["discovery", "ingest", "guards", "evaluation", "governance", "launch"]
    fine_tuning = [("discovery", False), ("dataset", False), ("training", False), ("evaluation", False),
                   ("guards", False), ("release", False), ("governance", False), ("launch", False)]
    assert merged_order(rag, fine_tuning) == ["discovery", "ingest", "guards", "dataset", "training", "evaluation",
                                              "release", "governance", "launch"]
    assert merged_order(["a", "b"], [("b", True), ("c", False)]) == ["a", "c"]
    assert merged_order(["a", "b"], [("new", False), ("b", False)]) == ["a", "new", "b"]


def test_builtin_hybrid_orders_fine_tuning_epics_before_evaluation_and_launch():
    backlog = build_backlog("hybrid")
    order = [e.key for e in backlog.epics]
    assert order.index("training") < order.index("integration") < order.index("evaluation")
    assert order.index("release") < order.index("launch") and order[-1] == "launch"
