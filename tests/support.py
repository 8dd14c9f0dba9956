"""Everything the tests share, in one place: the CLI runners, file and profile writers, inputs, parsers, checks.

One way to do each thing: `run` runs the real CLI in-process (stdout and stderr kept apart), `run_subprocess` and
`run_measured` in a real child process; `write` writes a text file; `write_profile` writes a profile, `write_team` a
team. Kept out of tests/conftest.py on purpose (the lead owns that file); import what you need from here.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import importlib.util
import json
import os
import random
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import yaml
from click.testing import CliRunner, Result

from sprintgen.cli import main
from sprintgen.model.progress import ItemProgress, Progress, SprintProgress
from sprintgen.pipeline import PlanRequest, plan_and_team
from sprintgen.scheduling.problem import EPS, Problem
from sprintgen.tracking.report import build_status

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).parent / "bad_inputs"
EXAMPLE_PLUGIN = REPO / "examples" / "plugin"
#: The sprint start every test team uses, so dates (and holidays) are reproducible.
START = "2027-01-04"
ERROR_PREFIX = "sprintgen: error: "
#: Bytes an output file holds before a failing run; it must hold exactly these bytes afterwards.
SENTINEL = b"# previous roadmap\n\nkept byte for byte \xe2\x9c\x93\n"


# --- running the CLI -------------------------------------------------------------------------------------------------

def run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
        input: str | None = None) -> Result:
    """Run the real CLI in-process; the click Result (stdout and stderr kept apart). An escaping exception is
    raised (with its traceback), not hidden in the result. `cwd`: the directory the CLI runs in."""
    runner = CliRunner()
    argv = [str(a) for a in args]
    if cwd is None:
        return runner.invoke(main, argv, env=env, input=input, catch_exceptions=False)
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, argv, env=env, input=input, catch_exceptions=False)
    finally:
        os.chdir(old)


def plan_args(*extra: str) -> list[str]:
    """`plan` arguments with a fixed start date and no forecast (keeps tests fast; the forecast has its own tests)."""
    return ["plan", "--start", START, *extra, "--no-forecast"]


def plan_json(*args: str, exit_code: int = 0) -> dict:
    """`sprintgen plan --format json --no-forecast ARGS`, checked for its exit code."""
    result = run("plan", "--format", "json", "--no-forecast", *args)
    assert result.exit_code == exit_code, result.stderr
    return json.loads(result.stdout)


def forecast_json(*args: str) -> dict:
    """`sprintgen forecast --format json ...` through the real CLI, parsed."""
    result = run("forecast", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def status_json(result) -> dict[str, Any]:
    """The JSON a `status --format json` run printed."""
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def error_line(result: Result, exit_code: int = 2) -> str:
    """Assert the one-line error contract on a CliRunner result and return the line (without the prefix)."""
    assert result.exit_code == exit_code, (result.exit_code, result.stdout[-500:], result.stderr)
    return assert_one_error_line(result.stderr, result.stdout)


def assert_one_error_line(stderr: str, stdout: str = "") -> str:
    """Exactly one line on stderr, with the error prefix; no traceback on either stream."""
    assert "Traceback" not in stderr and "Traceback" not in stdout, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected exactly one line on stderr, got {len(lines)}:\n{stderr}"
    assert lines[0].startswith(ERROR_PREFIX), lines[0]
    return lines[0][len(ERROR_PREFIX):]


#: Runs the CLI in a child process, caps its address space (so a regression fails with MemoryError instead of eating
#: the machine) and reports the child's own peak resident memory in a file (stdout and stderr stay the CLI's own).
#: Not `ru_maxrss`: on Linux, exec folds the high-water mark of the memory copied from the parent at fork into it, so
#: a child of a 400 MiB pytest process "peaks" at 400 MiB. `VmHWM` is the high-water mark of the child's own address
#: space since exec; ru_maxrss is the fallback where /proc is missing (macOS).
_MEASURED_RUN = """
import resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
report = sys.argv[2]
sys.argv = ["sprintgen"] + sys.argv[3:]

def own_peak_kib():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # macOS counts bytes

from sprintgen.cli import main
try:
    main()
finally:
    with open(report, "w") as handle:
        handle.write(str(own_peak_kib()))
