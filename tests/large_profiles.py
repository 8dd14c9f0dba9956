"""Large generated profiles (thousands of stories, three dependencies per story), written as many files.

Shared by tests/test_scale.py (correctness) and benchmarks/scale.py (time and memory): the same input for both.
Epics hold 100 stories; dependencies point mostly at the last 150 stories (an epic builds on the previous one), one
in ten anywhere earlier, as in the backlogs the issue measured.
"""

from __future__ import annotations

import random
from pathlib import Path

POINTS = [1, 2, 3, 5, 8, 13]
SKILLS = ["backend", "data", "ml", "frontend"]
EPIC_SIZE = 100


def dependencies(stories: int, per_story: int = 3, seed: int = 1) -> list[list[int]]:
    """For each story, the earlier stories it depends on (`per_story` on average, no duplicates)."""
    rng = random.Random(seed)
    depends: list[set[int]] = [set() for _ in range(stories)]
    placed = 0
    while placed < per_story * stories and stories > 1:
        task = rng.randrange(1, stories)
        blocker = rng.randrange(task) if rng.random() < 0.1 else rng.randrange(max(0, task - 150), task)
        if blocker not in depends[task]:
            depends[task].add(blocker)
            placed += 1
    return [sorted(d) for d in depends]


def _key(index: int) -> str:
    return f"e{index // EPIC_SIZE}.s{index}"


def epic_lines(first_epic: int, epics: int, stories: int, deps: list[list[int]], seed: int = 2) -> list[str]:
    """YAML lines of `epics:` entries first_epic .. first_epic + epics - 1 (stories past `stories` left out)."""
    rng = random.Random(seed + first_epic)
    lines = []
    for epic in range(first_epic, first_epic + epics):
        lines += [f"  - key: e{epic}", f"    title: Epic {epic}", "    stories:"]
        for index in range(epic * EPIC_SIZE, min((epic + 1) * EPIC_SIZE, stories)):
            likely = rng.choice(POINTS)
            depends = ", ".join(_key(d) for d in deps[index])
            lines.append(f"      - {{key: s{index}, title: Story {index}, estimate: {likely}, "
                         f"skills: [{rng.choice(SKILLS)}], depends_on: [{depends}]}}")
    return lines


def write_program(directory: Path, stories: int, layout: str = "include", epics_per_file: int = 10) -> Path:
    """Write a profile of `stories` stories into `directory` and return the file to pass to --profile.

    layout "include": program.yaml includes the directory epics/, one file per `epics_per_file` epics.
    layout "extends": the same epic files as profiles chained with `extends` (what older versions needed once a
    backlog passed the per-file size limit); part-K extends part-(K-1), program.yaml extends the last part.
    """
    directory.mkdir(parents=True, exist_ok=True)
    deps = dependencies(stories)
    total_epics = (stories + EPIC_SIZE - 1) // EPIC_SIZE
    parts = []
    for number, first in enumerate(range(0, total_epics, epics_per_file)):
        lines = epic_lines(first, min(epics_per_file, total_epics - first), stories, deps)
        parts.append(lines)
    if layout == "include":
        (directory / "epics").mkdir(exist_ok=True)
        for number, lines in enumerate(parts):
            (directory / "epics" / f"part-{number:03d}.yaml").write_text("epics:\n" + "\n".join(lines) + "\n")
        head = "include: [epics/]\n"
    elif layout == "extends":
        previous = None
        for number, lines in enumerate(parts):
            extends = f"extends: [part-{previous:03d}.yaml]\n" if previous is not None else ""
            (directory / f"part-{number:03d}.yaml").write_text(
                f"id: part-{number:03d}\n{extends}epics:\n" + "\n".join(lines) + "\n")
            previous = number
        head = f"extends: [part-{previous:03d}.yaml]\n"
    else:
        raise ValueError(layout)
    program = directory / "program.yaml"
    program.write_text(f"id: program\nname: A programme of {stories} stories\n{head}")
    return program


def write_team(directory: Path, velocity: float = 400) -> Path:
    """A team of four members, one skill each (the skill balancer runs), sprints of two weeks."""
    path = directory / "team.yaml"
    members = "\n".join(f"  - {{name: m{i}, skills: [{skill}], capacity: {velocity / 4:g}}}"
                        for i, skill in enumerate(SKILLS))
    path.write_text(f"name: Programme\nsprint: {{length_days: 14, start: 2027-01-04}}\nmembers:\n{members}\n")
    return path
