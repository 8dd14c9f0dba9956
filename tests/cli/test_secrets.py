"""Jira credentials never show: not on stdout, stderr, in log records or in any file, on success or on error.

Each test sets distinctive fake tokens and then searches every output for them, and for the forms they travel in
(the Basic auth header's base64, the URL-quoted token). Runs against the fake Jira in tests/jira_fake; never skips.
"""

from __future__ import annotations

import base64
import logging
import socket
from pathlib import Path
from urllib.parse import quote

import pytest

from sprintgen.tracker.credentials import resolve_credentials

from ..support import MINI_PROFILE, run, run_subprocess, write
from ..jira_fake import running_fake
from ..jira_fake import server as fake_server

EMAIL = "po@example.com"
API_TOKEN = "sg-fake-api-token-Q7x2ZpLw4Kd9Vb"
PAT = "sg-fake-pat-Hc81mNv3Tq0YrE55"
WRONG_TOKEN = "sg-wrong-token-Zr4Pq8Lm2Xc6Ns"

PROFILE = MINI_PROFILE.replace("estimate: 5", "estimate: 2")


def secret_forms(*secrets: str) -> list[str]:
    """A secret as it could leak: itself, URL-quoted, and inside a Basic auth header."""
    forms = []
    for secret in secrets:
        forms += [secret, quote(secret, safe=""), base64.b64encode(f"{EMAIL}:{secret}".encode()).decode()]
    return forms


def assert_nowhere(forms: list[str], *texts: str, dirs: tuple[Path, ...] = (), records=()) -> None:
    for text in texts:
        for form in forms:
            assert form not in text, f"a credential leaked into the output:\n{text[-2000:]}"
    for record in records:
        message = record.getMessage() + " " + " ".join(str(a) for a in (record.args or ()))
        assert not any(form in message for form in forms), f"a credential leaked into a log record: {message}"
    for directory in dirs:
        for path in directory.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert not any(form.encode() in data for form in forms), f"a credential was written to {path}"


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sprintgen.tracker.connection.pause", lambda seconds: None)  # retries do not wait
    write(tmp_path / "mini.yaml", PROFILE)
    return tmp_path


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.DEBUG)  # every logger, every level: the jira client, urllib3, ours
    return caplog


def push(*args: str, env: dict[str, str]):
    return run("push", "--profile", "mini.yaml", "--project", "RAG", "--start", "2027-01-04", "--yes",
               "--verbose", *args, env=env)