"""


@dataclass
class MeasuredRun:
    """A CLI run in a child process: exit code, both streams, and peak memory in MiB."""

    returncode: int
    stdout: str
    stderr: str
    peak_mib: float


def run_measured(args: list[str], cwd: Path, *, memory_cap_mib: int = 1024, timeout: float = 120,
                 env: dict[str, str] | None = None) -> MeasuredRun:
    """Run `sprintgen ARGS` in a subprocess with an address-space cap; return its output and peak RSS."""
    report = cwd / ".peak-rss"
    command = [sys.executable, "-c", _MEASURED_RUN, str(memory_cap_mib * 1024 * 1024), str(report),
               *[str(a) for a in args]]
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                               env={**os.environ, **(env or {})})
    peak_kib = int(report.read_text()) if report.exists() else -1
    report.unlink(missing_ok=True)
    return MeasuredRun(completed.returncode, completed.stdout, completed.stderr, peak_kib / 1024)


def run_subprocess(args: list[str], cwd: Path, timeout: float = 120, env: dict[str, str] | None = None
                   ) -> subprocess.CompletedProcess:
    """Run `python -m sprintgen ARGS` as a real process (real stderr, real exit code)."""
    return subprocess.run([sys.executable, "-m", "sprintgen", *[str(a) for a in args]], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


# --- files -----------------------------------------------------------------------------------------------------------

def write(path: Path, text: str) -> Path:
    """Write dedented text (UTF-8) to path, creating its parents; the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def copy_corpus(destination: Path) -> Path:
    """A private copy of tests/bad_inputs (tests run in it, so nothing can ever be written into the repository)."""
    target = destination / "bad_inputs"
    shutil.copytree(CORPUS, target)
    return target


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under `root` (relative path -> content): to show a failed run left a directory untouched."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    """A progress CSV from rows (columns from the first row)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


# --- profiles and teams ----------------------------------------------------------------------------------------------

