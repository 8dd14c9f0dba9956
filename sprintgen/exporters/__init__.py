"""Output formats. Each exporter turns a Plan into text; they are registered under the entry-point group
`sprintgen.exporters` (the built-ins exactly as a plugin's would be)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from typing import Any, Callable

from sprintgen.errors import InputError

EXPORTER_GROUP = "sprintgen.exporters"


@dataclass(frozen=True)
class Exporter:
    """An output format: `render(plan, **options) -> str`."""

    name: str
    description: str
    render: Callable[..., str]
    suffix: str = ".txt"
    templated: bool = False  # renders through a Jinja template, so `--template` applies


def available_exporters() -> dict[str, metadata.EntryPoint]:
    """Entry points of every installed exporter, by name (a built-in wins over a plugin of the same name; third-party
    exporters are left out when $SPRINTGEN_DISABLE_PLUGINS is set: see sprintgen.plugins)."""
    from sprintgen.plugins.registry import exporter_entry_points

    return exporter_entry_points()[0]


def get_exporter(name: str) -> Exporter:
    """Load one exporter by name; an unknown name lists the known ones."""
    entry_points = available_exporters()
    if name not in entry_points:
        known = ", ".join(sorted(entry_points)) or "none installed"
        raise InputError(f"unknown output format '{name}'", where="--format", hint=f"choose one of: {known}")
    from sprintgen.plugins.registry import PluginLoadError, load_exporter

    from sprintgen.profiles.discovery import is_builtin, plugin_label

    try:
        exporter: Any = load_exporter(entry_points[name])
    except PluginLoadError as exc:  # a broken plugin is named, never a traceback
        raise InputError(f"output format '{name}': {exc}", where="--format", hint=PLUGIN_HINT) from None
    if is_builtin(entry_points[name]):
        return exporter
    return _guarded(exporter, name, plugin_label(entry_points[name]))


PLUGIN_HINT = "fix or uninstall the plugin, or set SPRINTGEN_DISABLE_PLUGINS=1"


def _guarded(exporter: Any, name: str, label: str) -> Exporter:
    """A plugin's exporter whose failures are reported by name: raising (even SystemExit) or returning no text."""
    from sprintgen.errors import SprintgenError
    from sprintgen.profiles.discovery import failure_text

    def render(plan: Any, **options: Any) -> str:
        try:
            text = exporter.render(plan, **options)
        except SprintgenError:
            raise
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - the plugin's bug, reported as such
            raise InputError(f"output format '{name}': {label} failed: {failure_text(exc)}", where="--format",
                             hint=PLUGIN_HINT) from None
        if not isinstance(text, str):
            raise InputError(f"output format '{name}': {label} returned {type(text).__name__}, not text",
                             where="--format", hint=PLUGIN_HINT)
        return text

    return Exporter(name=name, description=str(getattr(exporter, "description", "")), render=render,
                    suffix=str(getattr(exporter, "suffix", ".txt")),
                    templated=bool(getattr(exporter, "templated", False)))
