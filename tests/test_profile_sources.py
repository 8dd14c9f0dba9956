"""Where the built-in profiles' knowledge comes from: article numbers stay in docs/profiles.md (which names each
article), never in the roadmap a reader gets; and the quotes are credited to the article that says them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .support import run

ROOT = Path(__file__).resolve().parents[1]
ARTICLE_NUMBER = re.compile(r"(?<![\d,.$])00[0-4](?![\d,])")  # "(003", "004:", not "5,000"


@pytest.mark.parametrize("profile_id", ["rag", "fine-tuning", "hybrid"])
def test_the_roadmap_cites_no_article_numbers(profile_id):
    params = ["--param", "compliance=gdpr,hipaa", "--param", "traffic=high", "--param", "multilingual=true"]
    result = run("plan", "--profile", profile_id, *params, "--start", "2027-01-04", "--no-forecast")
    assert result.exit_code == 0, result.stderr
    cited = [line for line in result.stdout.splitlines() if ARTICLE_NUMBER.search(line.replace("2027-", ""))]
    assert cited == []


# Quotes of article 003 (ThirstySprout) that were once credited to 004.
QUOTES_OF_003 = ("run a pilot with a fixed rubric", "lock the evaluation rubric before testing",
                 "who owns it after launch", "judging quality only by whether the demo looks fluent")


def test_docs_credit_each_quote_to_its_article():
    docs = (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")
    for quote in QUOTES_OF_003:
        lines = [line for line in docs.splitlines() if quote in line.lower()]
        assert lines, f"docs/profiles.md no longer quotes '{quote}'"
        for line in lines:
            assert "003" in line, f"'{quote}' is quoted without its article: {line}"
            # credited to 004 means '004: ... "quote"' within one cell or clause
            assert not re.search(r"\b004\b[^|;]*" + re.escape(quote), line.lower()), f"'{quote}' is 003's: {line}"