def write_profile(path: Path, profile: dict | list[dict], profile_id: str = "t", risks: list[dict] | None = None
                  ) -> Path:
    """Write a profile as YAML (UTF-8, parents created); the path.

    `profile` is a whole profile document (a dict with "epics"), or {epic key: [story dicts]}, or a list of story
    dicts keyed "epic.story". Built from epics, the profile is `profile_id` named "Test", with `risks`; missing
    titles are filled in (epic key title-cased, story key upper-cased).
    """
    if isinstance(profile, list):
        epics: dict[str, list[dict]] = {}
        for story in profile:
            epic, key = story["key"].split(".")
            epics.setdefault(epic, []).append({**story, "key": key})
        profile = epics
    if "epics" not in profile:
        profile = {"id": profile_id, "name": "Test", "epics": [
            {"key": key, "title": key.title(), "stories": [{"title": s["key"].upper(), **s} for s in stories]}
            for key, stories in profile.items()
        ]}
        if risks:
            profile["risks"] = risks
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(profile, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def write_team(path: Path, **fields) -> Path:
    """A team file starting on START (two-week sprints) with the given fields; the path."""
    data = {"sprint": {"length_days": 14, "start": START}, **fields}
    path.write_text(yaml.safe_dump(data, sort_keys=False, default_flow_style=None), encoding="utf-8")
    return path


def chain(prefix: str, count: int, estimate) -> list[dict]:
    """`count` stories in one epic, each depending on the previous one."""
    stories = []
    for i in range(count):
        story = {"key": f"{prefix}.s{i}", "estimate": estimate}
        if i:
            story["depends_on"] = [f"{prefix}.s{i - 1}"]
        stories.append(story)
    return stories


#: The smallest useful profile: two stories, one depending on the other.
MINI_PROFILE = """
    id: mini
    name: Mini
    epics:
      - key: core
        title: Core
        stories:
          - {key: a, title: A, estimate: 3}
          - {key: b, title: B, estimate: 5, depends_on: [a]}
"""

SMALL_PROFILE = """\
id: {id}
name: {name}
epics:
  - key: work
    title: Work
    stories:
      - key: one
        title: First story
        estimate: 3
        skills: [backend]
      - key: two
        title: Second story
        estimate: 5
        depends_on: [one]
"""

#: Text that tries every trick: Markdown and HTML, table pipes, code fences, Mermaid syntax and comments,
#: Gantt keywords, CSV formula injection, newlines.
NASTY = (
    'Pipe | cell `tick` <script>alert(1)</script> *bold* _em_ [x](javascript:alert(1)) '
    '--> end %% "quoted" ; semi: colon #1 @octocat $x^2$ &amp; ~~strike~~ \\ back'
)
NASTY_LINES = "first line\n\n- a list\n# heading\n| a | b |\n```\nfence\n<div>block</div>\n---\n=====\n> quote"
HOSTILE_TITLES = [
    NASTY,
    "end",
    "subgraph",
    'title %%{init: {"theme": "dark"}}%%',
    "section x: y ; z",
    "click e_x call alert()",
    "2027-01-01 looks like a date",
    "=HYPERLINK(\"http://evil\")",
    "<img src=x onerror=alert(1)>",
]


def hostile_profile_data(stories_per_epic: int = 2) -> dict:
    """A valid profile whose every free-text field is hostile."""
    epics = []
    for e, title in enumerate(HOSTILE_TITLES):
        stories = []
        for s in range(stories_per_epic):
            story = {
                "key": f"s{s}",
                "title": HOSTILE_TITLES[(e + s) % len(HOSTILE_TITLES)],
                "description": NASTY_LINES + " " + NASTY,
                "acceptance": [NASTY, "1. numbered", "---", "> quote", "<b>bold</b>", "+plus", "=SUM(A1:A2)"],
                "estimate": "2-5",
                "skills": ["a|b", "<i>skill</i>"],
                "labels": ["x|y", "has space"],
                "definition_of_done": [NASTY_LINES],
            }
            if s:
                story["depends_on"] = [f"s{s - 1}"]
            elif e:
                story["depends_on"] = [f"e{e - 1}"]
            stories.append(story)
        epics.append({"key": f"e{e}", "title": title, "goal": NASTY_LINES, "definition_of_done": [NASTY],
                      "stories": stories})
    return {
        "id": "hostile",
        "name": NASTY,
        "description": NASTY_LINES,
        "parameters": {"note": {"type": "string", "default": "<b>|x|</b> `y`", "help": NASTY}},
        "definition_of_done": ["<script>alert('dod')</script> | pipe"],
        "risks": [{"title": NASTY, "description": NASTY_LINES, "probability": 0.5, "impact": "3-8",
                   "mitigation": "<script>x</script> | y"}],
        "assumptions": [NASTY_LINES],
        "epics": epics,
    }


def write_hostile_profile(directory: Path, stories_per_epic: int = 2) -> Path:
    """Write the hostile profile as YAML in `directory`; its path."""
    return write_profile(directory / "hostile.yaml", hostile_profile_data(stories_per_epic))


SAMPLE_PROFILE = {
    "id": "sample",
    "name": "Sample assistant",
    "description": "A small profile the output tests know by heart.",
    "parameters": {"compliance": {"type": "choice", "choices": ["none", "gdpr"], "default": "none"}},
    "definition_of_done": ["Code reviewed and merged"],
    "risks": [{"title": "Weak retrieval", "probability": 0.3, "impact": "5-13", "mitigation": "Golden set first"}],
    "assumptions": ["Sources have owners"],
    "epics": [
        {"key": "ingest", "title": "Data ingestion", "goal": "Every source lands in staging",
         "definition_of_done": ["Lineage recorded"],
         "stories": [
             {"key": "pipeline", "title": "Build the pipeline", "description": "As an engineer, I want a pipeline.",
              "acceptance": ["Runs nightly", "Failures alert"], "estimate": "3-8", "skills": ["data-engineering"]},
             {"key": "docs", "title": "Ingest the docs", "acceptance": ["All docs land"], "estimate": 5,
              "skills": ["data-engineering"], "depends_on": ["pipeline"], "labels": ["source"]},
         ]},
        {"key": "retrieval", "title": "Retrieval", "goal": "Queries find the right chunks",
         "stories": [
             {"key": "index", "title": "Index the chunks", "acceptance": ["Index built", "Recall measured"],
              "estimate": {"low": 3, "likely": 5, "high": 13}, "skills": ["search"], "depends_on": ["ingest"]},
             {"key": "rank", "title": "Rank the results", "acceptance": ["Reranker on"], "estimate": "2-3",
              "skills": ["search"], "depends_on": ["index"]},
         ]},
        {"key": "launch", "title": "Launch", "stories": [
            {"key": "pilot", "title": "Run the pilot", "acceptance": ["Ten users", "Decision taken"],
             "estimate": 3, "skills": ["product"], "depends_on": ["retrieval"]},
        ]},
    ],
}


def write_sample_profile(directory: Path) -> Path:
    """Write SAMPLE_PROFILE as YAML in `directory`; its path."""
    return write_profile(directory / "sample.yaml", SAMPLE_PROFILE)


def even_profile(tmp_path: Path, low: float = 5, high: float = 5, per_epic: int = 5) -> Path:
    """Two epics of `per_epic` stories estimated LOW-5-HIGH (5 exactly by default: zero spread); b.s1 waits for
    a.s2. At velocity 10 the default plan takes two stories a sprint: five sprints."""
    epics = []
    for epic, title in (("a", "Alpha"), ("b", "Beta")):
        stories = []
        for n in range(1, per_epic + 1):
            story = {"key": f"s{n}", "title": f"Story {epic}{n}", "estimate": {"low": low, "likely": 5, "high": high}}
            if (epic, n) == ("b", 1):
                story["depends_on"] = ["a.s2"]
            stories.append(story)
        epics.append({"key": epic, "title": title, "stories": stories})
    return write_profile(tmp_path / "even.yaml", {"id": "even", "name": "Even", "epics": epics})


# --- plans, status and the scheduler's problems ----------------------------------------------------------------------

def findings(plan: dict, code: str) -> list[dict]:
    """The findings of a plan with this code."""
    return [f for f in plan["findings"] if f["code"] == code]


def sprint_of(plan: dict) -> dict[str, Optional[int]]:
    """Story key -> sprint number."""
    return {s["key"]: s["sprint"] for s in plan["stories"]}


def valid(problem: Problem, assignment: list) -> bool:
    """Every task planned, dependencies kept in the problem's mode, no sprint over its capacity."""
    if any(s is None for s in assignment):
        return False
    for task, preds in enumerate(problem.preds):
        for p in preds:
            if assignment[p] > assignment[task] or (problem.sequential and assignment[p] == assignment[task]):
                return False
    loads: dict[int, float] = {}
    for task, sprint in enumerate(assignment):
        loads[sprint] = loads.get(sprint, 0.0) + problem.sizes[task]
    return all(load <= problem.capacity(s) + EPS for s, load in loads.items())


def brute_force_optimum(problem: Problem) -> int:
    """The fewest sprints of any valid plan, by trying every assignment (tiny problems only)."""
    n = problem.n
    for count in range(1, n + 1):
        for assignment in itertools.product(range(1, count + 1), repeat=n):
            if valid(problem, list(assignment)):
                return count
    raise AssertionError("no plan found")


def random_problem(rng: random.Random, n: int, capacity: float, sequential: bool, density: float = 0.25,
                   sizes: tuple[int, int] = (1, 8)) -> Problem:
    """A random DAG (arcs from lower to higher index) with integer sizes."""
    preds = [[p for p in range(t) if rng.random() < density] for t in range(n)]
    return Problem(sizes=[float(rng.randint(*sizes)) for _ in range(n)], preds=preds,
                   capacity=lambda _s: capacity, sequential=sequential)


def plan_for(profile: Path, velocity: float = 10, **overrides: Any):
    """The plan and team `status` compares against (fixed start, so dates do not depend on today)."""
    request = PlanRequest(profile=str(profile), team_overrides={"velocity": velocity,
                                                                "start": dt.date.fromisoformat(START), **overrides})
    return plan_and_team(request)


def sprints_done(plan, closed: int, points: float | None = None) -> Progress:
    """Progress where every story the plan put in sprints 1..closed is done in its sprint (optionally re-estimated
    to `points`), sprints 1..closed are closed and the next one is active; the rest is to do."""
    items = []
    for story in plan.stories:
        done = story.sprint <= closed
        items.append(ItemProgress(key=story.key, status="done" if done else "todo",
                                  points=(points if points is not None and done else story.estimate.likely),
                                  sprint=f"Sprint {story.sprint}" if story.sprint <= closed + 1 else None))
    sprints = [SprintProgress(name=f"Sprint {n}", state="closed" if n <= closed else "active" if n == closed + 1
                              else "future") for n in range(1, len(plan.sprints) + 1)]
    return Progress(source="test", items=items, sprints=sprints)


def status_of(plan, team, progress, **options):
    """The status report and the re-plan."""
    return build_status(plan, team, progress, **options)


# --- Markdown and Mermaid --------------------------------------------------------------------------------------------

def markdown_tokens(text: str):
    """GitHub-flavoured Markdown parsed by markdown-it-py (CommonMark + tables + strikethrough), as a flat list."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    flat = []
    for token in md.parse(text):
        flat.append(token)
        flat.extend(token.children or [])
    return flat


def html_tokens(text: str) -> list[str]:
    """Raw HTML the Markdown would pass through: the content of every html_inline / html_block token."""
    return [t.content for t in markdown_tokens(text) if t.type in ("html_inline", "html_block")]


#: The only raw HTML the built-in roadmap writes: line breaks in table cells and folded sections whose summary is
#: sprintgen's own words (counts, never user text).
_OWN_HTML = re.compile(r"<br>|<details><summary>[A-Za-z0-9 ,]+</summary>\n|</details>\n")


def foreign_html(text: str) -> list[str]:
    """Raw HTML in the Markdown that the built-in template did not write itself (must stay empty)."""
    return [t for t in html_tokens(text) if not _OWN_HTML.fullmatch(t)]


def tables(text: str) -> list[list[list[str]]]:
    """Every table as rows of cell texts (header row first), from markdown-it's tokens."""
    found, rows, row, in_cell, cell_text = [], [], None, False, []
    for token in markdown_tokens(text):
        if token.type == "table_open":
            rows = []
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            in_cell, cell_text = True, []
        elif token.type in ("th_close", "td_close"):
            in_cell = False
            row.append("".join(cell_text))
        elif token.type == "tr_close":
            rows.append(row)
        elif token.type == "table_close":
            found.append(rows)
        elif in_cell and token.type in ("text", "code_inline"):
            cell_text.append(token.content)
    return found


def mermaid_blocks(text: str) -> list[str]:
    """The Mermaid sources of a Markdown text (fenced ```mermaid blocks, as markdown-it sees them)."""
    return [t.content for t in markdown_tokens(text) if t.type == "fence" and t.info.strip() == "mermaid"]


def mmdc_path() -> str | None:
    """mermaid-cli, found exactly as scripts/check_mermaid.py finds it ($SPRINTGEN_MMDC, else `mmdc` on PATH);
    None when missing: the `renderers` tests then fail."""
    spec = importlib.util.spec_from_file_location("check_mermaid", REPO / "scripts" / "check_mermaid.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script.find_mmdc()


def strip_escapes(text: str) -> str:
    """Markdown text with backslash escapes removed (to compare with the original user text)."""
    return re.sub(r"\\(.)", r"\1", text)


# --- plugins ---------------------------------------------------------------------------------------------------------

#: A "fake distribution" is what pip leaves on disk: a `<name>-<version>.dist-info` directory with METADATA and
#: entry_points.txt next to the package. Putting its root on sys.path makes importlib.metadata see it exactly as an
#: installed plugin, without touching the shared virtualenv (other test runs use it at the same time).

def fake_distribution(root: Path, name: str, entry_points: dict[str, dict[str, str]],
                      files: dict[str, str] | None = None, version: str = "1.0") -> Path:
    """Write an installed-looking distribution under `root`: dist-info with entry points, plus package files."""
    dist_info = root / f"{name.replace('-', '_')}-{version}.dist-info"
    dist_info.mkdir(parents=True, exist_ok=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
                                        encoding="utf-8")
    lines = []
    for group, points in entry_points.items():
        lines.append(f"[{group}]")
        lines += [f"{key} = {value}" for key, value in points.items()]
        lines.append("")
    (dist_info / "entry_points.txt").write_text("\n".join(lines), encoding="utf-8")
    for rel, text in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def profile_package(module: str, profiles: dict[str, str]) -> dict[str, str]:
    """Files of an importable package `module` holding the given profiles (file stem -> YAML text)."""
    files = {f"{module}/__init__.py": ""}
    files.update({f"{module}/{stem}.yaml": text for stem, text in profiles.items()})
    return files


def install_example_plugin(target: Path) -> Path:
    """Install examples/plugin for real with pip into `target` (a --target directory) and return it.

    Copied first so the build leaves nothing in the repository; `--no-build-isolation --no-index` uses the
    setuptools already installed, so no network is needed; `--no-deps` because sprintgen is already importable.
    """
    source = target.parent / "plugin-src"
    shutil.copytree(EXAMPLE_PLUGIN, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "--target", str(target), str(source)],
        check=True, capture_output=True, text=True, env={**os.environ, "PIP_NO_INPUT": "1"},
    )
    return target
