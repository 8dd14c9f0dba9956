"""Plans through the real CLI: dependency modes, capacity, --sprints, pins, availability, holidays, focus factor,
priority order, determinism, and the built-in rag profile with a team file."""


from .support import findings, plan_json, run, sprint_of, write_profile, write_team

CHAIN = {"e": [{"key": "a", "estimate": 3}, {"key": "b", "estimate": 3, "depends_on": ["a"]},
               {"key": "c", "estimate": 3, "depends_on": ["b"]}]}


def plan_for(tmp_path, epics, *extra, **team):
    profile = write_profile(tmp_path / "p.yaml", epics)
    return plan_json("--profile", str(profile), "--team", str(write_team(tmp_path / "t.yaml", **team)), *extra)


def test_sequential_mode_puts_each_blocker_in_an_earlier_sprint(tmp_path):
    plan = plan_for(tmp_path, CHAIN, velocity=30)
    assert sprint_of(plan) == {"e.a": 1, "e.b": 2, "e.c": 3}


def test_concurrent_mode_shares_the_sprint(tmp_path):
    plan = plan_for(tmp_path, CHAIN, velocity=30, dependencies="concurrent")
    assert sprint_of(plan) == {"e.a": 1, "e.b": 1, "e.c": 1}
    assert plan["sprints"][0]["stories"] == ["e.a", "e.b", "e.c"]


def test_dependencies_option_overrides_the_team_file(tmp_path):
    plan = plan_for(tmp_path, CHAIN, "--dependencies", "concurrent", velocity=30)
    assert len(plan["sprints"]) == 1


def test_capacity_is_never_exceeded_and_the_bound_is_reached(tmp_path):
    sizes = [6, 4, 5, 5, 7, 3, 2, 8]
    epics = {"e": [{"key": f"s{i}", "estimate": size} for i, size in enumerate(sizes)]}
    plan = plan_for(tmp_path, epics, velocity=10)
    assert [s["load"] for s in plan["sprints"]] == [10, 10, 10, 10]
    assert plan["lower_bound_sprints"] == 4 and plan["lower_bounds"]["capacity"] == 4


def test_fixed_sprint_count_keeps_exactly_n_sprints(tmp_path):
    epics = {"e": [{"key": f"s{i}", "estimate": 5} for i in range(6)]}
    plan = plan_for(tmp_path, epics, "--sprints", "2", velocity=10)
    assert len(plan["sprints"]) == 2 and all(s["load"] == 10 for s in plan["sprints"])
    # the first stories in profile order are planned; the last two are reported
    assert findings(plan, "not-planned")[0]["stories"] == ["e.s4", "e.s5"]
    more = plan_for(tmp_path, epics, "--sprints", "5", velocity=10)
    assert len(more["sprints"]) == 5 and more["sprints"][4]["stories"] == []


def test_pinned_story_is_honoured(tmp_path):
    epics = {"e": [{"key": "a", "estimate": 3}, {"key": "b", "estimate": 3, "sprint": 3}]}
    plan = plan_for(tmp_path, epics, velocity=10)
    assert sprint_of(plan) == {"e.a": 1, "e.b": 3}
    assert plan["lower_bounds"]["pinned"] == 3
    story = next(s for s in plan["stories"] if s["key"] == "e.b")
    assert story["pinned"] is True


def test_pin_beyond_fixed_sprints_is_reported(tmp_path):
    epics = {"e": [{"key": "a", "estimate": 3}, {"key": "b", "estimate": 3, "sprint": 3}]}
    plan = plan_for(tmp_path, epics, "--sprints", "2", velocity=10)
    assert findings(plan, "not-planned")[0]["stories"] == ["e.b"]


def test_member_availability_lowers_a_sprint_and_the_plan_follows(tmp_path):
    epics = {"e": [{"key": f"s{i}", "estimate": 5} for i in range(4)]}
    plan = plan_for(tmp_path, epics, members=[{"name": "a", "capacity": 5, "availability": {1: 0}},
                                              {"name": "b", "capacity": 5}])
    assert [s["capacity"] for s in plan["sprints"]] == [5, 10, 10]
    assert [s["load"] for s in plan["sprints"]] == [5, 10, 5]


def test_holidays_and_focus_factor_shape_the_capacity(tmp_path):
    epics = {"e": [{"key": f"s{i}", "estimate": 4} for i in range(5)]}
    plan = plan_for(tmp_path, epics, velocity=10, focus_factor=0.8, holidays=["2027-01-05", "2027-01-06"])
    assert plan["sprints"][0]["capacity"] == 6.4  # 10 * 8/10 working days * 0.8
    assert plan["sprints"][1]["capacity"] == 8
    assert all(s["load"] <= s["capacity"] for s in plan["sprints"])


def test_higher_priority_epics_come_first(tmp_path):
    # two epics of independent stories; only one story fits per sprint: epic order decides
    epics = {"first": [{"key": "x", "estimate": 6}], "second": [{"key": "y", "estimate": 6}]}
    plan = plan_for(tmp_path, epics, velocity=10)
    assert sprint_of(plan) == {"first.x": 1, "second.y": 2}
    swapped = plan_for(tmp_path, {"second": epics["second"], "first": epics["first"]}, velocity=10)
    assert sprint_of(swapped) == {"first.x": 2, "second.y": 1}


def test_same_input_same_plan(tmp_path):
    epics = {"e": [{"key": f"s{i}", "estimate": (i * 7) % 9 + 1, "depends_on": [f"s{i - 3}"] if i >= 3 else []}
                   for i in range(25)]}
    first = plan_for(tmp_path, epics, velocity=13)
    second = plan_for(tmp_path, epics, velocity=13)
    assert first["sprints"] == second["sprints"]


def test_rag_with_a_team_file_shows_capacity_load_and_findings(tmp_path):
    team = write_team(tmp_path / "team.yaml", name="Platform", members=[
        {"name": "Ana", "skills": ["data-engineering", "search-retrieval"], "capacity": 12, "availability": {2: 0.5}},
        {"name": "Bo", "skills": ["backend", "mlops", "security"], "capacity": 12},
        {"name": "Cy", "skills": ["evaluation", "product", "prompt-engineering"], "capacity": 8},
    ])
    result = run("plan", "--profile", "rag", "--team", str(team), "--no-forecast")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "| Sprint | Dates 2027 | Load of capacity | Stories (points) |" in text
    rows = {line.split(" | ")[0]: line.split(" | ") for line in text.splitlines() if line.startswith("| ")}
    assert rows["| 1"][1] == "4\u2060–\u206017\u00a0Jan" and "/32\u00a0" in rows["| 1"][2]
    assert "/26\u00a0" in rows["| 2"][2]  # Ana at half capacity
    assert "## Findings" in text and "`critical-path`" in text
    data = plan_json("--profile", "rag", "--team", str(team))
    assert all(s["load"] <= s["capacity"] for s in data["sprints"])
    assert data["lower_bound_sprints"] <= len(data["sprints"])
    bounds = data["lower_bounds"]
    assert {"capacity", "dependency_chain"} <= set(bounds)
    assert all(isinstance(v, int) and 1 <= v <= len(data["sprints"]) for v in bounds.values())
    assert data["lower_bound_sprints"] == max(bounds.values())
    # the capacity bound: the fewest sprints whose capacity holds every story's likely points
    total = sum(s["estimate"]["likely"] for s in data["stories"])
    capacities = [s["capacity"] for s in data["sprints"]]
    assert sum(capacities[:bounds["capacity"] - 1]) < total <= sum(capacities[:bounds["capacity"]]) + 1e-6
