"""HTTP requests sent by `sprintgen push` and `sprintgen status` per built-in profile against the fake Jira, Cloud
and Data Center.

    python benchmarks/jira_requests.py [--variant cloud-company|cloud-team|data-center|all] [--dod-as-subtasks]

Runs the real CLI against tests/jira_fake (an in-process HTTP server, no network) and prints, per profile and run,
the requests by method. The runs, one after the other against the same site:

    first      the first push of the plan
    re-run     the same command again (must write nothing)
    param      after a parameter change (--param compliance=gdpr adds stories)
    closed     after the team started Sprint 1, finished all its stories but one and closed it (that one went back to
               the backlog): the rest, the unfinished story included, is planned from Sprint 2 on
    status     `sprintgen status` after that (read-only: paged searches, never one request per issue where a search
               can do it; Data Center's per-issue property reads are the exception its search forces)

Data Center reads the `sprintgen` property of each managed issue on its own (its search ignores `properties`);
Cloud adds one search and one 404 per push for the read-after-write check past the newest indexed key.
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
RUNS = ("first", "re-run", "param", "closed", "status")


def count(requests: list[tuple[str, str]]) -> Counter:
    """Requests by method, plus 'writes' (anything but GET)."""
    by_method = Counter(method for method, _ in requests)
    by_method["writes"] = sum(n for method, n in by_method.items() if method != "GET")
    return by_method


def finish_first_sprint(fake) -> None:
    """The team starts Sprint 1, finishes every issue in it but the last and closes it."""
    sprint = fake.state.start_sprint("Sprint 1")
    for key in [key for key, ids in fake.state.issue_sprints.items() if sprint.id in ids][:-1]:
        fake.state.transition(key, "Done")
    fake.state.close_sprint("Sprint 1")


def run(profile: str, variant: str, extra: list[str]) -> tuple[dict[str, Counter], int, str]:
    """({run: counts}, issues after the first run, error text)."""
    argv = ["push", "--profile", profile, "--project", "RAG", "--start", "2027-01-04", "--yes",
            "--allow-overcommit", *extra]
    counts: dict[str, Counter] = {}
    with running_fake(variant, validate=False) as fake:
        issues = 0
        for name in RUNS:
            if name == "closed":
                finish_first_sprint(fake)
            args = argv + (["--param", "compliance=gdpr"] if name in ("param", "closed") else [])
            if name == "status":
                args = ["status", "--profile", profile, "--project", "RAG", "--start", "2027-01-04", "--param",
                        "compliance=gdpr", "--trials", "200"]
            mark = len(fake.requests)
            result = CliRunner().invoke(main, args, env=fake.env())
            if result.exit_code != 0:
                return counts, issues, f"{name}: " + result.output.strip().splitlines()[-1]
            counts[name] = count(fake.requests[mark:])
            issues = issues or len(fake.state.issues)
        return counts, issues, ""


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", default="all", choices=["all", "cloud-company", "cloud-team", "data-center"])
    parser.add_argument("--dod-as-subtasks", action="store_true")
    args = parser.parse_args()
    extra = ["--dod-as-subtasks"] if args.dod_as_subtasks else []
    variants = ["cloud-company", "data-center"] if args.variant == "all" else [args.variant]
    print(f"{'variant':<14} {'profile':<12} {'issues':>6}  {'run':<7} {'total':>5} {'GET':>4} {'POST':>4} {'PUT':>4} "
          f"{'DELETE':>6} {'writes':>6}" + ("  (DoD as sub-tasks)" if extra else ""))
    for variant in variants:
        for profile in PROFILES:
            counts, issues, error = run(profile, variant, extra)
            if error:
                print(f"{variant:<14} {profile:<12} error: {error}")
                continue
            for index, (label, numbers) in enumerate(counts.items()):
                total = sum(n for m, n in numbers.items() if m != "writes")
                print(f"{variant if index == 0 else '':<14} {profile if index == 0 else '':<12} "
                      f"{issues if index == 0 else '':>6}  {label:<7} {total:>5} {numbers['GET']:>4} "
                      f"{numbers['POST']:>4} {numbers['PUT']:>4} {numbers['DELETE']:>6} {numbers['writes']:>6}")


if __name__ == "__main__":
    main_()
