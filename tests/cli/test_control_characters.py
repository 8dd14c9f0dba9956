"""Control characters in profile text ("\\e[2J" clears the screen, "\\a" rings, "\\0", C1 CSI) never reach the
terminal raw: every output and error shows them as visible `\\u00XX` escapes, and JSON keeps them exact."""

from __future__ import annotations

import csv
import io
import json
import re

from ..support import run_subprocess, write

RAW = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
TITLE = "Wipe\x1b[2J the screen\x07 and\x00 hide\x9b31m it\rover"

PROFILE = r'''
    id: noisy
    name: "Noisy \e]0;pwned\a"
    parameters:
      mode: {type: choice, choices: [a, b], default: a}
    epics:
      - key: e
        title: "Epic \e[31mred"
        stories:
          - key: s
            title: "Wipe\e[2J the screen\a and\0 hide\x9b31m it\rover"
            acceptance: ["Beep \a twice \a"]
            estimate: 3
'''


def test_every_format_shows_control_characters_as_visible_escapes(tmp_path):
    write(tmp_path / "noisy.yaml", PROFILE)
    for fmt in ("markdown", "csv", "json"):
        completed = run_subprocess(["plan", "--profile", "noisy.yaml", "--format", fmt, "--no-forecast"], cwd=tmp_path)
        assert completed.returncode == 0, completed.stderr
        assert not RAW.search(completed.stdout), (fmt, RAW.findall(completed.stdout))
        written = tmp_path / f"out.{fmt}"
        assert run_subprocess(["plan", "--profile", "noisy.yaml", "--format", fmt, "--no-forecast", "-o", written],
                              cwd=tmp_path).returncode == 0
        text = written.read_bytes().decode("utf-8")
        assert not RAW.search(text), (fmt, RAW.findall(text))
        if fmt == "markdown":
            assert "Wipe\\u001b\\[2J the screen\\u0007 and\\u0000 hide\\u009b31m it over" in text
        if fmt == "csv":
            assert "Wipe\\u001b[2J" in next(r for r in csv.reader(io.StringIO(text, newline="")) if r[2] == "Story")[3]
        if fmt == "json":  # lossless: the escapes are JSON's own
            assert json.loads(text)["stories"][0]["title"] == TITLE


def test_an_error_line_shows_control_characters_as_visible_escapes(tmp_path):
    write(tmp_path / "noisy.yaml", PROFILE)
    completed = run_subprocess(["plan", "--profile", "noisy.yaml", "--param", "mo\x1b[2Jde=b"], cwd=tmp_path)
    assert completed.returncode == 2
    assert completed.stderr.count("\n") == 1 and not RAW.search(completed.stderr)
    assert "mo\\u001b[2Jde" in completed.stderr
    listing = run_subprocess(["show", "noisy.yaml"], cwd=tmp_path)
    assert listing.returncode == 0 and not RAW.search(listing.stdout)
