#!/usr/bin/env python3
"""Render every Mermaid diagram in Markdown (or .mmd) files with Mermaid's own renderer, mermaid-cli (`mmdc`).

Exit 0 when every diagram renders, 1 when one does not (mmdc's parse error is printed), 2 when mmdc is missing.

    python scripts/check_mermaid.py examples/rag.md                 # check
    python scripts/check_mermaid.py examples/rag.md --out /tmp/png   # also keep the images (PNG) to look at

Set-up (not part of the package): `bash scripts/install_renderers.sh` installs Debian chromium and graphviz and
mermaid-cli (without its own browser download) and prints the path of mmdc.

mmdc is found through $SPRINTGEN_MMDC, else on PATH. The browser is $SPRINTGEN_CHROMIUM, else /usr/bin/chromium,
run headless without the sandbox (a container has no user namespaces for it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSER_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run"]
FENCE = re.compile(r"^```mermaid\n(.*?)^```", re.DOTALL | re.MULTILINE)


def find_mmdc() -> str | None:
    """The mmdc executable: $SPRINTGEN_MMDC, else on PATH."""
    explicit = os.environ.get("SPRINTGEN_MMDC")
    if explicit:
        return explicit if Path(explicit).exists() else None
    return shutil.which("mmdc")


def puppeteer_config(directory: Path) -> Path:
    """A puppeteer config pointing at the system chromium."""
    browser = os.environ.get("SPRINTGEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    path = directory / "puppeteer.json"
    path.write_text(json.dumps({"executablePath": browser, "args": BROWSER_ARGS}), encoding="utf-8")
    return path


def diagrams_in(path: Path) -> list[str]:
    """The Mermaid sources in a file: every ```mermaid block of Markdown, or the whole of a .mmd file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".mmd":
        return [text]
    return [match.group(1) for match in FENCE.finditer(text)]


def kind(diagram: str) -> str:
    """The diagram type (its first word), past any `%%{init: ...}%%` directive or comment line."""
    lines = [line for line in diagram.splitlines() if line.strip() and not line.lstrip().startswith("%%")]
    return lines[0].split(None, 1)[0] if lines else "empty"


def render_file(mmdc: str, path: Path, outdir: Path, config: Path, fmt: str, timeout: float = 300
                ) -> tuple[bool, str]:
    """Render every diagram of one file in one browser session; (ok, mmdc's error output).

    A Markdown input makes mmdc write `<stem>-<n>.<fmt>` per ```mermaid block; a parse error fails the whole run.
    """
    source = path
    if path.suffix == ".mmd":
        target = outdir / f"{path.stem}-1.{fmt}"
    else:
        source = outdir / f"{path.stem}.input.md"  # mmdc names the images after its input and output
        source.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        target = outdir / f"{path.stem}.md"
    result = subprocess.run([mmdc, "-q", "-p", str(config), "-i", str(source), "-o", str(target), "-e", fmt],
                            capture_output=True, text=True, timeout=timeout, cwd=outdir)
    expected = len(diagrams_in(path))
    images = sorted(outdir.glob(f"{path.stem}-*.{fmt}"))
    ok = result.returncode == 0 and len(images) == expected and all(i.stat().st_size > 0 for i in images)
    lines = [line for line in (result.stderr or result.stdout).splitlines() if not line.startswith("    at ")]
    return ok, "\n".join(lines[:8])


def check(files: list[Path], out: Path | None, mmdc: str) -> int:
    """Render every diagram of every file; print one line per file; the number of files that failed."""
    failures = 0
    with tempfile.TemporaryDirectory(prefix="sprintgen-mermaid-") as tmp:
        config = puppeteer_config(Path(tmp))
        for path in files:
            outdir = out or Path(tmp)
            kinds = ", ".join(kind(d) for d in diagrams_in(path) if d.strip())
            ok, message = render_file(mmdc, path.resolve(), outdir.resolve(), config, "png" if out else "svg")
            print(f"{'ok  ' if ok else 'FAIL'} {path}: {kinds}" + ("" if ok else f"\n{message}"))
            failures += not ok
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="Markdown or .mmd files")
    parser.add_argument("--out", type=Path, help="keep the rendered PNG files in this directory")
    args = parser.parse_args(argv)
    mmdc = find_mmdc()
    if mmdc is None:
        print("mmdc not found: set SPRINTGEN_MMDC or put mermaid-cli on PATH", file=sys.stderr)
        return 2
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    count = sum(len(diagrams_in(p)) for p in args.files)
    if count == 0:
        print("no Mermaid diagram found", file=sys.stderr)
        return 1
    failures = check(args.files, args.out, mmdc)
    print(f"{len(args.files) - failures} of {len(args.files)} files rendered ({count} diagrams)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
