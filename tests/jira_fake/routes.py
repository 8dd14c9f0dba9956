"""The fake Jira's endpoints (platform REST v2/v3 and the agile API), as the variant shapes them."""

from __future__ import annotations

import re
import time
from typing import Any, Optional

from .state import LINK_TYPES, JiraRefusal

SEARCH_PAGE_CAP = 50  # smaller than Jira's, so paging is exercised by modest plans


def _one(query: dict[str, list[str]], name: str, default: Optional[str] = None) -> Optional[str]:
    values = query.get(name)
    return values[0] if values else default


def _list(query: dict[str, list[str]], name: str) -> Optional[list[str]]:
    values = query.get(name)
    if not values:
        return None
    return [v for value in values for v in value.split(",") if v]


def platform(fake: Any, method: str, version: str, rest: str, query: dict[str, list[str]], body: Any,
             fault: Any) -> tuple[int, Any]:
    state, variant = fake.state, fake.variant
    base = f"{fake.url}/rest/api/{version}"
    if method == "GET" and rest == "serverInfo":
        return 200, {**variant.server_info, "baseUrl": fake.url}
    if method == "GET" and rest == "field":
        return 200, variant.fields
    if method == "GET" and rest == f"project/{state.project}":
        style = {"style": "next-gen", "simplified": True} if variant.team_managed else {"style": "classic",
                                                                                       "simplified": False}
        return 200, {"id": state.project_id, "key": state.project, "name": f"{state.project} project",
                     "self": f"{base}/project/{state.project_id}", "projectTypeKey": "software", **style}
    if method == "GET" and rest.startswith("project/"):
        raise JiraRefusal(404, [f"No project could be found with key '{rest.split('/')[1]}'."])
    match = re.fullmatch(r"issue/createmeta/([^/]+)/issuetypes(?:/(\d+))?", rest)
    if method == "GET" and match:
        if match.group(1) not in (state.project, state.project_id):
            raise JiraRefusal(404, ["Project not found"])
        if match.group(2) is None:
            items = [{**t, "self": f"{base}/issuetype/{t['id']}",
                      "iconUrl": f"{fake.url}/secure/viewavatar?size=medium&avatarId={t['avatarId']}"
                                 "&avatarType=issuetype"} for t in state.types.values()]
            key = "issueTypes" if variant.cloud else "values"
        else:
            items = state.screen_fields(state.type_names[state.type_by_id(match.group(2))["id"]])
            key = "fields" if variant.cloud else "values"
        return 200, _page(items, query, key, cloud=variant.cloud)
    if method == "GET" and rest == "issueLinkType":
        return 200, {"issueLinkTypes": [{**t, "self": f"{base}/issueLinkType/{t['id']}"} for t in LINK_TYPES]}
    if method == "GET" and rest in ("search", "search/jql"):
        return _search(fake, rest, query, base)
    if method == "POST" and rest == "issue/bulk":
        return _bulk(fake, version, body or {}, base, fault)
    match = re.fullmatch(r"issue/([^/]+)", rest)
    if match and method == "GET":
        issue = state.get(match.group(1))
        return 200, state.render(issue, _list(query, "fields"), _list(query, "properties") or [], base)
    if match and method == "PUT":
        state.edit(match.group(1), body or {}, version)
        return 204, None
    if match and method == "DELETE":
        state.delete(match.group(1), _one(query, "deleteSubtasks") == "true")
        return 204, None
    match = re.fullmatch(r"issue/([^/]+)/properties/([^/]+)", rest)
    if match and method == "GET":
        issue = state.get(match.group(1))
        if match.group(2) not in issue.properties:
            raise JiraRefusal(404, [f"The property with key '{match.group(2)}' does not exist."])
        return 200, {"key": match.group(2), "value": issue.properties[match.group(2)]}
    if match and method == "PUT":
        issue = state.get(match.group(1))
        created = match.group(2) not in issue.properties
        issue.properties[match.group(2)] = body
        return (201 if created else 200), None
    match = re.fullmatch(r"issue/([^/]+)/transitions", rest)
    if match and method == "GET":
        return 200, state.transitions_json(match.group(1), base)
    if match and method == "POST":
        state.transition(match.group(1), str(((body or {}).get("transition") or {}).get("id", "")))
        return 204, None
    if method == "POST" and rest == "issueLink":
        state.link((body["type"] or {}).get("name"), body["inwardIssue"]["key"], body["outwardIssue"]["key"])
        return 201, None
    raise JiraRefusal(404, [f"No route for {method} /rest/api/{version}/{rest}"])


