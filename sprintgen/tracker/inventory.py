"""What Jira already holds for a plan: the issues carrying the plan label, identified by their issue property.

One JQL search (paged) returns every managed issue with the fields a change set needs (summary, points, links,
sprint, epic relation, status). On Cloud the same search returns the `sprintgen` property too. Data Center's search
has no `properties` parameter (it is ignored there), so an issue that comes back without properties has its
property read on its own (one GET per managed issue: measured in benchmarks/jira_requests.py). An issue whose
property cannot be found keeps identity None: it is reported and never matched, and nothing is created in its
place blindly (see changeset.compute_changes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from sprintgen.tracker.connection import JiraConnection, JiraHttpError
from sprintgen.tracker.desired import PROPERTY_KEY
from sprintgen.tracker.fields import FieldPlan
from sprintgen.tracker.sprints import sprint_refs

PAGE_SIZE = 100


@dataclass
class RemoteIssue:
    """An issue as Jira holds it."""

    key: str
    id: str
    identity: Optional[str]  # None: carries the plan label but no sprintgen property (not ours to change)
    digests: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    labels: tuple[str, ...] = ()
    points: Optional[float] = None
    epic_key: Optional[str] = None
    blockers: set[str] = field(default_factory=set)  # keys of issues linked as "is blocked by"
    sprints: list[tuple[int, str]] = field(default_factory=list)  # (sprint id, state)
    status_category: str = "new"  # new (To Do) | indeterminate (In Progress) | done


def search_issues(connection: JiraConnection, jql: str, fields: Iterable[str],
                  properties: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Every issue matching `jql` (all pages). Cloud uses /search/jql (token paging), Data Center /search (offset)."""
    params: dict[str, Any] = {"jql": jql, "fields": ",".join(fields), "maxResults": PAGE_SIZE}
    properties = list(properties)
    if properties:
        params["properties"] = ",".join(properties)
    issues: list[dict[str, Any]] = []
    if connection.cloud:
        token: Optional[str] = None
        while True:
            page = connection.get(connection.api("search/jql"),
                                  params={**params, **({"nextPageToken": token} if token else {})}) or {}
            issues += page.get("issues") or []
            token = page.get("nextPageToken")
            if page.get("isLast", not token) or not token:
                return issues
    start = 0
    while True:
        page = connection.get(connection.api("search"), params={**params, "startAt": start}) or {}
        batch = page.get("issues") or []
        issues += batch
        start += len(batch)
        if not batch or start >= int(page.get("total", 0)):
            return issues


def managed_issues(connection: JiraConnection, project: str, label: str, fields: FieldPlan,
                   blocks_link: str) -> list[RemoteIssue]:
    """Every issue of the project that carries the plan label, oldest first."""
    jql = f'project = "{project}" AND labels = "{label}" ORDER BY created ASC'
    raw = search_issues(connection, jql, fields.search_fields(), [PROPERTY_KEY])
    if connection.cloud:
        raw += unindexed_issues(connection, project, label, fields, {str(item.get("key")) for item in raw})
    for item in raw:
        if "properties" not in item:  # Data Center: the search ignored `properties`
            item["properties"] = read_property(connection, str(item.get("key")))
    return [parse_issue(item, fields, blocks_link) for item in raw]


#: At most this many issue keys are probed past the newest one search knows (the few seconds of index lag)
PROBE_LIMIT = 200


def unindexed_issues(connection: JiraConnection, project: str, label: str, fields: FieldPlan,
                     known: set[str]) -> list[dict[str, Any]]:
    """Issues of this plan that Cloud's eventually consistent search does not show yet (created seconds ago, by a
    create whose response was lost or by a run just before). Jira numbers a project's issues in sequence and
    GET /issue/{key} is read-after-write consistent, so the keys after the newest one search knows are read one by
    one until one does not exist: usually a single 404. (`reconcileIssues` needs the ids, which a lost response or
    another run never told us.)"""
    page = connection.get(connection.api("search/jql"), params={
        "jql": f'project = "{project}" ORDER BY key DESC', "fields": "summary", "maxResults": 1}) or {}
    newest = [key_number(str(i.get("key"))) for i in page.get("issues") or []]
    number = max(newest + [key_number(k) for k in known] + [0])
    found: list[dict[str, Any]] = []
    wanted = ",".join(fields.search_fields())
    for number in range(number + 1, number + 1 + PROBE_LIMIT):
        try:
            item = connection.get(connection.api(f"issue/{project}-{number}"),
                                  params={"fields": wanted, "properties": PROPERTY_KEY}) or {}
        except JiraHttpError as error:
            if error.status == 404:
                return found
            raise
        if label in ((item.get("fields") or {}).get("labels") or []) and str(item.get("key")) not in known:
            found.append(item)
    return found


def key_number(key: str) -> int:
    """42 for 'RAG-42' (0 when the key has no number)."""
    tail = key.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def read_property(connection: JiraConnection, key: str) -> dict[str, Any]:
    """{PROPERTY_KEY: value} of one issue, or {} when the issue has no such property (404)."""
    try:
        data = connection.get(connection.api(f"issue/{key}/properties/{PROPERTY_KEY}")) or {}
    except JiraHttpError as error:
        if error.status == 404:
            return {}
        raise
    return {PROPERTY_KEY: data.get("value")} if isinstance(data, dict) else {}


def parse_issue(item: dict[str, Any], fields: FieldPlan, blocks_link: str) -> RemoteIssue:
    """A RemoteIssue from one search result."""
    values = item.get("fields") or {}
    prop = (item.get("properties") or {}).get(PROPERTY_KEY) or {}
    epic_key = None
    if fields.epic_relation == "parent":
        epic_key = (values.get("parent") or {}).get("key")
    elif fields.epic_link:
        epic_key = values.get(fields.epic_link)
    blockers = {
        link["inwardIssue"]["key"]
        for link in values.get("issuelinks") or []
        if (link.get("type") or {}).get("name") == blocks_link and "inwardIssue" in link
    }
    points = values.get(fields.points) if fields.points else None
    return RemoteIssue(
        key=str(item.get("key")), id=str(item.get("id")),
        identity=prop.get("identity") if isinstance(prop, dict) else None,
        digests=dict(prop.get("digests") or {}) if isinstance(prop, dict) else {},
        summary=str(values.get("summary") or ""), labels=tuple(values.get("labels") or ()),
        points=float(points) if isinstance(points, (int, float)) else None, epic_key=epic_key, blockers=blockers,
        sprints=sprint_refs(values.get(fields.sprint)) if fields.sprint else [],
        status_category=str(((values.get("status") or {}).get("statusCategory") or {}).get("key") or "new"),
    )


def blocks_link_type(connection: JiraConnection) -> str:
    """The name of the link type whose outward description is 'blocks' (usually "Blocks")."""
    data = connection.get(connection.api("issueLinkType")) or {}
    types = data.get("issueLinkTypes") or []
    for link_type in types:
        if str(link_type.get("outward", "")).lower() == "blocks" or str(link_type.get("name")).lower() == "blocks":
            return str(link_type["name"])
    from sprintgen.tracker.problems import JiraSetupError

    raise JiraSetupError("this Jira site has no 'Blocks' issue link type",
                         hint="an administrator can add it under Issues > Issue linking")
