"""Diagrams of a plan or backlog: Mermaid flowcharts (epic and story dependencies), a Mermaid Gantt chart of the
sprints, and the same dependency graphs in Graphviz DOT.

Every function takes plain model objects (anything with the attributes of PlannedEpic / PlannedStory, so a resolved
Backlog works too) and returns the diagram source without the Markdown fence. User text only ever reaches a diagram
through `label` (Mermaid) or `dot_string` (DOT), and node ids are derived from keys by `node_id`, never copied, so no
title can end a block, start a comment or add an edge.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable, Sequence

from sprintgen.model import Estimate, format_points

#: Characters Mermaid would read as syntax inside a label, written as Mermaid entity codes (`#name;` / `#NN;`).
_LABEL_ENTITIES = {
    "&": "#amp;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "#": "#35;", ";": "#59;", "`": "#96;", "|": "#124;",
    "[": "#91;", "]": "#93;", "{": "#123;", "}": "#125;", "(": "#40;", ")": "#41;", "%": "#37;", ":": "#58;",
    "\\": "#92;", "*": "#42;", "_": "#95;", "~": "#126;", "$": "#36;", "=": "#61;", "@": "#64;", "'": "#39;",
}
# Gantt task names: a ':' starts the task data and '#'/';' end the line there, so only plain characters are kept.
_GANTT_UNSAFE = re.compile(r"[^\w .,/+&'()\-]", re.UNICODE)
# Words the Gantt lexer reads as a statement when a line starts with them.
_GANTT_KEYWORDS = {
    "gantt", "title", "section", "dateformat", "axisformat", "tickinterval", "includes", "excludes",
    "todaymarker", "inclusiveenddates", "topaxis", "weekday", "weekend", "click", "acctitle", "accdescr",
    "displaymode", "call", "href",
}
CRITICAL_STYLE = "stroke:#d9480f,stroke-width:3px"
UNPLANNED_STYLE = "stroke-dasharray:5 5"


def label(text: Any, limit: int = 80) -> str:
    """Text safe inside a double-quoted Mermaid label: one line, shortened, syntax characters as entity codes."""
    value = _shorten(" ".join(str(text).split()), limit)
    return "".join(_LABEL_ENTITIES.get(char, char) for char in value)


def node_id(key: Any, prefix: str = "n") -> str:
    """A Mermaid / DOT node id for a key: letters, digits and '_' only, behind a prefix (so never a keyword)."""
    return f"{prefix}_" + re.sub(r"[^A-Za-z0-9_]", "_", str(key))


def _shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


class _Ids:
    """Unique node ids: keys that differ only in punctuation ('a-b', 'a_b') get a numeric suffix."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.ids: dict[str, str] = {}
        self.used: set[str] = set()

    def __call__(self, key: str) -> str:
        if key not in self.ids:
            candidate = base = node_id(key, self.prefix)
            counter = 2
            while candidate in self.used:
                candidate = f"{base}_{counter}"
                counter += 1
            self.used.add(candidate)
            self.ids[key] = candidate
        return self.ids[key]


def epic_edges(epics: Sequence[Any], stories: Sequence[Any]) -> list[tuple[str, str, int]]:
    """(blocking epic, dependent epic, number of story links) for every pair of epics linked by a dependency."""
    epic_of = {s.key: s.epic for s in stories}
    order = {e.key: i for i, e in enumerate(epics)}
    counts: dict[tuple[str, str], int] = {}
    for story in stories:
        for dep in story.depends_on:
            source = epic_of.get(dep)
            if source is None or source == story.epic or source not in order or story.epic not in order:
                continue
            counts[(source, story.epic)] = counts.get((source, story.epic), 0) + 1
    return sorted(((a, b, n) for (a, b), n in counts.items()), key=lambda e: (order[e[0]], order[e[1]]))


def _stories(count: int) -> str:
    return "1 story" if count == 1 else f"{count} stories"