def _page(items: list[Any], query: dict[str, list[str]], key: str, *, cloud: bool) -> dict[str, Any]:
    start = int(_one(query, "startAt", "0"))
    size = min(int(_one(query, "maxResults", "50")), 50)
    chunk = items[start:start + size]
    page = {key: chunk, "maxResults": size, "startAt": start, "total": len(items)}
    if not cloud:
        page["isLast"] = start + len(chunk) >= len(items)
    return page


def _search(fake: Any, rest: str, query: dict[str, list[str]], base: str) -> tuple[int, Any]:
    state, variant = fake.state, fake.variant
    if variant.cloud and rest == "search":
        raise JiraRefusal(410, ["The requested API has been removed. Please migrate to the /rest/api/3/search/jql "
                                "API."])
    if not variant.cloud and rest == "search/jql":
        raise JiraRefusal(404, ["null for uri: /rest/api/2/search/jql"])
    jql = _one(query, "jql", "")
    matches = state.search(jql)
    if variant.cloud and state.search_lag:
        now, reconciled = time.monotonic(), {int(x) for x in _list(query, "reconcileIssues") or []}
        matches = [i for i in matches if now - i.created >= state.search_lag or i.id in reconciled]
    size = min(int(_one(query, "maxResults", "50")), SEARCH_PAGE_CAP)
    start = int(_one(query, "nextPageToken" if variant.cloud else "startAt", "0") or 0)
    chunk = matches[start:start + size]
    wanted = _list(query, "fields")
    # Data Center's search has no `properties` parameter (a Cloud addition): it is ignored, as DC does
    properties = (_list(query, "properties") or []) if variant.cloud else []
    issues = [state.render(i, wanted, properties, base) for i in chunk]
    if variant.cloud:
        more = start + len(chunk) < len(matches)
        page = {"issues": issues, "isLast": not more}
        if more:
            page["nextPageToken"] = str(start + len(chunk))
        return 200, page
    return 200, {"startAt": start, "maxResults": size, "total": len(matches), "issues": issues}


def _bulk(fake: Any, version: str, body: dict[str, Any], base: str, fault: Any) -> tuple[int, Any]:
    updates = body.get("issueUpdates") or []
    if len(updates) > 50:
        raise JiraRefusal(400, ["You can create at most 50 issues in one bulk request."])
    created, errors = [], []
    for number, payload in enumerate(updates):
        try:
            if fault is not None and fault.kind == "partial" and number in fault.elements:
                raise JiraRefusal(400, errors={"summary": "Transient workflow error (injected)"})
            issue = fake.state.create(payload, version)
        except JiraRefusal as refusal:
            errors.append({"status": refusal.status, "failedElementNumber": number,
                           "elementErrors": {"errorMessages": refusal.body["errorMessages"],
                                             "errors": refusal.body["errors"]}})
            continue
        created.append({"id": str(issue.id), "key": issue.key, "self": f"{base}/issue/{issue.id}"})
    return (201 if created else 400), {"issues": created, "errors": errors}


