"""The tracking core: figures of a status report and the re-forecast of the remaining work (no CLI, no Jira)."""

from __future__ import annotations

from sprintgen.forecast.montecarlo import ForecastSettings
from sprintgen.model.progress import ItemProgress, Progress, SprintProgress

from .support import even_profile, plan_for, sprints_done, status_of

MINI = """\
id: mini
name: Mini
epics:
  - key: ingest
    title: Ingestion
    stories:
      - {key: store, title: Store, estimate: 3-5}
      - {key: pipeline, title: Pipeline, estimate: 5, depends_on: [ingest.store]}
  - key: answer
    title: Answering
    stories:
      - {key: retrieve, title: Retrieve, estimate: 8, depends_on: [ingest]}
      - {key: cite, title: Cite, estimate: 3, depends_on: [answer.retrieve]}
"""


def _mini(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(MINI, encoding="utf-8")
    return plan_for(path)


def test_figures_count_done_progress_scope_and_slips_exactly(tmp_path):
    plan, team = _mini(tmp_path)  # sprints: store 1, pipeline 2, retrieve 3, cite 4 (velocity 10)
    progress = Progress(source="t", items=[
        ItemProgress(key="ingest.store", status="done", points=4, sprint="Sprint 1"),
        ItemProgress(key="ingest.pipeline", status="in_progress", points=7, sprint="Sprint 3"),  # re-estimated 5->7
        ItemProgress(key="answer.retrieve", status="removed", points=8, sprint=None),
        ItemProgress(key="RAG-9", status="done", points=2, sprint="Sprint 2", epic="answer", title="Reranker"),
        ItemProgress(key="RAG-10", status="todo", points=None, sprint=None, epic="elsewhere"),
    ], sprints=[SprintProgress(name="Sprint 2", state="closed"), SprintProgress(name="Sprint 1", state="closed"),
                SprintProgress(name="Sprint 3", state="active")])
    report, replan = status_of(plan, team, progress, settings=ForecastSettings(trials=200))

    assert [(v.number, v.name, v.completed_points, v.capacity, v.planned_points) for v in report.velocity] == [
        (1, "Sprint 1", 4, 10, 4), (2, "Sprint 2", 2, 10, 5)]  # plan order, not board order
    assert report.closed_sprints == 2 and report.current_sprint == 3
    total = report.total
    assert (total.done_points, total.in_progress_points, total.remaining_points) == (6, 7, 10)
    assert (total.done_stories, total.in_progress_stories, total.remaining_stories, total.stories) == (2, 1, 3, 5)
    epics = {g.key: g for g in report.epics}
    assert (epics["ingest"].done_points, epics["ingest"].remaining_points) == (4, 7)
    assert (epics["answer"].done_points, epics["answer"].remaining_points) == (2, 3)  # retrieve removed, RAG-9 done
    assert epics["added"].stories == 1 and epics["added"].remaining_points == 0  # RAG-10, unestimated
    scope = report.scope
    assert (scope.planned_points, scope.added_points, scope.removed_points, scope.reestimated_points) == (20, 2, 8, 2)
    assert scope.current_points == 16 and scope.added == ["RAG-9", "RAG-10"] and scope.unestimated == ["RAG-10"]
    assert [(s.key, s.planned_sprint, s.status) for s in report.slipped] == [("ingest.pipeline", 2, "in_progress")]
    assert report.not_found == ["answer.cite"]
    assert any("not in the progress file" in n and "answer.cite" in n for n in report.notes)
    assert any("RAG-10" in n and "no points" in n for n in report.notes)
    # the re-plan: nothing in closed sprints, the in-progress story stays in the current sprint
    placed = {s.key: s.sprint for s in replan.stories}
    assert placed == {"ingest.pipeline": 3, "answer.cite": 3}  # its blocker was removed: it fits beside
    assert min(s.number for s in replan.sprints) == 3


def test_fewer_than_three_closed_sprints_fall_back_to_the_team_and_say_so(tmp_path):
    plan, team = plan_for(even_profile(tmp_path))
    two, _ = status_of(plan, team, sprints_done(plan, 2), settings=ForecastSettings(trials=200))
    assert two.reforecast.velocity_basis == "team"
    assert "only 2 sprints closed" in two.reforecast.velocity_note and "until 3 sprints are closed" in \
        two.reforecast.velocity_note
    three, _ = status_of(plan, team, sprints_done(plan, 3), settings=ForecastSettings(trials=200))
    assert three.reforecast.velocity_basis == "observed"
    assert three.reforecast.observed_velocities == [10, 10, 10]
    assert three.reforecast.forecast.velocity["history"] == [10, 10, 10]


def test_zero_spread_reproduces_the_deterministic_replan(tmp_path):
    plan, team = plan_for(even_profile(tmp_path))  # exact estimates; 3 sprints closed at exactly the capacity
    report, replan = status_of(plan, team, sprints_done(plan, 3), settings=ForecastSettings(trials=300))
    last = max(s.sprint for s in replan.stories)
    assert last == 5 and report.reforecast.replan_sprints == 5
    assert report.reforecast.sprints == {"p50": 5, "p85": 5, "p95": 5}
    assert report.reforecast.dates["p85"] == "2027-03-14"  # the end of sprint 5 in the plan's calendar
    previous = report.reforecast.previous  # the plan's own P85 (its forecast has velocity uncertainty)
    assert (previous.sprint, previous.date) == (plan.forecast.sprints.p85, plan.forecast.dates.p85.isoformat())
    assert report.reforecast.change_sprints == 5 - previous.sprint


def test_a_slower_observed_velocity_gives_a_later_p85(tmp_path):
    plan, team = plan_for(even_profile(tmp_path, low=3, high=9, per_epic=10), velocity=20)
    settings = ForecastSettings(trials=1000)
    # the same stories done and the same work left; only the points completed per sprint differ
    on_pace, _ = status_of(plan, team, sprints_done(plan, 3), settings=settings)
    slower, _ = status_of(plan, team, sprints_done(plan, 3, points=2.5), settings=settings)
    assert on_pace.reforecast.observed_velocities == [20, 20, 20]
    assert slower.reforecast.observed_velocities == [10, 10, 10]
    assert on_pace.total.remaining_points == slower.total.remaining_points
    assert slower.reforecast.sprints["p85"] > on_pace.reforecast.sprints["p85"]
    assert slower.reforecast.change_days > 0
    assert slower.burnup[-1].sprint >= slower.reforecast.sprints["p95"]


def test_nothing_pushed_is_explained_not_guessed(tmp_path):
    plan, team = _mini(tmp_path)
    report, _ = status_of(plan, team, Progress(source="t", tracker="jira", items=[
        ItemProgress(key="RAG-1", status="todo", points=3)]), settings=ForecastSettings(trials=100))
    assert report.not_found == [s.key for s in plan.stories]
    assert any("None of the plan's 4 stories is in Jira: push the plan first" in n for n in report.notes)
    assert report.scope.added == ["RAG-1"]
    assert report.total.remaining_points == 23  # the whole plan (20) and the added issue (3)


def test_the_replan_keeps_future_pins_and_frees_pins_in_closed_sprints(tmp_path):
    path = tmp_path / "pinned.yaml"
    pins = {"{key: store, title: Store, estimate: 3-5}": "{key: store, title: Store, estimate: 3-5, sprint: 1}",
            "{key: pipeline, title: Pipeline, estimate: 5,": "{key: pipeline, title: Pipeline, estimate: 5, sprint: 2,",
            "{key: cite, title: Cite, estimate: 3,": "{key: cite, title: Cite, estimate: 3, sprint: 6,"}
    text = MINI
    for old, new in pins.items():
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    plan, team = plan_for(path)
    assert {s.key: s.sprint for s in plan.stories} == {"ingest.store": 1, "ingest.pipeline": 2, "answer.retrieve": 3,
                                                       "answer.cite": 6}
    progress = Progress(source="t", items=[
        ItemProgress(key="ingest.store", status="done", points=4, sprint="Sprint 1"),
        ItemProgress(key="ingest.pipeline", status="todo", points=5, sprint="Sprint 3")],
        sprints=[SprintProgress(name=f"Sprint {n}", state="closed") for n in (1, 2)])
    report, replan = status_of(plan, team, progress, settings=ForecastSettings(trials=100))
    placed = {s.key: s.sprint for s in replan.stories}
    assert placed["answer.cite"] == 6  # pinned to a future sprint: kept
    assert placed["ingest.pipeline"] == 3  # pinned to sprint 2, now closed: it slipped and is planned first
    assert [s.key for s in report.slipped] == ["ingest.pipeline"]


def test_milestones_count_the_stories_that_complete_them(tmp_path):
    profile = even_profile(tmp_path)
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text + "milestones:\n  - {key: first, title: First slice, stories: [a.s1, a.s2]}\n"
                       "  - {key: beta, title: Beta done, stories: [b]}\n", encoding="utf-8")
    plan, team = plan_for(profile)
    report, _ = status_of(plan, team, sprints_done(plan, closed=1), settings=ForecastSettings(trials=50))
    milestones = {g.key: g for g in report.milestones}
    first, beta = milestones["first"], milestones["beta"]
    planned = {s.key: s.sprint for s in plan.stories}
    done_first = [k for k in ("a.s1", "a.s2") if planned[k] <= 1]
    assert (first.stories, first.done_stories, first.done_points) == (2, len(done_first), 5 * len(done_first))
    assert first.planned_last_sprint == max(planned["a.s1"], planned["a.s2"])
    assert (beta.stories, beta.done_stories, beta.remaining_points) == (5, 0, 25)
    assert beta.replanned_last_sprint is not None and beta.replanned_last_sprint >= beta.planned_last_sprint