def _estimate_text(estimate: Any) -> str:
    if estimate.low == estimate.high:
        return f"{format_points(estimate.likely)} pts"
    return f"{format_points(estimate.low)}-{format_points(estimate.high)} pts"


def _sprint_span(epic: Any) -> str:
    first, last = getattr(epic, "first_sprint", None), getattr(epic, "last_sprint", None)
    if first is None:
        return ""
    return f"sprint {first}" if first == last else f"sprints {first}-{last}"


def epic_depth(epics: Sequence[Any], edges: Sequence[tuple[str, str, int]]) -> int:
    """The number of epics on the longest chain of epic dependencies (1 when none depend on another)."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(e.key for e in epics)
    graph.add_edges_from((source, target) for source, target, _ in edges)
    if not graph:
        return 0
    # stories form a DAG, yet two epics can depend on each other's stories: collapse such loops first
    return nx.dag_longest_path_length(nx.condensation(graph)) + 1


def epic_flowchart(epics: Sequence[Any], stories: Sequence[Any], direction: str | None = None) -> str:
    """A flowchart with one node per epic and an edge where a story of one epic depends on a story of another.

    Epics that depend on each other (a story of each waits for a story of the other) are drawn as one node that
    says so, not as arrows both ways; arrows implied by a longer chain are left out (transitive reduction). Left to
    right while the longest chain is short; top down for long chains, which would be too wide to read.
    """
    import networkx as nx

    ids = _Ids("e")
    edges = epic_edges(epics, stories)
    direction = direction or ("LR" if epic_depth(epics, edges) <= 5 else "TD")
    graph = nx.DiGraph()
    graph.add_nodes_from(e.key for e in epics)
    graph.add_edges_from((a, b) for a, b, _ in edges)
    condensed = nx.condensation(graph)
    group_of = condensed.graph["mapping"]
    by_key = {e.key: e for e in epics}
    members = {g: [e.key for e in epics if group_of[e.key] == g] for g in condensed.nodes}
    node_of = {g: ids(keys[0]) if len(keys) == 1 else ids("+".join(keys)) for g, keys in members.items()}
    lines = [f"flowchart {direction}"]
    estimates = {s.key: s.estimate for s in stories}
    drawn = set()
    for epic in epics:
        group = group_of[epic.key]
        if group in drawn:
            continue
        drawn.add(group)
        keys = members[group]
        if len(keys) == 1:
            lines.append(f'    {node_of[group]}["{_epic_text(epic, estimates)}"]')
        else:
            titles = " ⇄ ".join(label(by_key[k].title, 40) for k in keys)
            lines.append(f'    {node_of[group]}["{titles}<br/>{label("depend on each other")}"]')
    for source, target in sorted(nx.transitive_reduction(condensed).edges,
                                 key=lambda e: (min(members[e[0]], key=list(by_key).index),
                                                min(members[e[1]], key=list(by_key).index))):
        lines.append(f"    {node_of[source]} --> {node_of[target]}")
    return "\n".join(lines) + "\n"


def _epic_text(epic: Any, estimates: dict[str, Any]) -> str:
    details = [_stories(len(epic.stories))]
    parts = [estimates[k] for k in epic.stories if k in estimates]
    if parts:
        total = Estimate(low=sum(e.low for e in parts), likely=sum(e.likely for e in parts),
                         high=sum(e.high for e in parts))
        details.append(_estimate_text(total))
    span = _sprint_span(epic)
    if span:
        details.append(span)
    return f"{label(epic.title)}<br/>{label(', '.join(details))}"


def mutual_epics(epics: Sequence[Any], stories: Sequence[Any]) -> list[list[str]]:
    """Groups of epics that depend on each other (each waits for a story of another), as lists of epic keys."""
    import networkx as nx

    graph = nx.DiGraph((a, b) for a, b, _ in epic_edges(epics, stories))
    order = {e.key: i for i, e in enumerate(epics)}
    groups = [sorted(c, key=order.__getitem__) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    return sorted(groups, key=lambda g: order[g[0]])


def story_flowchart(epics: Sequence[Any], stories: Sequence[Any], critical_path: Iterable[str] = (),
                    direction: str = "LR", planned: bool = True) -> str:
    """A flowchart of every story grouped by epic (subgraphs), with dependency edges; the critical path is bold.

    With `planned` (stories of a Plan), each node shows its sprint and stories that did not fit are dashed.
    """
    epic_ids, story_ids = _Ids("e"), _Ids("s")
    by_key = {s.key: s for s in stories}
    critical = [k for k in critical_path if k in by_key]
    lines = [f"flowchart {direction}"]
    for epic in epics:
        lines.append(f'    subgraph {epic_ids(epic.key)}["{label(epic.title)}"]')
        for key in epic.stories:
            story = by_key.get(key)
            if story is None:
                continue
            details = _estimate_text(story.estimate)
            sprint = getattr(story, "sprint", None) if planned else None
            if sprint is not None:
                details += f", sprint {sprint}"
            lines.append(f'        {story_ids(key)}["{label(story.title, 60)}<br/>{label(details)}"]')
        lines.append("    end")
    for dep, key in reduced_edges(stories):
        lines.append(f"    {story_ids(dep)} --> {story_ids(key)}")
    if critical:
        lines.append(f"    classDef critical {CRITICAL_STYLE}")
        lines.append(f"    class {','.join(story_ids(k) for k in critical)} critical")
    unplanned = [s.key for s in stories if planned and getattr(s, "sprint", None) is None]
    if unplanned:
        lines.append(f"    classDef unplanned {UNPLANNED_STYLE}")
        lines.append(f"    class {','.join(story_ids(k) for k in unplanned)} unplanned")
    return "\n".join(lines) + "\n"


def reduced_edges(stories: Sequence[Any]) -> list[tuple[str, str]]:
    """Dependency edges (blocker, dependent) without those implied by a longer chain (transitive reduction).

    `a -> b -> c` already says c waits for a; drawing `a -> c` as well only adds crossings.
    """
    import networkx as nx

    graph = nx.DiGraph()
    keys = [s.key for s in stories]
    graph.add_nodes_from(keys)
    graph.add_edges_from((dep, s.key) for s in stories for dep in s.depends_on if dep in graph)
    if not nx.is_directed_acyclic_graph(graph):
        return list(graph.edges)
    kept = set(nx.transitive_reduction(graph).edges)
    return [(dep, s.key) for s in stories for dep in s.depends_on if (dep, s.key) in kept]


def gantt_text(text: Any, limit: int = 60, unsafe: re.Pattern = _GANTT_UNSAFE) -> str:
    """Text safe as a Gantt task or section name: plain characters only, never a Gantt keyword at the start."""
    value = " ".join(unsafe.sub(" ", str(text)).split())
    value = _shorten(value, limit) or "untitled"
    first = value.split(" ", 1)[0].lower()
    if first in _GANTT_KEYWORDS or re.match(r"\d{4}-\d{2}-\d{2}", value):
        value = "- " + value
    return value


def _days(start: dt.date, end: dt.date) -> int:
    return (end - start).days + 1


def gantt_title(text: Any, limit: int = 80) -> str:
    """A Gantt title: like `gantt_text`, but `<`, `>`, `|` and `&` kept as look-alikes instead of dropped (the title
    line ends at '#' or ';', so Mermaid's entity codes cannot be used there, and Mermaid would show `&gt;` as such)."""
    return gantt_text(str(text).translate(_TITLE_LOOKALIKES), limit, _GANTT_TITLE_UNSAFE)


_TITLE_LOOKALIKES = str.maketrans({"<": "‹", ">": "›", "|": "∣", "&": "＆"})
_GANTT_TITLE_UNSAFE = re.compile(r"[^\w .,/+'()\-‹›∣＆]", re.UNICODE)


#: Above this many sprints the Gantt chart draws them as one bar (plus the sprints over capacity).
GANTT_SPRINT_ROWS = 30

#: Slimmer bars than Mermaid's default (20 + 4 pixels a row): a plan has a row per sprint and per epic.
GANTT_INIT = '%%{init: {"gantt": {"barHeight": 16, "barGap": 3}}}%%'


def _ticks(plan: Any) -> tuple[str, str]:
    """Axis ticks that do not overlap, and their format (always with the year): weekly or fortnightly for short
    plans, then one to twelve months, so a long plan keeps a dozen ticks or so."""
    days = (plan.sprints[-1].end - plan.sprints[0].start).days + 1 if plan.sprints else 0
    if days <= 70:
        return "1week", "%d %b %Y"
    if days <= 140:
        return "2week", "%d %b %Y"
    months = 1 if days <= 400 else 3 if days <= 800 else 6 if days <= 1600 else 12
    return f"{months}month", "%b %Y"


def gantt(plan: Any) -> str:
    """A Gantt chart: one bar per sprint (over-capacity sprints marked critical), one per planned epic, a marker for
    each milestone's planned date and, with a forecast, markers at its P50 and P85 (commitment) dates."""
    lines = [
        GANTT_INIT,
        "gantt",
        f"    title {gantt_title('Sprints of ' + str(plan.profile.get('name') or plan.profile.get('id')))}",
        "    dateFormat YYYY-MM-DD",
        f"    axisFormat {_ticks(plan)[1]}",
        f"    tickInterval {_ticks(plan)[0]}",
        "    section Sprints",
    ]
    many = len(plan.sprints) > GANTT_SPRINT_ROWS
    if many:  # one bar for them all, and a bar for each sprint over capacity: the Sprints table has the rest
        first, last = plan.sprints[0], plan.sprints[-1]
        lines.append(f"    Sprints {first.number}-{last.number} :sp, {first.start.isoformat()}, "
                     f"{_days(first.start, last.end)}d")
    for sprint in plan.sprints:
        over = sprint.load > sprint.capacity + 1e-9
        if many and not over:
            continue
        tags = "crit, " if over else ""
        load, capacity = format_points(round(sprint.load, 1)), format_points(round(sprint.capacity, 1))
        text = f"Sprint {sprint.number} ({load} of {capacity} pts)"
        lines.append(f"    {text} :{tags}sp{sprint.number}, {sprint.start.isoformat()}, "
                     f"{_days(sprint.start, sprint.end)}d")
    sprint_by_number = {s.number: s for s in plan.sprints}
    planned = [e for e in plan.epics if e.first_sprint in sprint_by_number and e.last_sprint in sprint_by_number]
    if planned:
        lines.append("    section Epics")
        for index, epic in enumerate(planned, start=1):
            start = sprint_by_number[epic.first_sprint].start
            end = sprint_by_number[epic.last_sprint].end
            lines.append(f"    {gantt_text(epic.title)} :active, ep{index}, {start.isoformat()}, {_days(start, end)}d")
    reached = [m for m in (getattr(plan, "milestones", None) or []) if getattr(m, "date", None) is not None]
    if reached:
        lines.append("    section Milestones")
        for index, milestone in enumerate(reached, start=1):
            lines.append(f"    {gantt_text(milestone.title)} :milestone, ms{index}, {milestone.date.isoformat()}, 0d")
    markers = _forecast_markers(plan)
    if markers:
        lines.append("    section Forecast")
        lines += markers
    return "\n".join(lines) + "\n"


def _forecast_markers(plan: Any) -> list[str]:
    """Milestone markers at the forecast's P50 date and at the commitment date (P85 unless --confidence says)."""
    forecast = getattr(plan, "forecast", None)
    commitment = getattr(plan, "commitment", None)
    out = []
    if forecast is not None and forecast.dates.p50:
        out.append(f"    P50 sprint {forecast.sprints.p50} :milestone, fc50, {forecast.dates.p50}, 0d")
    if commitment is not None and commitment.date:
        out.append(f"    Commitment P{commitment.confidence} sprint {commitment.sprints} "
                   f":milestone, crit, fccommit, {commitment.date}, 0d")
    return out


def critical_subset(stories: Sequence[Any], critical_path: Sequence[str], limit: int) -> list[Any]:
    """The stories of the critical path and their direct neighbours (what they wait for and what waits for them),
    in backlog order; only the critical path itself when that is more than `limit` stories, and nothing when even
    the critical path is (a diagram that long is unreadable at page width)."""
    on_path = set(critical_path)
    near = set(on_path)
    for story in stories:
        if story.key in on_path:
            near.update(story.depends_on)
        elif on_path & set(story.depends_on):
            near.add(story.key)
    if len(on_path) > limit:
        return []
    chosen = near if len(near) <= limit else on_path
    return [s for s in stories if s.key in chosen]


def dot_string(text: Any) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines as DOT line breaks."""
    value = str(text).replace("\\", "\\\\").replace('"', '\\"')
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{value}"'


def dot_graph(epics: Sequence[Any], stories: Sequence[Any], level: str = "story",
              critical_path: Iterable[str] = ()) -> str:
    """The dependency graph in Graphviz DOT: epics only (level='epic') or stories clustered by epic."""
    lines = ["digraph sprintgen {", "    rankdir=LR;", '    node [shape=box, style=rounded, fontname="Helvetica"];']
    if level == "epic":
        for epic in epics:
            text = f"{_shorten(' '.join(str(epic.title).split()), 80)}\n{_stories(len(epic.stories))}"
            lines.append(f"    {dot_string(epic.key)} [label={dot_string(text)}];")
        for source, target, count in epic_edges(epics, stories):
            extra = f" [label={dot_string(f'{count} links')}]" if count > 1 else ""
            lines.append(f"    {dot_string(source)} -> {dot_string(target)}{extra};")
    else:
        by_key = {s.key: s for s in stories}
        critical = set(critical_path)
        for index, epic in enumerate(epics):
            lines.append(f"    subgraph cluster_{index} {{")
            lines.append(f"        label={dot_string(' '.join(str(epic.title).split()))};")
            for key in epic.stories:
                story = by_key.get(key)
                if story is None:
                    continue
                text = f"{_shorten(' '.join(str(story.title).split()), 60)}\n{_estimate_text(story.estimate)}"
                style = ", color=red, penwidth=2" if key in critical else ""
                lines.append(f"        {dot_string(key)} [label={dot_string(text)}{style}];")
            lines.append("    }")
        for story in stories:
            for dep in story.depends_on:
                if dep in by_key:
                    lines.append(f"    {dot_string(dep)} -> {dot_string(story.key)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


#: Colours of the burn-up's series, in drawing order (done bars, scope, P50, P85, P95): the legend names them.
BURNUP_SERIES = (("done", "#2f9e44", "green bars"), ("scope", "#495057", "grey line"),
                 ("p50", "#1c7ed6", "blue line"), ("p85", "#f08c00", "orange line"), ("p95", "#e03131", "red line"))


def burnup(points: Sequence[Any]) -> str:
    """A burn-up chart (Mermaid xychart-beta): points done per closed sprint as bars, the total scope and the
    P50 / P85 / P95 forecast lines. `points` are BurnUpPoint-like (sprint, done, scope, p50, p85, p95)."""
    def number(value: Any) -> str:
        return format_points(round(float(value or 0), 1))

    top = max([max(p.scope, p.p95, p.done or 0) for p in points] + [1])
    palette = ", ".join(colour for _, colour, _ in BURNUP_SERIES)
    lines = ['%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "' + palette + '"}}}}%%',
             "xychart-beta",
             '    title "Burn-up (story points)"',
             '    x-axis "Sprint" [' + ", ".join('"start"' if p.sprint == 0 else f'"{p.sprint}"' for p in points) + "]",
             f'    y-axis "Points" 0 --> {number(top * 1.05)}']
    for name, _, _ in BURNUP_SERIES:
        kind = "bar" if name == "done" else "line"
        lines.append(f"    {kind} [" + ", ".join(number(getattr(p, name)) for p in points) + "]")
    return "\n".join(lines)
