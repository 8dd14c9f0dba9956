"""The Monte Carlo forecast (issue 5): reproducibility, sanity properties, dependencies and capacity, the CLI."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from sprintgen.errors import TeamError
from sprintgen.forecast.montecarlo import (DEFAULT_SEED, DEFAULT_TRIALS, ForecastSettings, nearest_rank, range_text,
                                           run_forecast)
from sprintgen.forecast.packing import CapacityGrid, pack_one, pack_trials, priority_order
from sprintgen.model import Backlog, BacklogEpic, BacklogStory, Estimate, Member, Team
from sprintgen.scheduling.schedule import make_plan

from .support import START, chain, forecast_json, run, write_profile, write_team

FIXED_TEAM = {"velocity": 10, "velocity_uncertainty": 0}


# --- reproducibility ------------------------------------------------------------------------------------------------


def test_same_seed_gives_exactly_the_same_forecast(tmp_path):
    profile = write_profile(tmp_path / "p.yaml", chain("a", 4, "2-8") + [{"key": "b.x", "estimate": "1-13"}])
    args = ("--profile", str(profile), "--start", START, "--trials", "300")
    first = forecast_json(*args, "--seed", "7")
    assert forecast_json(*args, "--seed", "7") == first
    other = forecast_json(*args, "--seed", "8")
    assert other["seed"] == 8 and first["seed"] == 7
    assert other["points"] != first["points"]  # the seed is really used


def test_default_seed_is_fixed_so_the_plan_json_is_stable(tmp_path):
    profile = write_profile(tmp_path / "p.yaml", chain("a", 3, "3-8"))
    outputs = [run("plan", "--profile", str(profile), "--start", START, "--format", "json") for _ in range(2)]
    assert outputs[0].exit_code == 0, outputs[0].stderr
    forecasts = [json.loads(o.stdout)["forecast"] for o in outputs]
    assert forecasts[0] == forecasts[1]
    assert forecasts[0]["seed"] == DEFAULT_SEED and forecasts[0]["trials"] == DEFAULT_TRIALS


def test_help_states_the_real_default_trials():
    result = run("forecast", "--help")
    assert f"(default: {DEFAULT_TRIALS}; fewer above 1,000 stories)" in " ".join(result.stdout.split())


def test_default_trials_shrink_for_huge_backlogs_to_bound_memory():
    from sprintgen.forecast.montecarlo import MIN_AUTO_TRIALS, default_trials

    assert default_trials(38) == DEFAULT_TRIALS
    assert default_trials(1_000) == DEFAULT_TRIALS
    assert default_trials(10_000) == 200
    assert default_trials(1_000_000) == MIN_AUTO_TRIALS
    assert ForecastSettings().trials is None  # auto; an explicit --trials is always honoured


# --- sanity properties ----------------------------------------------------------------------------------------------


def test_zero_spread_equals_the_deterministic_plan(tmp_path):
    # Single-number estimates, no velocity uncertainty, no risks, no growth: every trial is the same plan.
    stories = chain("a", 3, 4) + [{"key": "b.x", "estimate": 6}, {"key": "b.y", "estimate": 6},
                                  {"key": "c.z", "estimate": 3, "depends_on": ["a.s2", "b.y"]}]
    profile = write_profile(tmp_path / "p.yaml", stories)
    team = write_team(tmp_path / "team.yaml", **FIXED_TEAM)
    forecast = forecast_json("--profile", str(profile), "--team", str(team), "--trials", "200")
    sprints = forecast["sprints"]
    assert sprints["p50"] == sprints["p85"] == sprints["p95"] == sprints["min"] == sprints["max"]
    assert sprints["p50"] == forecast["deterministic_sprints"] == forecast["plan_sprints"] == 4
    assert forecast["points"] == {"p50": 27.0, "p85": 27.0, "p95": 27.0}
    assert forecast["velocity_model"] == "fixed" and forecast["risks_included"] == 0


def test_zero_spread_matches_the_same_packing_rule_on_a_bigger_backlog():
    backlog = _random_backlog(120, seed=3, spread=False)
    team = Team(velocity=20, velocity_uncertainty=0, sprint={"start": START})
    forecast = run_forecast(backlog, team, ForecastSettings(trials=50)).model_dump(mode="json")
    index = {s.key: i for i, s in enumerate(backlog.stories)}
    preds = [[index[d] for d in s.depends_on] for s in backlog.stories]
    sizes = [s.estimate.likely for s in backlog.stories]
    reference = pack_one(sizes, preds, priority_order(sizes, preds), lambda n: 20.0, True, {}, 10_000)
    assert forecast["sprints"]["min"] == forecast["sprints"]["max"] == max(reference)
    assert forecast["deterministic_sprints"] == max(reference)


@pytest.mark.parametrize("dependencies", ["sequential", "concurrent"])
def test_zero_spread_reproduces_the_optimised_plan(dependencies):
    # Every trial follows the plan (its order, no story before its planned sprint): with planned sizes and
    # capacities, every story lands in its planned sprint, so the plan and every epic finish exactly as planned.
    backlog = _random_backlog(150, seed=4, spread=False)
    team = Team(velocity=18, velocity_uncertainty=0, dependencies=dependencies, sprint={"start": START})
    plan = make_plan(backlog, team)
    forecast = run_forecast(backlog, team, ForecastSettings(trials=40), plan=plan).model_dump(mode="json")
    assert forecast["plan_sprints"] == len(plan.sprints)
    assert forecast["sprints"]["min"] == forecast["sprints"]["max"] == forecast["deterministic_sprints"]
    assert forecast["deterministic_sprints"] == len(plan.sprints) and forecast["plan_probability"] == 1.0
    for epic, planned in zip(forecast["epics"], plan.epics):
        assert epic["key"] == planned.key
        assert epic["sprints"] == {"p50": planned.last_sprint, "p85": planned.last_sprint,
                                   "p95": planned.last_sprint}


def test_percentiles_are_ordered_for_the_plan_and_every_epic():
    backlog = _random_backlog(80, seed=5, spread=True)
    forecast = run_forecast(backlog, Team(velocity=25, sprint={"start": START}),
                            ForecastSettings(trials=500)).model_dump(mode="json")
    for entry in [forecast] + forecast["epics"]:
        s = entry["sprints"]
        assert s["p50"] <= s["p85"] <= s["p95"]
        dates = entry["dates"]
        assert dates["p50"] <= dates["p85"] <= dates["p95"]
    assert forecast["sprints"]["min"] <= forecast["sprints"]["p50"] <= forecast["sprints"]["max"]
    assert forecast["points"]["p50"] <= forecast["points"]["p85"] <= forecast["points"]["p95"]
    assert max(e["sprints"]["p95"] for e in forecast["epics"]) <= forecast["sprints"]["p95"]


def test_more_uncertainty_widens_the_spread():
    calm = _random_backlog(60, seed=9, spread=True, width=0.2)
    wild = _random_backlog(60, seed=9, spread=True, width=2.0)
    settings = ForecastSettings(trials=800)
    narrow = run_forecast(calm, Team(velocity=15, velocity_uncertainty=0.02, sprint={"start": START}),
                          settings).model_dump(mode="json")
    wide = run_forecast(wild, Team(velocity=15, velocity_uncertainty=0.4, sprint={"start": START}),
                        settings).model_dump(mode="json")
    assert wide["sprints"]["max"] - wide["sprints"]["min"] > narrow["sprints"]["max"] - narrow["sprints"]["min"]
    assert wide["sprints"]["p95"] - wide["sprints"]["p50"] > narrow["sprints"]["p95"] - narrow["sprints"]["p50"]
    assert wide["estimate"]["p95"] - wide["estimate"]["p5"] > narrow["estimate"]["p95"] - narrow["estimate"]["p5"]


# --- the packing respects dependencies and capacity -----------------------------------------------------------------


@pytest.mark.parametrize("sequential", [True, False])
def test_vectorised_packing_equals_the_plain_python_rule_trial_by_trial(sequential):
    rng = np.random.default_rng(11)
    count, trials = 40, 60
    preds = [sorted(set(rng.choice(i, size=min(i, int(rng.integers(0, 3))), replace=False).tolist())) if i else []
             for i in range(count)]
    sizes = rng.uniform(0, 9, size=(trials, count))
    sizes[:, 5] = 0.0  # a zero-size story
    sizes[:, 7] = 25.0  # larger than any sprint: takes an empty sprint alone
    pins = {12: 4}
    base = {n: (0.0 if n == 3 else 10.0) for n in range(1, 500)}  # sprint 3 has no capacity at all
    grid = CapacityGrid(base.__getitem__, lambda t, c: rng.uniform(0.5, 1.5, size=(t, c)), trials)
    order = priority_order(sizes[0].tolist(), preds)
    packed = pack_trials(sizes, preds, order, grid, sequential, pins, 500)
    for t in range(trials):
        capacity = grid.capacity[t]
        expected = pack_one(sizes[t].tolist(), preds, order, lambda n: capacity[n - 1], sequential, pins, 500)
        assert packed[t].tolist() == expected
        for task, task_preds in enumerate(preds):
            for p in task_preds:
                assert packed[t, task] > packed[t, p] if sequential else packed[t, task] >= packed[t, p]
        assert packed[t, 12] >= 4
        loads = np.bincount(packed[t] - 1, weights=sizes[t], minlength=grid.width)
        for column, load in enumerate(loads):
            alone = ((packed[t] == column + 1) & (sizes[t] > 0)).sum() == 1  # zero-size stories cost nothing
            pinned_here = packed[t, 12] == column + 1 == 4  # a pin is kept, full or not, as the plan keeps it
            assert load <= capacity[column] + 1e-9 or alone or pinned_here
        assert 3 not in packed[t][sizes[t] > 0].tolist()


def test_pinned_story_is_not_forecast_before_its_sprint(tmp_path):
    profile = write_profile(tmp_path / "p.yaml", [{"key": "a.early", "estimate": 1}, {"key": "a.late", "estimate": 1,
                            "sprint": 3}])
    forecast = forecast_json("--profile", str(profile), "--team", str(write_team(tmp_path / "team.yaml", **FIXED_TEAM)))
    assert forecast["sprints"]["p50"] == 3


@pytest.mark.parametrize("dependencies", ["sequential", "concurrent"])
def test_a_story_pinned_into_a_sprint_without_capacity_is_forecast_where_the_plan_put_it(tmp_path, dependencies):
    profile = write_profile(tmp_path / "p.yaml", [{"key": "a.pinned", "estimate": 5, "sprint": 1},
                            {"key": "a.after", "estimate": 5, "depends_on": ["a.pinned"]}])
    team = write_team(tmp_path / "team.yaml", **FIXED_TEAM, dependencies=dependencies,
                      sprints=[{"number": 1, "capacity": 0}])
    plan = json.loads(run("plan", "--profile", str(profile), "--team", str(team), "--format", "json").stdout)
    used = max(s["sprint"] for s in plan["stories"])
    assert plan["forecast"]["deterministic_sprints"] == used
    assert plan["forecast"]["sprints"]["p50"] == plan["forecast"]["sprints"]["p95"] == used  # no spread: certain


def test_concurrent_dependencies_share_a_sprint(tmp_path):
    profile = write_profile(tmp_path / "p.yaml", chain("a", 3, 2))
    team = write_team(tmp_path / "team.yaml", **FIXED_TEAM)
    sequential = forecast_json("--profile", str(profile), "--team", str(team))
    concurrent = forecast_json("--profile", str(profile), "--team", str(team), "--dependencies", "concurrent")
    assert sequential["sprints"]["p50"] == 3 and concurrent["sprints"]["p50"] == 1
    assert concurrent["dependencies"] == "concurrent"


def test_a_team_without_capacity_is_an_error():
    backlog = _random_backlog(3, seed=1, spread=False)
    team = Team(members=[Member(name="Ana", capacity=0)], sprint={"start": START})
    with pytest.raises(TeamError, match="no sprint with capacity"):
        run_forecast(backlog, team, ForecastSettings(trials=10))


# --- velocity, growth, risks ----------------------------------------------------------------------------------------


def test_velocity_history_is_bootstrapped_at_its_own_level(tmp_path):
    profile = write_profile(tmp_path / "p.yaml", [{"key": f"a.s{i}", "estimate": 5} for i in range(12)])  # 60 points
    planned = write_team(tmp_path / "planned.yaml", velocity=30, velocity_uncertainty=0)
    history = write_team(tmp_path / "history.yaml", velocity=30, velocity_history=[10, 10, 10])
    assert forecast_json("--profile", str(profile), "--team", str(planned))["sprints"]["p50"] == 2
    forecast = forecast_json("--profile", str(profile), "--team", str(history))
    assert forecast["sprints"]["p50"] == forecast["sprints"]["p95"] == 6
    assert forecast["velocity_model"] == "bootstrap" and forecast["velocity"]["history"] == [10, 10, 10]


def test_velocity_history_spread_widens_the_forecast(tmp_path):
    profile = write_profile(tmp_path / "p.yaml", [{"key": f"a.s{i}", "estimate": 2} for i in range(40)])  # 80 points
    team = write_team(tmp_path / "team.yaml", velocity=20, velocity_history=[8, 20, 32])
    sprints = forecast_json("--profile", str(profile), "--team", str(team), "--trials", "1000")["sprints"]
    assert sprints["min"] < sprints["p50"] < sprints["max"]


def test_scope_growth_from_the_option_and_the_team_file(tmp_path):
    profile = write_profile(tmp_path / "p.yaml", [{"key": f"a.s{i}", "estimate": 5} for i in range(4)])  # 20 points
    team = write_team(tmp_path / "team.yaml", **FIXED_TEAM)
    base = forecast_json("--profile", str(profile), "--team", str(team))
    doubled = forecast_json("--profile", str(profile), "--team", str(team), "--scope-growth", "1-1")
    assert base["sprints"]["p50"] == 2 and doubled["sprints"]["p50"] == 4
    assert doubled["points"]["p50"] == 40.0 and doubled["scope_growth"] == {"low": 1, "likely": 1, "high": 1}
    grown = write_team(tmp_path / "grown.yaml", **FIXED_TEAM, scope_growth="0.5-0.5")
    assert forecast_json("--profile", str(profile), "--team", str(grown))["points"]["p50"] == 30.0


def test_risks_add_work_when_they_fire(tmp_path):
    stories = [{"key": f"a.s{i}", "estimate": 5} for i in range(4)]
    certain = write_profile(tmp_path / "r1.yaml", stories, "r1",
                            risks=[{"title": "Rework", "probability": 1, "impact": 20}])
    never = write_profile(tmp_path / "r2.yaml", stories, "r2", risks=[{"title": "Calm", "probability": 0, "impact": 20},
                          {"title": "No impact", "probability": 0.5}])
    team = write_team(tmp_path / "team.yaml", **FIXED_TEAM)
    fired = forecast_json("--profile", str(certain), "--team", str(team))
    assert fired["risks_included"] == 1 and fired["points"]["p50"] == 40.0 and fired["sprints"]["p50"] == 4
    calm = forecast_json("--profile", str(never), "--team", str(team))
    assert calm["risks_included"] == 0 and calm["points"]["p50"] == 20.0 and calm["sprints"]["p50"] == 2


def test_a_likely_risk_moves_the_percentiles(tmp_path):
    stories = [{"key": f"a.s{i}", "estimate": 5} for i in range(4)]
    profile = write_profile(tmp_path / "p.yaml", stories,
                            risks=[{"title": "Rework", "probability": 0.3, "impact": "15-25"}])
    forecast = forecast_json("--profile", str(profile), "--team", str(write_team(tmp_path / "team.yaml", **FIXED_TEAM)),
                             "--trials", "1000")
    assert forecast["sprints"]["p50"] == 2 and forecast["sprints"]["p95"] >= 4


# --- results: dates, target, cost, roll-ups -------------------------------------------------------------------------


def test_dates_target_probability_and_cost(tmp_path):
    profile = write_profile(tmp_path / "p.yaml", chain("a", 3, 5) + [{"key": "b.x", "estimate": 5}])
    team = write_team(tmp_path / "team.yaml", **FIXED_TEAM, cost_per_sprint=12000)
    args = ("--profile", str(profile), "--team", str(team))
    forecast = forecast_json(*args, "--target-date", "2027-02-14")  # the last day of sprint 3
    assert forecast["dates"] == {"p50": "2027-02-14", "p85": "2027-02-14", "p95": "2027-02-14"}
    assert forecast["target_sprints"] == 3 and forecast["probability_by_target"] == 1.0
    assert forecast["cost"]["p50"] == 36000 and forecast["cost"]["per_sprint"] == 12000
    epics = {e["key"]: e for e in forecast["epics"]}
    assert epics["b"]["dates"]["p50"] == "2027-01-17" and epics["b"]["probability_by_target"] == 1.0
    early = forecast_json(*args, "--target-date", "2027-02-13")
    assert early["probability_by_target"] == 0.0 and early["target_sprints"] == 2
    assert forecast_json(*args)["target_date"] is None


def test_estimate_rollups_per_epic_and_plan(tmp_path):
    stories = [{"key": "a.x", "estimate": {"low": 2, "likely": 3, "high": 10}}, {"key": "a.y", "estimate": "4-8"},
               {"key": "b.z", "estimate": 5}]
    forecast = forecast_json("--profile", str(write_profile(tmp_path / "p.yaml", stories)), "--start", START)
    plan = forecast["estimate"]
    assert (plan["low"], plan["likely"], plan["high"]) == (11, 14, 23)
    assert plan["pert_mean"] == round(4 + 6 + 5, 2)
    assert plan["pert_sd"] == round(((8 / 6) ** 2 + (4 / 6) ** 2) ** 0.5, 2)
    assert 11 <= plan["p5"] <= plan["p95"] <= 23
    assert plan["text"].endswith("points, most likely 14")
    epic_b = next(e for e in forecast["epics"] if e["key"] == "b")
    assert epic_b["estimate"]["text"] == "5 points"
    story = next(s for s in forecast["stories"] if s["key"] == "a.x")
    assert story == {"key": "a.x", "pert_mean": 4.0, "pert_sd": round(8 / 6, 4)}


def test_range_text_and_nearest_rank():
    assert range_text(84.2, 130.6, 102) == "84-131 points, most likely 102"
    assert range_text(5, 5, 5) == "5 points"
    values = list(range(1, 2001))
    assert nearest_rank(values, 85) == 1700 and nearest_rank(values, 50) == 1000 and nearest_rank([3], 95) == 3


def test_empty_backlog_needs_no_sprint():
    forecast = run_forecast(Backlog(profile_id="e", profile_name="Empty"), Team(sprint={"start": START}),
                            ForecastSettings(trials=20, target_date=dt.date(2027, 1, 1))).model_dump(mode="json")
    assert forecast["sprints"]["p95"] == 0 and forecast["dates"]["p50"] is None
    assert forecast["probability_by_target"] == 1.0


# --- CLI: plan integration, text output, errors ---------------------------------------------------------------------


def test_plan_json_carries_the_forecast_and_no_forecast_skips_it(tmp_path):
    profile = write_profile(tmp_path / "p.yaml", chain("a", 2, "3-5"))
    args = ("plan", "--profile", str(profile), "--start", START, "--format", "json")
    with_forecast = json.loads(run(*args, "--trials", "50", "--seed", "3").stdout)["forecast"]
    assert with_forecast["trials"] == 50 and with_forecast["seed"] == 3 and with_forecast["method"] == "monte-carlo"
    for key in ("sprints", "dates", "points", "epics", "target_date", "probability_by_target", "cost",
                "distribution", "velocity_model", "scope_growth", "risks_included"):
        assert key in with_forecast
    assert json.loads(run(*args, "--no-forecast").stdout)["forecast"] is None


def test_markdown_roadmap_has_a_forecast_section(tmp_path):
    profile = write_profile(tmp_path / "p.yaml", chain("a", 3, "2-5"))
    team = write_team(tmp_path / "team.yaml", velocity=10, cost_per_sprint=1000)
    args = ("plan", "--profile", str(profile), "--team", str(team))
    roadmap = run(*args, "--target-date", "2027-03-01").stdout
    section = roadmap.split("## Forecast", 1)[1].split("\n## ", 1)[0]
    assert "cost 3000 (P50) to 3000 (P95)" in section
    assert 'x-axis "Sprints to finish" ["3"]' in section and "bar [100]" in section
    glance = roadmap.split("## At a glance", 1)[1].split("\n## ", 1)[0]
    assert "| Forecast | P50 3 sprints (2027-02-14), P85 3 (2027-02-14), P95 3 (2027-02-14) |" in glance
    assert "| Target date | 2027-03-01: **100%** chance |" in glance
    epic = roadmap.split("### 1. A", 1)[1]
    assert "forecast P50/P85/P95: sprint 3/3/3" in epic.split("\n\n", 2)[1]
    assert roadmap.index("## Forecast") < roadmap.index("## Sprints")
    assert "## Forecast" not in run(*args, "--no-forecast").stdout


def test_forecast_text_report(tmp_path):
    profile = write_profile(tmp_path / "p.yaml", chain("a", 3, "2-5"))
    team = write_team(tmp_path / "team.yaml", velocity=10, cost_per_sprint=1000)
    result = run("forecast", "--profile", str(profile), "--team", str(team), "--target-date", "2027-03-01",
                 "--trials", "100")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Forecast for t (Test): 100 trials, seed {DEFAULT_SEED}"
    assert any(line.startswith("Whole plan") and "3 sprints  2027-02-14" in line for line in lines)
    assert any(line.startswith("  A ") for line in lines)
    assert "Probability of finishing by 2027-03-01: 100%" in result.stdout
    assert "Cost: 3,000 (P50)" in result.stdout
    assert "Assumes: story sizes drawn from their estimate ranges (PERT-beta" in result.stdout


def test_forecast_writes_an_output_file(tmp_path):
    out = tmp_path / "forecast.json"
    result = run("forecast", "--profile", str(write_profile(tmp_path / "p.yaml", chain("a", 2, 3))), "--start", START,
                 "--format", "json", "--output", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text())["sprints"]["p50"] == 2


@pytest.mark.parametrize("args, message", [
    (("--trials", "0"), "Invalid value for '--trials'"),
    (("--seed", "-1"), "Invalid value for '--seed'"),
    (("--target-date", "next week"), "'next week' is not a date; write YYYY-MM-DD"),
])
def test_bad_forecast_options_exit_2(tmp_path, args, message):
    result = run("forecast", "--profile", str(write_profile(tmp_path / "p.yaml", chain("a", 2, 3))), *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_bad_scope_growth_is_one_line_on_stderr(tmp_path):
    profile = write_profile(tmp_path / "p.yaml", chain("a", 2, 3))
    result = run("forecast", "--profile", str(profile), "--scope-growth", "lots")
    assert result.exit_code == 2
    assert result.stderr.startswith("sprintgen: error: --scope-growth: 'lots' is not an estimate")
    assert result.stderr.strip().endswith("write a fraction range such as 0-0.2")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_bad_scope_growth_in_the_team_file_names_the_file(tmp_path):
    team = write_team(tmp_path / "team.yaml", scope_growth="0.3-0.1")
    profile = write_profile(tmp_path / "p.yaml", chain("a", 2, 3))
    result = run("forecast", "--profile", str(profile), "--team", str(team))
    assert result.exit_code == 2
    assert str(team) in result.stderr and "scope_growth" in result.stderr


# --- helpers --------------------------------------------------------------------------------------------------------


def _random_backlog(count: int, seed: int, spread: bool, width: float = 1.0) -> Backlog:
    """A reproducible backlog: stories in 4 epics, each depending on up to two earlier stories."""
    rng = np.random.default_rng(seed)
    stories, epics = [], {}
    for i in range(count):
        likely = float(rng.choice([1, 2, 3, 5, 8]))
        low, high = (max(0.0, likely - likely * 0.5 * width), likely + likely * width) if spread else (likely, likely)
        deps = sorted({f"s{int(j)}" for j in rng.integers(max(0, i - 6), i, size=int(rng.integers(0, 3)))}) if i else []
        epic = f"e{i % 4}"
        stories.append(BacklogStory(key=f"s{i}", epic=epic, title=f"S{i}", depends_on=deps,
                                    estimate=Estimate(low=low, likely=likely, high=high)))
        epics.setdefault(epic, []).append(f"s{i}")
    return Backlog(profile_id="gen", profile_name="Generated", stories=stories,
                   epics=[BacklogEpic(key=k, title=k, stories=v) for k, v in epics.items()])