def agile(fake: Any, method: str, rest: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
    state, variant = fake.state, fake.variant
    base = f"{fake.url}/rest/agile/1.0"
    if method == "GET" and rest == "board":
        project = _one(query, "projectKeyOrId")
        boards = [b for b in state.boards if project in (None, state.project, state.project_id)]
        start, size = int(_one(query, "startAt", "0")), min(int(_one(query, "maxResults", "50")), 50)
        values = [{**b, "self": f"{base}/board/{b['id']}",
                   "location": {"projectKey": state.project, "projectId": int(state.project_id)}}
                  for b in boards[start:start + size]]
        return 200, {"maxResults": size, "startAt": start, "total": len(boards),
                     "isLast": start + len(values) >= len(boards), "values": values}
    match = re.fullmatch(r"issue/([^/]+)/estimation", rest)
    if match:
        return _estimation(state, method, match.group(1), query, body)
    match = re.fullmatch(r"board/(\d+)(/configuration|/sprint)?", rest)
    if match and method == "GET":
        board = next((b for b in state.boards if b["id"] == int(match.group(1))), None)
        if board is None:
            raise JiraRefusal(404, ["The requested board cannot be viewed because it either does not exist or you "
                                    "do not have permission to view it."])
        if match.group(2) is None:
            return 200, {**board, "self": f"{base}/board/{board['id']}"}
        if match.group(2) == "/configuration":
            meta = state.field_meta(variant.points_field)
            return 200, {"id": board["id"], "name": board["name"], "type": "scrum",
                         "self": f"{base}/board/{board['id']}",
                         "estimation": ({"type": "field", "field": {"fieldId": variant.points_field,
                                                                    "displayName": meta["name"]}}
                                        if state.board_estimates else {"type": "none"}),
                         "columnConfig": {"columns": [], "constraintType": "issueCount"}}
        states = set((_one(query, "state") or "future,active,closed").split(","))
        sprints = [s for s in state.sprints.values() if s.board_id == board["id"] and s.state in states]
        start = int(_one(query, "startAt", "0"))
        size = min(int(_one(query, "maxResults", "50")), 50)
        chunk = sprints[start:start + size]
        return 200, {"maxResults": size, "startAt": start, "isLast": start + len(chunk) >= len(sprints),
                     "values": [_sprint_json(s, base) for s in chunk]}
    if method == "POST" and rest == "sprint":
        board = int(body.get("originBoardId", 0))
        if board not in {b["id"] for b in state.boards}:
            raise JiraRefusal(400, errors={"originBoardId": "Board does not exist"})
        if not str(body.get("name", "")).strip():
            raise JiraRefusal(400, errors={"name": "Sprint name is required"})
        # Jira trims sprint names
        sprint = state.add_sprint(body["name"].strip(), board, start=body.get("startDate", ""),
                                  end=body.get("endDate", ""))
        return 201, _sprint_json(sprint, base)
    match = re.fullmatch(r"sprint/(\d+)", rest)
    if match and method == "GET":
        return 200, _sprint_json(state.sprint(int(match.group(1))), base)
    if match and method in ("POST", "PUT"):
        sprint = state.update_sprint(int(match.group(1)), body or {}, partial=method == "POST")
        return 200, _sprint_json(sprint, base)
    match = re.fullmatch(r"sprint/(\d+)/issue", rest)
    if match and method == "POST":
        state.move_to_sprint(int(match.group(1)), list(body.get("issues") or []))
        return 204, None
    raise JiraRefusal(404, [f"No route for {method} /rest/agile/1.0/{rest}"])


def _estimation(state: Any, method: str, key: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
    """GET/PUT /issue/{key}/estimation?boardId=N: the board's estimation field, whatever the screens say."""
    board = next((b for b in state.boards if str(b["id"]) == _one(query, "boardId", "")), None)
    if board is None or board.get("type") != "scrum":
        raise JiraRefusal(400, ["boardId must name a scrum board that estimates by a field"])
    issue = state.get(key)
    field_id = state.variant.points_field
    if method == "PUT":
        try:
            issue.fields[field_id] = float((body or {}).get("value"))
        except (TypeError, ValueError):
            raise JiraRefusal(400, ["The estimation value must be a number"]) from None
    elif method != "GET":
        raise JiraRefusal(405, ["Method not allowed"])
    value = issue.fields.get(field_id)
    return 200, {"fieldId": field_id, "value": None if value is None else str(value)}


def _sprint_json(sprint: Any, base: str) -> dict[str, Any]:
    return {"id": sprint.id, "self": f"{base}/sprint/{sprint.id}", "state": sprint.state, "name": sprint.name,
            "startDate": sprint.start, "endDate": sprint.end, "originBoardId": sprint.board_id, "goal": sprint.goal,
            **({"completeDate": sprint.complete} if sprint.complete else {})}
