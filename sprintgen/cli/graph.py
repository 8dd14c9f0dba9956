"""`sprintgen graph`: print a profile's dependency graph alone, as Mermaid or Graphviz DOT."""

from __future__ import annotations

import click

from sprintgen.cli.options import emit, profile_options


@click.command()
@profile_options
@click.option("--format", "-f", "fmt", type=click.Choice(["mermaid", "dot"]), default="mermaid", show_default=True,
              help="mermaid: a flowchart for Markdown; dot: Graphviz (`dot -Tsvg`).")
@click.option("--level", type=click.Choice(["epic", "story"]), default="story", show_default=True,
              help="One node per epic, or per story (grouped by epic).")
@click.option("--fence/--no-fence", default=False,
              help="Wrap Mermaid output in a ```mermaid Markdown fence, ready to paste.")
@click.option("--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout.")
def graph(profile: str, params: tuple[str, ...], fmt: str, level: str, fence: bool, output: str | None) -> None:
    """Print the dependency graph of a profile (no team or sprints needed).

    An arrow goes from a story to the stories that depend on it; at epic level, from an epic to the epics whose
    stories depend on it. The critical path (heaviest chain of likely points) is drawn bold.

    \b
    Examples:
      sprintgen graph --profile rag
      sprintgen graph --profile hybrid --level epic --format dot | dot -Tsvg > epics.svg
    """
    from sprintgen.profiles.resolve import build_backlog
    from sprintgen.diagrams import mermaid
    from sprintgen.graph import build_graph, critical_path
    from sprintgen.profiles.parameters import parse_assignments

    backlog = build_backlog(profile, parse_assignments(params))
    dag = build_graph(backlog)  # a cycle is reported here, as in `plan`
    path, _ = critical_path(dag, {s.key: s.estimate.likely for s in backlog.stories})
    if fmt == "dot":
        text = mermaid.dot_graph(backlog.epics, backlog.stories, level, path)
    else:
        if level == "epic":
            text = mermaid.epic_flowchart(backlog.epics, backlog.stories)
        else:
            text = mermaid.story_flowchart(backlog.epics, backlog.stories, path, planned=False)
        if fence:
            text = f"```mermaid\n{text}```\n"
    emit(text, output)