def closed_port() -> int:
    """A local port nothing listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("credentials", [
    {"JIRA_EMAIL": EMAIL, "JIRA_API_TOKEN": API_TOKEN},
    {"JIRA_PAT": PAT},
], ids=["cloud-token", "data-center-pat"])
def test_a_refused_connection_does_not_show_the_credentials(credentials, workdir, logs, isolated_user_config):
    result = push(env={"JIRA_URL": f"http://127.0.0.1:{closed_port()}", **credentials})
    assert result.exit_code == 3, result.output
    assert "sprintgen: error:" in result.stderr and "Traceback" not in result.stderr
    assert_nowhere(secret_forms(API_TOKEN, PAT), result.stdout, result.stderr, repr(result.exception),
                   dirs=(workdir, isolated_user_config), records=logs.records)


def test_credentials_written_into_the_url_are_refused_without_echoing_them(workdir, logs, isolated_user_config):
    url = f"https://{quote(EMAIL)}:{API_TOKEN}@jira.example.com"
    result = push(env={"JIRA_URL": url, "JIRA_EMAIL": EMAIL, "JIRA_API_TOKEN": API_TOKEN})
    assert result.exit_code == 2, result.output
    assert len(result.stderr.splitlines()) == 1
    assert_nowhere(secret_forms(API_TOKEN), result.stdout, result.stderr, dirs=(workdir, isolated_user_config),
                   records=logs.records)


@pytest.mark.parametrize("variant, credentials", [
    ("cloud-company", {"JIRA_EMAIL": EMAIL, "JIRA_API_TOKEN": WRONG_TOKEN}),
    ("data-center", {"JIRA_PAT": WRONG_TOKEN}),
])
def test_a_401_does_not_show_the_credentials(variant, credentials, workdir, logs, isolated_user_config):
    with running_fake(variant) as fake:
        result = push(env={"JIRA_URL": fake.url, **credentials})
    assert result.exit_code == 3, result.output
    assert len(result.stderr.strip().splitlines()[-1:]) == 1 and "sprintgen: error:" in result.stderr
    assert_nowhere(secret_forms(WRONG_TOKEN), result.stdout, result.stderr, repr(result.exception),
                   dirs=(workdir, isolated_user_config), records=logs.records)


def test_a_url_that_is_not_jira_does_not_show_the_credentials(workdir, logs, isolated_user_config):
    with running_fake("cloud-company") as fake:
        result = push(env={"JIRA_URL": fake.url + "/not-jira/at/all", "JIRA_EMAIL": EMAIL,
                           "JIRA_API_TOKEN": API_TOKEN})
    assert result.exit_code in (2, 3), result.output
    assert "Traceback" not in result.stderr
    assert_nowhere(secret_forms(API_TOKEN), result.stdout, result.stderr, dirs=(workdir, isolated_user_config),
                   records=logs.records)


@pytest.fixture(params=["cloud-company", "data-center"])
def distinctive(request, monkeypatch) -> tuple[str, dict[str, str]]:
    """(variant, credentials): the fake accepts our distinctive tokens instead of its own."""
    monkeypatch.setattr(fake_server, "API_TOKEN", API_TOKEN)
    monkeypatch.setattr(fake_server, "PAT", PAT)
    cloud = request.param != "data-center"
    return request.param, ({"JIRA_EMAIL": EMAIL, "JIRA_API_TOKEN": API_TOKEN} if cloud else {"JIRA_PAT": PAT})


def test_a_successful_verbose_push_does_not_show_the_credentials(distinctive, workdir, logs, isolated_user_config):
    variant, credentials = distinctive
    with running_fake(variant) as fake:
        result = push(env={"JIRA_URL": fake.url, **credentials})
    # Success proves the distinctive token really travelled (the fake accepts nothing else), so a leak would show.
    assert result.exit_code == 0, result.output
    assert "GET" in result.stderr or "POST" in result.stderr, "--verbose logs the requests"
    assert_nowhere(secret_forms(API_TOKEN, PAT), result.stdout, result.stderr, dirs=(workdir, isolated_user_config),
                   records=logs.records)


def test_in_a_real_process_a_401_shows_no_credentials_on_any_stream(tmp_path):
    write(tmp_path / "mini.yaml", PROFILE)
    with running_fake("cloud-company") as fake:
        completed = run_subprocess(
            ["push", "--profile", "mini.yaml", "--project", "RAG", "--start", "2027-01-04", "--yes", "--verbose"],
            cwd=tmp_path, timeout=120,
            env={"JIRA_URL": fake.url, "JIRA_EMAIL": EMAIL, "JIRA_API_TOKEN": WRONG_TOKEN, "PYTHONWARNINGS": "always"},
        )
    assert completed.returncode == 3, completed.stderr
    assert "Traceback" not in completed.stderr
    assert completed.stderr.splitlines()[-1].startswith("sprintgen: error:")
    assert_nowhere(secret_forms(WRONG_TOKEN), completed.stdout, completed.stderr, dirs=(tmp_path,))


def test_the_credentials_object_shows_no_secret_in_repr_or_str():
    for env in ({"JIRA_URL": "https://jira.example.com", "JIRA_EMAIL": EMAIL, "JIRA_API_TOKEN": API_TOKEN},
                {"JIRA_URL": "https://jira.example.com", "JIRA_PAT": PAT}):
        credentials = resolve_credentials(None, None, env)
        shown = repr(credentials) + str(credentials) + credentials.describe()
        assert_nowhere(secret_forms(API_TOKEN, PAT), shown)
        assert "jira.example.com" in shown  # the repr still says something useful


@pytest.mark.parametrize("variable, value", [
    ("JIRA_API_TOKEN", API_TOKEN[:10] + "\n" + API_TOKEN[10:]),
    ("JIRA_API_TOKEN", API_TOKEN + "é"),
    ("JIRA_EMAIL", "po\r\n@example.com"),
    ("JIRA_PAT", PAT + "\u200b"),
])
def test_credentials_with_a_line_break_or_non_ascii_are_refused_naming_the_variable(variable, value, workdir):
    env = {"JIRA_URL": "https://jira.example.com", "JIRA_EMAIL": EMAIL, "JIRA_API_TOKEN": API_TOKEN}
    if variable == "JIRA_PAT":
        env = {"JIRA_URL": "https://jira.example.com"}
    env[variable] = value
    result = push(env=env)
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("sprintgen: error: credentials: ") and variable in line
    assert_nowhere(secret_forms(API_TOKEN, PAT) + [value, value.strip()], result.stdout, result.stderr)


def test_a_server_error_that_echoes_the_credentials_is_redacted(distinctive, workdir, logs, isolated_user_config):
    variant, credentials = distinctive
    with running_fake(variant) as fake:
        fake.inject("echo_auth", "GET", r"/field$")
        result = push(env={"JIRA_URL": fake.url, **credentials})
    assert result.exit_code == 3, result.output
    assert "Rejected Authorization: " in result.stderr and "<redacted>" in result.stderr
    assert_nowhere(secret_forms(API_TOKEN, PAT) + [f"Bearer {PAT}"], result.stdout, result.stderr,
                   dirs=(workdir, isolated_user_config), records=logs.records)


@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:99999", "http://jira example.com",
                                 "https://jira.example.com\n/x", "ftp://jira.example.com"])
def test_a_malformed_url_is_one_line_and_exit_2(url, workdir):
    result = push(env={"JIRA_URL": url, "JIRA_EMAIL": EMAIL, "JIRA_API_TOKEN": API_TOKEN})
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("sprintgen: error: --url / JIRA_URL: ")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("body", [b"[1, 2, 3]", b'{"unexpected": true}', b"[" * 100_000 + b"]" * 100_000,
                                  b"<html><body>Log in</body></html>"], ids=["list", "object", "deep", "html"])
def test_a_server_that_does_not_answer_like_jira_is_one_line_and_exit_2(body, workdir):
    with running_fake("cloud-company") as fake:
        fake.inject("raw", "GET", r"/serverInfo$", body=body)
        result = run("push", "--profile", "mini.yaml", "--project", "RAG", "--yes", env=fake.env())
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("sprintgen: error: --url / JIRA_URL: ") and "does not answer like Jira" in line
    assert "Traceback" not in result.output


@pytest.mark.parametrize("project", ["rag", "RAG\" OR project = \"X", "R", "RAG/../..", "1RAG"])
def test_the_project_key_is_validated_before_it_reaches_jql_or_a_url(project, workdir):
    with running_fake("cloud-company") as fake:
        result = run("push", "--profile", "mini.yaml", "--project", project, "--yes", env=fake.env())
        assert result.exit_code == 2, result.output
        assert result.stderr.strip().startswith("sprintgen: error: --project: ")
        assert fake.requests == []


def test_a_secret_echoed_into_jira_data_is_not_printed_in_the_preview(distinctive, workdir):
    variant, credentials = distinctive
    with running_fake(variant) as fake:
        assert push(env={"JIRA_URL": fake.url, **credentials}).exit_code == 0
        (issue,) = fake.state.by_identity()["story:core.b"]
        secret = credentials.get("JIRA_API_TOKEN") or credentials["JIRA_PAT"]  # the one sprintgen knows
        issue.fields["summary"] = f"pasted by mistake: {secret}"
        write(workdir / "mini.yaml", PROFILE.split("          - {key: b")[0])  # b is listed as no longer planned
        result = push("--dry-run", env={"JIRA_URL": fake.url, **credentials})
    assert result.exit_code == 0, result.output
    assert "pasted by mistake: <redacted>" in result.stdout
    assert_nowhere(secret_forms(API_TOKEN, PAT), result.stdout, result.stderr)
