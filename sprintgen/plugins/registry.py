"""Plugins: what is installed in the entry-point groups `sprintgen.profiles` and `sprintgen.exporters`.

Built-ins are declared in sprintgen's own pyproject.toml through the same groups. Rules (README.md, "Plugins"):
a plugin that fails to load is reported by name and the rest keeps working; a plugin name that shadows a built-in
is an error and the built-in is used; a clash between two plugins is a warning and the first by distribution name
is used; $SPRINTGEN_DISABLE_PLUGINS turns every third-party entry point off.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from importlib import metadata
from typing import Any

from sprintgen.profiles.discovery import (
    PROFILE_GROUP,
    SourceProblem,
    distribution_name,
    entry_points,
    failure_text,
    is_builtin,
    plugin_label,
    plugins_disabled,
    scan_profiles,
)

EXPORTER_GROUP = "sprintgen.exporters"


@dataclass
class ExporterInfo:
    """One output format and where it comes from."""

    name: str
    origin: str  # "built-in" or "plugin <dist>"
    target: str  # the entry point's value, e.g. "sprintgen.exporters.json:EXPORTER"
    description: str = ""
    loaded: bool = True


@dataclass
class ProfileInfo:
    """One profile id and the file that provides it."""

    id: str
    origin: str
    path: str


@dataclass
class PluginReport:
    """Everything `sprintgen plugins` shows."""

    disabled: bool
    distributions: list[dict[str, str]] = field(default_factory=list)  # third-party: name, version, groups
    profiles: list[ProfileInfo] = field(default_factory=list)
    exporters: list[ExporterInfo] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (for --format json)."""
        return asdict(self)


def _origin(ep: metadata.EntryPoint) -> str:
    return "built-in" if is_builtin(ep) else f"plugin {distribution_name(ep)}"


def exporter_entry_points() -> tuple[dict[str, metadata.EntryPoint], list[SourceProblem]]:
    """The exporter entry point used for each name, and the clashes found on the way."""
    chosen: dict[str, metadata.EntryPoint] = {}
    problems: list[SourceProblem] = []
    for ep in entry_points(EXPORTER_GROUP):  # built-ins first, then plugins by distribution name
        winner = chosen.get(ep.name)
        if winner is None:
            chosen[ep.name] = ep
        elif is_builtin(winner):
            problems.append(SourceProblem("error", plugin_label(ep),
                                          f"output format '{ep.name}' shadows the built-in one; the built-in is "
                                          "used: rename the plugin's entry point"))
        elif not is_builtin(ep):
            problems.append(SourceProblem("warning", plugin_label(ep),
                                          f"output format '{ep.name}' is also provided by {_origin(winner)}, "
                                          "which is used; uninstall or rename one of them"))
    return chosen, problems


def load_exporter(ep: metadata.EntryPoint) -> Any:
    """Load an exporter entry point and check it has what an Exporter has; raise PluginLoadError otherwise."""
    try:
        exporter = ep.load()
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - a plugin's import error (or sys.exit) is reported
        raise PluginLoadError(plugin_label(ep), f"failed to load: {failure_text(exc)}") from None
    if not callable(getattr(exporter, "render", None)):
        raise PluginLoadError(plugin_label(ep), "is not an exporter: it has no render(plan, **options) function "
                                                "(see sprintgen.exporters.Exporter)")
    return exporter


class PluginLoadError(Exception):
    """A plugin's entry point could not be loaded (turned into an InputError by the exporter registry)."""

    def __init__(self, plugin: str, reason: str) -> None:
        super().__init__(f"{plugin} {reason}")
        self.plugin = plugin
        self.reason = reason


def _distributions() -> list[dict[str, str]]:
    found: dict[str, dict[str, Any]] = {}
    for group in (PROFILE_GROUP, EXPORTER_GROUP):
        for ep in entry_points(group):
            if is_builtin(ep):
                continue
            name = distribution_name(ep)
            dist = getattr(ep, "dist", None)
            entry = found.setdefault(name, {"name": name, "version": getattr(dist, "version", "?") or "?",
                                            "provides": []})
            entry["provides"].append(f"{group}: {ep.name}")
    return [{"name": d["name"], "version": d["version"], "provides": ", ".join(d["provides"])}
            for d in sorted(found.values(), key=lambda d: d["name"].lower())]


def collect_report() -> PluginReport:
    """What is installed, where each profile and exporter comes from, and what is wrong."""
    scan = scan_profiles()
    report = PluginReport(disabled=plugins_disabled(), distributions=_distributions())
    report.profiles = [ProfileInfo(pid, src.origin, str(src.path)) for pid, src in sorted(scan.profiles.items())]
    report.problems.extend(scan.problems)
    chosen, problems = exporter_entry_points()
    report.problems.extend(problems)
    for name, ep in sorted(chosen.items()):
        info = ExporterInfo(name, _origin(ep), ep.value)
        try:
            info.description = str(getattr(load_exporter(ep), "description", ""))
        except PluginLoadError as exc:
            info.loaded = False
            report.problems.append(SourceProblem("error", exc.plugin, exc.reason))
        report.exporters.append(info)
    return report
