"""The commitment (issue 14): the date a team can commit to is the forecast's percentile at the chosen confidence,
with the chance that the plan's own sprints are enough; epics are forecast from runs of the plan itself."""

from __future__ import annotations

import json

import numpy as np

from sprintgen.forecast.montecarlo import ForecastSettings, nearest_rank, run_forecast
from sprintgen.model import Backlog, BacklogEpic, BacklogStory, Estimate, Team
from sprintgen.scheduling.schedule import make_plan

from .support import START, chain, run, write_profile, write_team


def _spread_backlog() -> Backlog:
    rng = np.random.default_rng(21)
    stories, epics = [], {}
    for i in range(60):
        likely = float(rng.choice([2, 3, 5, 8]))
        deps = [f"s{i - 3}"] if i >= 3 and i % 2 else []
        stories.append(BacklogStory(key=f"s{i}", epic=f"e{i % 3}", title=f"S{i}", depends_on=deps,
                                    estimate=Estimate(low=likely * 0.6, likely=likely, high=likely * 2)))
        epics.setdefault(f"e{i % 3}", []).append(f"s{i}")
    return Backlog(profile_id="gen", profile_name="Generated", stories=stories,
                   epics=[BacklogEpic(key=k, title=k, stories=v) for k, v in epics.items()])


def _finish_of_every_trial(forecast: dict) -> list[int]:
    """The finish sprint of every trial, rebuilt from the histogram (shares of the trials per finish sprint)."""
    trials = forecast["trials"]
    return sorted(n for bar in forecast["histogram"] for n in [bar["sprints"]] * round(bar["share"] * trials))


def test_commitment_is_the_forecast_percentile_at_the_confidence():
    backlog = _spread_backlog()
    team = Team(velocity=20, sprint={"start": START})
    plan = make_plan(backlog, team)
    for confidence in (50, 70, 85, 95):
        forecast = run_forecast(backlog, team, ForecastSettings(trials=1000, confidence=confidence),
                                plan=plan).model_dump(mode="json")
        finishes = _finish_of_every_trial(forecast)
        assert len(finishes) == 1000
        expected = nearest_rank(finishes, confidence)
        assert forecast["commitment"]["sprints"] == expected
        assert forecast["commitment"]["confidence"] == confidence
        assert forecast["plan_probability"] == sum(f <= len(plan.sprints) for f in finishes) / 1000
    default = run_forecast(backlog, team, ForecastSettings(trials=1000), plan=plan).model_dump(mode="json")
    assert default["commitment"]["sprints"] == default["sprints"]["p85"]
    assert default["commitment"]["date"] == default["dates"]["p85"]
    assert default["plan_probability"] < 0.5  # the fastest packing is optimistic once sizes vary


def test_plan_json_states_commitment_and_plan_probability(tmp_path):
    profile = write_profile(tmp_path / "p.yaml", chain("a", 5, "3-8") + [{"key": "b.x", "estimate": "2-13"}])
    team = write_team(tmp_path / "team.yaml", velocity=10)
    result = run("plan", "--profile", str(profile), "--team", str(team), "--format", "json", "--confidence", "70")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    forecast = plan["forecast"]
    assert plan["commitment"] == forecast["commitment"]
    assert plan["commitment"]["confidence"] == 70
    assert plan["commitment"]["sprints"] == nearest_rank(_finish_of_every_trial(forecast), 70)
    assert plan["plan_probability"] == forecast["plan_probability"]
    assert 0 <= plan["plan_probability"] <= 1


def test_confidence_outside_50_to_95_is_refused(tmp_path):
    profile = write_profile(tmp_path / "p.yaml", chain("a", 2, 3))
    result = run("plan", "--profile", str(profile), "--confidence", "99")
    assert result.exit_code == 2
    assert "--confidence" in result.stderr and "Traceback" not in result.stderr


def test_zero_spread_epics_and_stories_finish_exactly_where_the_plan_put_them(tmp_path):
    # Deterministic case through the real CLI: epic forecasts equal the plan's last sprint of each epic.
    stories = chain("a", 4, 5) + [{"key": "b.x", "estimate": 8}, {"key": "b.y", "estimate": 6},
                                  {"key": "c.z", "estimate": 3, "depends_on": ["a.s1", "b.y"]}]
    profile = write_profile(tmp_path / "p.yaml", stories)
    team = write_team(tmp_path / "team.yaml", velocity=12, velocity_uncertainty=0)
    result = run("plan", "--profile", str(profile), "--team", str(team), "--format", "json", "--trials", "50")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    for epic, forecast in zip(plan["epics"], plan["forecast"]["epics"]):
        assert forecast["sprints"] == dict.fromkeys(("p50", "p85", "p95"), epic["last_sprint"])
    assert plan["commitment"]["sprints"] == len(plan["sprints"])
    assert plan["plan_probability"] == 1.0


def test_zero_spread_follows_the_plan_even_where_skills_moved_work_later():
    # The example team's skills make the planner move work to later sprints than capacity alone would; the old
    # forecast packing pulled it forward again (rag's discovery epic: P50 2 against sprint 3 in the plan).
    from pathlib import Path

    from sprintgen.capacity import load_team
    from sprintgen.profiles.resolve import build_backlog

    team = load_team(Path(__file__).parent.parent / "examples" / "team.yaml", {})
    team = team.model_copy(update={"velocity_history": [], "velocity_uncertainty": 0})
    for profile in ("rag", "hybrid"):
        backlog = build_backlog(profile, {})
        backlog.risks = []
        for story in backlog.stories:
            story.estimate = Estimate(low=story.estimate.likely, likely=story.estimate.likely,
                                      high=story.estimate.likely)
        plan = make_plan(backlog, team)
        forecast = run_forecast(backlog, team, ForecastSettings(trials=20), plan=plan).model_dump(mode="json")
        assert forecast["sprints"]["p95"] == len(plan.sprints)
        for epic, planned in zip(forecast["epics"], plan.epics):
            assert epic["sprints"]["p50"] == epic["sprints"]["p95"] == planned.last_sprint, epic["key"]


def test_forecast_text_states_the_commitment(tmp_path):
    profile = write_profile(tmp_path / "p.yaml", chain("a", 4, "3-8"))
    args = ("forecast", "--profile", str(profile), "--start", START, "--trials", "300")
    report = json.loads(run(*args, "--format", "json", "--confidence", "95").stdout)
    text = run(*args, "--confidence", "95").stdout
    commitment = report["commitment"]
    assert (f"Commit to {commitment['date']}: {commitment['sprints']} sprints, 95% confidence; the plan's own "
            f"{report['plan_sprints']} sprints have a {report['plan_probability']:.0%} chance") in text
