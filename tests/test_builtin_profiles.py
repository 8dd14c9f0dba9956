"""The built-in profiles (rag, fine-tuning, hybrid): every parameter value plans, every story is well formed,
nothing is unreachable or duplicated, each parameter visibly changes the backlog, and hybrid does no work twice."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import itertools
import json
import re

import networkx as nx
import pytest
import yaml

from sprintgen.profiles.resolve import build_backlog
from sprintgen.graph import build_graph
from sprintgen.pipeline import PlanRequest, build_plan
from sprintgen.profiles.merge import find_profile, load_merged, load_profile_file
from .support import run

BUILTINS = ("rag", "fine-tuning", "hybrid")
VOCABULARY = {"data-engineering", "search-retrieval", "ml-training", "mlops", "prompt-engineering", "evaluation",
              "security", "backend", "product"}
USER_STORY = re.compile(r"^As (a|an|the) [^,]+, I want .+, so that .+\.$", re.DOTALL)
START = dt.date(2027, 1, 4)
# Every condition switched on (hipaa is checked separately: it excludes gdpr).
ALL_ON = {"compliance": "gdpr", "traffic": "high", "multilingual": "true"}


@functools.lru_cache(maxsize=None)
def _backlog(profile: str, params: tuple[tuple[str, str], ...] = ()):
    return build_backlog(profile, dict(params))


def backlog(profile: str, **params: str):
    """The resolved backlog of a built-in profile with parameters given as strings (as on the command line)."""
    return _backlog(profile, tuple(sorted(params.items())))


@functools.lru_cache(maxsize=None)
def merged(profile_id: str):
    """The merged (extends resolved) profile, before parameters; cached, the tests only read it."""
    return load_merged(profile_id).profile


def keys(profile: str, **params: str) -> set[str]:
    return {s.key for s in backlog(profile, **params).stories}



def parameter_cases():
    """(profile, parameter, value) for every value worth planning: each choice, both booleans, bounds, list sizes."""
    cases = []
    for profile_id in BUILTINS:
        parameters = merged(profile_id).parameters
        for name, spec in parameters.items():
            if spec.type == "choice":
                values = [str(c) for c in spec.choices]
            elif spec.type == "bool":
                values = ["true", "false"]
            elif spec.type == "int":
                values = [str(int(spec.min)), str(int(spec.max))]
            elif spec.type == "number":
                values = [f"{spec.min:g}", f"{spec.max:g}"]
            elif spec.type == "list" and spec.choices:
                values = ["", *[str(c) for c in spec.choices], ",".join(str(c) for c in spec.choices)]
            elif spec.type == "list":
                values = ["", "alpha,beta,gamma"]
            else:  # pragma: no cover - the built-ins use no other type; a new one must be added here
                raise AssertionError(f"untested parameter type {spec.type} in {profile_id}")
            cases += [(profile_id, name, value) for value in values]
    return cases


def written_stories(profile_id: str):
    """(epic key, story) for every story of the merged profile, before parameters (titles still hold `{item}`)."""
    return [(epic.key, story) for epic in merged(profile_id).epics for story in epic.stories]


# --- every parameter value validates and plans -----------------------------------------------------------------------


@pytest.mark.parametrize("profile_id,name,value", parameter_cases())
def test_every_parameter_value_plans(profile_id, name, value):
    plan = build_plan(PlanRequest(profile=profile_id, params=(f"{name}={value}",), forecast=None,
                                  team_overrides={"start": START}))
    assert plan.stories and plan.sprints
    assert [f.message for f in plan.findings if f.level == "error"] == []
    sprint_of = {s.key: s.sprint for s in plan.stories}
    assert None not in sprint_of.values()
    for story in plan.stories:  # default team: sequential dependencies
        assert all(sprint_of[dep] < story.sprint for dep in story.depends_on), story.key


@pytest.mark.parametrize("profile_id", BUILTINS)
def test_everything_switched_on_plans_through_the_cli(profile_id):
    params = list(itertools.chain.from_iterable(("--param", f"{k}={v}") for k, v in ALL_ON.items()))
    result = run("plan", "--profile", profile_id, *params, "--format", "json", "--no-forecast",
                 "--start", "2027-01-04")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert all(s["sprint"] is not None for s in data["stories"])
    assert data["profile"]["parameters"]["compliance"] == ["gdpr"]


# --- story quality -----------------------------------------------------------------------------------------------


def _all_variants():
    return [(p, params) for p in BUILTINS
            for params in (ALL_ON, {**ALL_ON, "compliance": "hipaa"}, {**ALL_ON, "compliance": "gdpr,hipaa"})]


@pytest.mark.parametrize("profile_id,params", _all_variants())
def test_every_story_is_well_formed(profile_id, params):
    for story in backlog(profile_id, **params).stories:
        where = f"{profile_id}: {story.key}"
        assert story.title and "{item}" not in story.title, where
        assert USER_STORY.match(story.description), f"{where}: not 'As a ..., I want ..., so that ...'"
        assert len(story.acceptance) >= 2, where
        assert len(set(story.acceptance)) == len(story.acceptance), where
        assert all(len(a.split()) >= 5 for a in story.acceptance), f"{where}: an acceptance criterion too vague"
        assert story.estimate.low < story.estimate.high, f"{where}: an estimate range, not a single number"
        assert story.skills and set(story.skills) <= VOCABULARY, f"{where}: skills {story.skills}"
        assert story.definition_of_done, f"{where}: no Definition of Done (see tests/test_profile_done.py)"


@pytest.mark.parametrize("profile_id", BUILTINS)
def test_profile_and_every_epic_carry_their_own_definition_of_done(profile_id):
    resolved = backlog(profile_id, **ALL_ON)
    assert len(merged(profile_id).definition_of_done) >= 5  # by kind of story: see tests/test_profile_done.py
    for epic in resolved.epics:
        assert epic.goal, epic.key
        assert epic.definition_of_done, f"{profile_id}: epic {epic.key} has no Definition of Done of its own"
        for key in epic.stories:
            assert set(epic.definition_of_done) <= set(resolved.story(key).definition_of_done)


@pytest.mark.parametrize("profile_id", BUILTINS)
def test_risks_and_assumptions_come_from_the_profile(profile_id):
    resolved = backlog(profile_id)
    assert len(resolved.risks) >= 4 and len(resolved.assumptions) >= 3
    for risk in resolved.risks:
        assert 0 < risk.probability < 1 and risk.impact is not None and risk.mitigation, risk.title


# --- nothing unreachable, nothing duplicated ------------------------------------------------------------------------


@pytest.mark.parametrize("profile_id,params", _all_variants() + [(p, {}) for p in BUILTINS])
def test_no_story_is_unreachable(profile_id, params):
    """Every story leads to the staged rollout (the go-live): none floats outside the delivery path."""
    resolved = backlog(profile_id, **params)
    graph = build_graph(resolved).graph
    go_live = "launch.rollout"
    assert {s.key for s in resolved.stories} - nx.ancestors(graph, go_live) == {go_live}
    assert "launch.pilot" in nx.ancestors(graph, go_live)
    roots = {n for n in graph if graph.in_degree(n) == 0}
    assert {"discovery.use-case", "governance.data-map"} <= roots  # the data map starts in sprint 1: it gates data
    assert all(key.split(".")[0] in ("discovery", "ingest", "governance") for key in roots), roots


def _similar(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a.lower(), b.lower())
    # quick_ratio is an upper bound of ratio: skip the exact (slow) computation when it cannot reach the limit
    return matcher.ratio() if matcher.quick_ratio() >= 0.75 else matcher.quick_ratio()


def _want(description: str) -> str:
    match = re.search(r"I want (.+?), so that", description or "", re.DOTALL)
    return match.group(1) if match else ""


@pytest.mark.parametrize("profile_id", BUILTINS)
def test_no_story_is_duplicated(profile_id):
    """No two written stories with the same or near-same title or purpose ('I want ...')."""
    stories = written_stories(profile_id)
    for (epic_a, a), (epic_b, b) in itertools.combinations(stories, 2):
        pair = f"{profile_id}: {epic_a}.{a.key} / {epic_b}.{b.key}"
        assert _similar(a.title, b.title) < 0.75, f"near-duplicate titles: {pair}"
        assert _similar(_want(a.description), _want(b.description)) < 0.75, f"near-duplicate purpose: {pair}"
    resolved = backlog(profile_id, **ALL_ON)
    titles = [s.title for s in resolved.stories]
    assert len(titles) == len(set(titles))


# --- hybrid: both parents, merged, plus the combining work, nothing twice ---------------------------------------------


def _story_map(profile_id: str) -> dict:
    return {f"{epic}.{story.key}": story for epic, story in written_stories(profile_id)}


def test_shared_parameters_are_declared_identically_in_rag_and_fine_tuning():
    rag = merged("rag").parameters
    tuning = merged("fine-tuning").parameters
    shared = set(rag) & set(tuning)
    assert {"compliance", "traffic", "multilingual"} <= shared
    for name in shared:
        assert rag[name] == tuning[name], name


def test_hybrid_merges_shared_keys_instead_of_duplicating_them():
    rag, tuning, hybrid = _story_map("rag"), _story_map("fine-tuning"), _story_map("hybrid")
    shared = set(rag) & set(tuning)
    # the concerns the issue names: scoping, PII governance, compliance/audit, monitoring, launch
    for key in ("discovery.use-case", "governance.pii-redaction", "governance.audit", "monitoring.telemetry",
                "launch.pilot", "evaluation.harness"):
        assert key in shared
    own = load_profile_file(find_profile("hybrid")).profile
    removed = {f"{e.key}.{s.key}" for e in own.epics for s in e.stories if s.remove}
    added = {f"{e.key}.{s.key}" for e in own.epics for s in e.stories if not s.remove} - set(rag) - set(tuning)
    assert removed == {"training.baseline", "release.client"}
    assert added and all(key.startswith(("integration.", "running.")) for key in added)
    assert set(hybrid) == (set(rag) | set(tuning) | added) - removed


def test_hybrid_rewrites_every_shared_story_whose_parents_disagree():
    """Where rag and fine-tuning describe a shared story differently, hybrid states the work for both systems."""
    rag, tuning = _story_map("rag"), _story_map("fine-tuning")
    own = {f"{e.key}.{s.key}": s for e in load_profile_file(find_profile("hybrid")).profile.epics for s in e.stories}
    for key in set(rag) & set(tuning):
        for field in ("title", "description", "acceptance"):
            if getattr(rag[key], field) != getattr(tuning[key], field):
                assert field in own.get(key, rag[key]).model_fields_set and key in own, \
                    f"hybrid must rewrite {key}.{field}: rag and fine-tuning differ"


@pytest.mark.parametrize("params", [{}, ALL_ON, {**ALL_ON, "compliance": "hipaa"}])
def test_hybrid_keeps_every_dependency_of_both_parents(params):
    """Merging must not lose a dependency: a shared story waits for what it waited for in either parent."""
    hybrid = backlog("hybrid", **params)
    graph = build_graph(hybrid).graph
    for parent in ("rag", "fine-tuning"):
        for story in backlog(parent, **params).stories:
            if story.key not in graph:
                continue
            missing = {d for d in story.depends_on if d in graph} - nx.ancestors(graph, story.key)
            assert not missing, f"hybrid {story.key} lost dependencies {missing} from {parent}"


def test_hybrid_has_the_combining_work():
    resolved = backlog("hybrid")
    integration = [s for s in resolved.stories if s.epic == "integration"]
    text = " ".join(f"{s.title} {s.description}" for s in integration).lower()
    for concern in ("retrieved context", "which layer", "cross-system", "base model"):
        assert concern in text, concern
    runs = resolved.story("training.run-1")
    assert {"integration.context-examples", "integration.baseline"} <= set(runs.depends_on)
    assert "integration" in {key.split(".")[0] for key in resolved.story("launch.pilot").depends_on}
    assert len(resolved.stories) < len(backlog("rag").stories) + len(backlog("fine-tuning").stories)


# --- sizes and order --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("profile_id", ["rag", "fine-tuning"])
def test_base_profiles_have_a_realistic_size(profile_id):
    resolved = backlog(profile_id)
    assert 40 <= len(resolved.stories) <= 60
    points = sum(s.estimate.likely for s in resolved.stories)
    assert 6 * 30 <= points <= 9 * 30  # a quarter or two at 30 points a sprint


def _epic_order(profile_id: str) -> list[str]:
    return [e.key for e in backlog(profile_id).epics]


def test_rag_epics_follow_the_delivery_order_of_the_articles():
    order = _epic_order("rag")
    # article 000: data infrastructure -> embeddings -> orchestration -> prompt engineering (answer guards)
    sequence = ["discovery", "ingest", "content", "embeddings", "retrieval", "orchestration", "guards", "evaluation"]
    assert [k for k in order if k in sequence] == sequence
    assert order[0] == "discovery" and order[-1] == "launch"


def test_fine_tuning_epics_follow_the_model_lifecycle():
    order = _epic_order("fine-tuning")
    sequence = ["discovery", "dataset", "training", "evaluation", "release", "launch"]
    assert [k for k in order if k in sequence] == sequence
    assert order[-1] == "launch"


# --- each parameter visibly changes the backlog -----------------------------------------------------------------------


@pytest.mark.parametrize("profile_id", BUILTINS)
def test_compliance_adds_governance_retention_deletion_and_audit(profile_id):
    none, gdpr, hipaa = (keys(profile_id, compliance=c) for c in ("none", "gdpr", "hipaa"))
    assert {"governance.retention", "governance.audit"} & none == set()
    assert gdpr - none == {"governance.retention", "governance.audit", "governance.gdpr"}
    assert hipaa - none == {"governance.retention", "governance.audit", "governance.hipaa"}
    governed = backlog(profile_id, compliance="gdpr")
    assert "deletion" in governed.story("governance.retention").description


@pytest.mark.parametrize("profile_id,parameter,prefix", [
    ("rag", "data_sources", "ingest.source-"),
    ("hybrid", "data_sources", "ingest.source-"),
    ("fine-tuning", "example_sources", "dataset.collect-"),
    ("hybrid", "example_sources", "dataset.collect-"),
])
def test_each_source_adds_one_ingestion_story(profile_id, parameter, prefix):
    for sources in (["confluence"], ["confluence", "zendesk", "SharePoint Policies"]):
        resolved = backlog(profile_id, **{parameter: ",".join(sources)})
        ingest = [s for s in resolved.stories if s.key.startswith(prefix)]
        assert len(ingest) == len(sources)
        assert [s.key for s in ingest] == [prefix + re.sub(r"[^a-z0-9]+", "-", x.lower()) for x in sources]
        assert all(source in story.title for source, story in zip(sources, ingest))


@pytest.mark.parametrize("sources, keys", [
    ("売上,在庫,顧客", ["item-1", "item-2", "item-3"]),  # no ASCII at all: each item keeps its position
    ("C++,C#", ["c", "c-2"]),  # alike in ASCII: the later one gets its position
    ("Café,Zoë", ["cafe", "zoe"]),  # accents fold
    ("wiki,wiki,c-2,C++,C#", ["wiki", "c-2", "c", "c-5"]),  # the same item twice is one story
])
def test_every_distinct_source_keeps_its_own_story_and_key(sources, keys):
    result = run("plan", "--profile", "rag", "--param", f"data_sources={sources}",
                 "--format", "json", "--no-forecast")
    assert result.exit_code == 0, result.output
    stories = json.loads(result.stdout)["stories"]
    ingest = [s for s in stories if s["key"].startswith("ingest.source-")]
    assert [s["key"] for s in ingest] == ["ingest.source-" + k for k in keys]
    items = list(dict.fromkeys(sources.split(",")))
    assert [s["title"] for s in ingest] == [f"Ingest {item} with its permissions and metadata" for item in items]
    assert len({s["key"] for s in stories}) == len(stories)


@pytest.mark.parametrize("profile_id,extra", [
    ("rag", {"launch.load-test", "launch.cost-model", "orchestration.cache"}),
    ("fine-tuning", {"launch.load-test", "launch.cost-model", "release.inference-optimisation"}),
    ("hybrid", {"launch.load-test", "launch.cost-model", "orchestration.cache", "release.inference-optimisation"}),
])
def test_high_traffic_adds_load_and_cost_work(profile_id, extra):
    assert keys(profile_id, traffic="medium") - keys(profile_id, traffic="low") == {"launch.capacity-check"}
    assert keys(profile_id, traffic="high") - keys(profile_id, traffic="medium") == extra
    risks = {r.title for r in backlog(profile_id, traffic="high").risks} - {r.title for r in backlog(profile_id).risks}
    if profile_id != "fine-tuning":
        assert risks == {"Context-injection token costs grow with traffic"}


@pytest.mark.parametrize("profile_id", ["fine-tuning", "hybrid"])
def test_labelled_examples_scale_the_labelling_work(profile_id):
    total = [sum(s.estimate.likely for s in backlog(profile_id, labelled_examples=n).stories)
             for n in ("2500", "10000")]
    assert total[1] - total[0] == pytest.approx(3 * 8)  # three more batches of 2,500 examples, 8 points likely


@pytest.mark.parametrize("profile_id,extra", [
    ("rag", {"embeddings.multilingual", "evaluation.multilingual"}),
    ("fine-tuning", {"dataset.multilingual", "evaluation.multilingual"}),
    ("hybrid", {"embeddings.multilingual", "dataset.multilingual", "evaluation.multilingual"}),
])
def test_multilingual_adds_language_work(profile_id, extra):
    assert keys(profile_id, multilingual="true") - keys(profile_id, multilingual="false") == extra
    assert keys(profile_id, multilingual="false") <= keys(profile_id, multilingual="true")


# --- the effect is visible in `sprintgen show` ------------------------------------------------------------------------


def _shown(profile_id: str, *params: str) -> dict:
    args = ["show", profile_id]
    for param in params:
        args += ["--param", param]
    result = run(*args)
    assert result.exit_code == 0, result.output
    return yaml.safe_load(result.stdout)


def _shown_keys(document: dict) -> set[str]:
    return {f"{e['key']}.{s['key']}" for e in document["epics"] for s in e["stories"]}


def test_show_displays_each_parameter_effect():
    assert "governance.gdpr" in _shown_keys(_shown("rag", "compliance=gdpr")) - _shown_keys(_shown("rag"))
    sources = _shown_keys(_shown("rag", "data_sources=confluence,zendesk"))
    assert {"ingest.source-confluence", "ingest.source-zendesk"} <= sources
    assert "ingest.source-product-docs" not in sources
    assert "launch.load-test" in _shown_keys(_shown("hybrid", "traffic=high"))
    assert "evaluation.multilingual" in _shown_keys(_shown("fine-tuning", "multilingual=true"))
    document = _shown("fine-tuning", "labelled_examples=20000")
    batches = [s for e in document["epics"] if e["key"] == "dataset" for s in e["stories"]
               if s["key"].startswith("labelling-")]
    assert [s["key"] for s in batches] == [f"labelling-{n}" for n in range(1, 9)]
    assert document["parameters"]["labelled_examples"]["default"] == 20000  # the value used, as a valid profile


@pytest.mark.parametrize("args,fragment", [
    (["show", "rag", "--param", "traffic=extreme"], "parameter 'traffic': 'extreme' is not one of the choices"),
    (["show", "fine-tuning", "--param", "labelled_examples=50"], "50 is below the minimum 100"),
    (["show", "rag", "--param", "labelled_examples=1000"], "unknown parameter 'labelled_examples'"),
    (["plan", "--profile", "hybrid", "--param", "multilingual=maybe"], "'maybe' is not true or false"),
])
def test_bad_parameter_values_are_one_line_input_errors(args, fragment):
    result = run(*args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.stderr


def test_roadmap_carries_the_profile_risks_and_assumptions():
    result = run("plan", "--profile", "hybrid", "--param", "traffic=high", "--no-forecast", "--start", "2027-01-04")
    assert result.exit_code == 0, result.output
    for text in ("Weak retrieval leads to weak answers", "Data preparation and retraining become expensive",
                 "Failures cannot be attributed to retrieval or to the tuned model",
                 "Context-injection token costs grow with traffic",
                 "10,000 high-quality examples cost about"):
        assert text in result.stdout, text


def test_readme_and_docs_quote_the_current_profile_sizes():
    """The sizes quoted in README.md and docs/profiles.md are those of the profiles (update them when editing)."""
    from pathlib import Path

    from sprintgen.model import format_points

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    docs = (root / "docs" / "profiles.md").read_text(encoding="utf-8")
    for profile_id in BUILTINS:
        resolved = backlog(profile_id)
        low, high = (format_points(sum(getattr(s.estimate, f) for s in resolved.stories)) for f in ("low", "high"))
        quoted = f"{len(resolved.stories)} stories, {low}-{high} points"
        assert quoted in readme and quoted in docs, f"{profile_id}: update '{quoted}' in README.md and docs"
