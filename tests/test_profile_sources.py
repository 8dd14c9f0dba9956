"""Where the built-in profiles' knowledge comes from: article numbers stay in docs/profiles.md (which names each
article), never in the roadmap a reader gets; and the quotes are credited to the article that says them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import run

ROOT = Path(__file__).resolve().parents[1]
ARTICLE_NUMBER = re.compile(r"\b00[0-4]\b")


@pytest.mark.parametrize("profile_id", ["rag", "fine-tuning", "hybrid"])
def test_the_roadmap_cites_no_article_numbers(profile_id):
    params = ["--param", "compliance=gdpr,hipaa", "--param", "traffic=high", "--param", "multilingual=true"]
    result = run("plan", "--profile", profile_id, *params, "--start", "2027-01-04", "--no-forecast")
    assert result.exit_code == 0, result.stderr
    cited = [line for line in result.stdout.splitlines() if ARTICLE_NUMBER.search(line.replace("2027-", ""))]
    assert cited == []


# Quotes of article 003 (ThirstySprout) that were once credited to 004.
QUOTES_OF_003 = ("run a pilot with a fixed rubric", "lock the evaluation rubric before testing", "who owns it after launch",
                 "judging quality only by whether the demo looks fluent")


def test_docs_credit_each_quote_to_its_article():
    docs = (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")
    for quote in QUOTES_OF_003:
        cells = [cell for line in docs.splitlines() for cell in re.split(r"[|;]", line) if quote in cell.lower()]
        assert cells, f"docs/profiles.md no longer quotes '{quote}'"
        for cell in cells:
            assert "003" in cell and "004" not in cell, f"'{quote}' is article 003's: {cell.strip()}"
