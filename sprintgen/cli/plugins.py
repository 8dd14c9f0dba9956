"""`sprintgen plugins`: what is installed, where each profile and output format comes from, what is broken."""

from __future__ import annotations

import json

import click

from sprintgen.cli.options import say, text_table


@click.command()
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
def plugins(fmt: str) -> None:
    """List installed plugins, every profile and output format with its origin, and any plugin problem.

    Third-party plugins register through the entry-point groups `sprintgen.profiles` and `sprintgen.exporters`;
    set SPRINTGEN_DISABLE_PLUGINS=1 to turn them off. A broken plugin is reported here and skipped elsewhere.
    """
    from sprintgen.plugins.registry import collect_report

    report = collect_report()
    if fmt == "json":
        say(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return
    lines = []
    if report.disabled:
        lines += ["Third-party plugins are disabled (SPRINTGEN_DISABLE_PLUGINS).", ""]
    lines.append("Plugins:")
    if report.distributions:
        lines += ["  " + line for line in text_table([(d["name"], d["version"], d["provides"])
                                                  for d in report.distributions], ("NAME", "VERSION", "PROVIDES"))]
    else:
        lines.append("  none installed")
    lines += ["", "Profiles:"]
    lines += ["  " + line for line in text_table([(p.id, p.origin, p.path) for p in report.profiles],
                                             ("ID", "ORIGIN", "PATH"))]
    lines += ["", "Output formats:"]
    lines += ["  " + line for line in text_table(
        [(e.name, e.origin, e.description if e.loaded else "(failed to load)") for e in report.exporters],
        ("NAME", "ORIGIN", "DESCRIPTION"))]
    if report.problems:
        lines += ["", "Problems:"]
        lines += [f"  {p.level}: {p.plugin}: {p.message}" for p in report.problems]
    say("\n".join(lines))
