"""HTTP requests sent by `sprintgen push` for each built-in profile, first run and re-run, against the fake Jira.

    python benchmarks/jira_requests.py [--variant cloud-company|cloud-team|data-center] [--dod-as-subtasks]

Runs the real CLI against tests/jira_fake (an in-process HTTP server, no network) and prints, per profile, the
number of requests by method. A re-run with nothing to change must show 0 writes (POST/PUT/DELETE).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from click.testing import CliRunner  # noqa: E402

from sprintgen.cli import main  # noqa: E402
from tests.jira_fake import running_fake  # noqa: E402

PROFILES = ("rag", "fine-tuning", "hybrid")


def count(requests: list[tuple[str, str]]) -> Counter:
    """Requests by method, plus 'writes' (anything but GET)."""
    by_method = Counter(method for method, _ in requests)
    by_method["writes"] = sum(n for method, n in by_method.items() if method != "GET")
    return by_method


def run(profile: str, variant: str, extra: list[str]) -> tuple[Counter, Counter, int, str]:
    """(first run counts, re-run counts, issues created, error text)."""
    argv = ["push", "--profile", profile, "--project", "RAG", "--start", "2027-01-04", "--yes",
            "--allow-overcommit", *extra]
    with running_fake(variant, validate=False) as fake:
        first = CliRunner().invoke(main, argv, env=fake.env())
        if first.exit_code != 0:
            return Counter(), Counter(), 0, first.output.strip().splitlines()[-1]
        mark = len(fake.requests)
        second = CliRunner().invoke(main, argv, env=fake.env())
        if second.exit_code != 0:
            return Counter(), Counter(), 0, second.output.strip().splitlines()[-1]
        return count(fake.requests[:mark]), count(fake.requests[mark:]), len(fake.state.issues), ""


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", default="cloud-company", choices=["cloud-company", "cloud-team", "data-center"])
    parser.add_argument("--dod-as-subtasks", action="store_true")
    args = parser.parse_args()
    extra = ["--dod-as-subtasks"] if args.dod_as_subtasks else []
    print(f"variant: {args.variant}{' (DoD as sub-tasks)' if extra else ''}")
    print(f"{'profile':<12} {'issues':>6}  {'run':<7} {'total':>5} {'GET':>4} {'POST':>4} {'PUT':>4} {'DELETE':>6} "
          f"{'writes':>6}")
    for profile in PROFILES:
        first, again, issues, error = run(profile, args.variant, extra)
        if error:
            print(f"{profile:<12} error: {error}")
            continue
        for label, counts in (("first", first), ("re-run", again)):
            total = sum(n for m, n in counts.items() if m != "writes")
            print(f"{profile if label == 'first' else '':<12} {issues if label == 'first' else '':>6}  {label:<7} "
                  f"{total:>5} {counts['GET']:>4} {counts['POST']:>4} {counts['PUT']:>4} {counts['DELETE']:>6} "
                  f"{counts['writes']:>6}")


if __name__ == "__main__":
    main_()
