"""The Jira variants the fake server plays: Cloud company-managed, Cloud team-managed, Data Center.

They differ the way real sites do: serverInfo, field ids and names, the story points field (and the board's
estimation configuration), the epic relation (`parent` vs the Epic Link field, with Epic Name required on Data
Center), the sub-task type's name, the createmeta page shape and the search endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

GH = "com.pyxis.greenhopper.jira:"
FLOAT = "com.atlassian.jira.plugin.system.customfieldtypes:float"


def _system(field_id: str, name: str, schema_type: str, **extra: Any) -> dict[str, Any]:
    return {"id": field_id, "key": field_id, "name": name, "custom": False, "orderable": True, "navigable": True,
            "searchable": True, "clauseNames": [field_id], "schema": {"type": schema_type, "system": field_id, **extra}}


def _custom(field_id: str, name: str, schema_type: str, custom: str) -> dict[str, Any]:
    number = int(field_id.split("_")[1])
    return {"id": field_id, "key": field_id, "name": name, "custom": True, "orderable": True, "navigable": True,
            "searchable": True, "clauseNames": [f"cf[{number}]", name],
            "schema": {"type": schema_type, "custom": custom, "customId": number}}


SYSTEM_FIELDS = [
    _system("summary", "Summary", "string"),
    _system("description", "Description", "string"),
    _system("labels", "Labels", "array", items="string"),
    _system("issuetype", "Issue Type", "issuetype"),
    _system("project", "Project", "project"),
    _system("reporter", "Reporter", "user"),
    _system("parent", "Parent", "issuelink"),
    _system("issuelinks", "Linked Issues", "array", items="issuelinks"),
    _system("status", "Status", "status"),
]


@dataclass
class Variant:
    """One kind of Jira site."""

    name: str
    cloud: bool
    team_managed: bool
    fields: list[dict[str, Any]]
    points_field: str  # the field the board estimates with
    sprint_field: str
    epic_relation: str  # "parent" | "epic_link"
    epic_link_field: str = ""
    epic_name_field: str = ""
    subtask_name: str = "Sub-task"
    #: issue type name -> extra screen fields {field id: required}
    screens: dict[str, dict[str, bool]] = field(default_factory=dict)

    @property
    def server_info(self) -> dict[str, Any]:
        """GET /serverInfo."""
        if self.cloud:
            return {"baseUrl": "", "version": "1001.0.0-SNAPSHOT", "versionNumbers": [1001, 0, 0],
                    "deploymentType": "Cloud", "buildNumber": 100282, "buildDate": "2026-11-20T00:00:00.000+00:00",
                    "serverTime": "2026-11-21T10:00:00.000+00:00", "scmInfo": "abc", "serverTitle": "Jira"}
        return {"baseUrl": "", "version": "9.12.2", "versionNumbers": [9, 12, 2], "deploymentType": "Server",
                "buildNumber": 9120002, "buildDate": "2023-12-01T00:00:00.000+0000",
                "serverTime": "2026-11-21T10:00:00.000+0000", "scmInfo": "def", "serverTitle": "Jira DC"}


def cloud_company() -> Variant:
    """Cloud, company-managed: 'Story Points' (number field) estimated by the board, `parent` for epics; the site
    also has the team-managed 'Story point estimate' field, not on this project's screens."""
    return Variant(
        name="cloud-company", cloud=True, team_managed=False, epic_relation="parent",
        fields=SYSTEM_FIELDS + [
            _custom("customfield_10016", "Story point estimate", "number", GH + "jsw-story-points"),
            _custom("customfield_10026", "Story Points", "number", FLOAT),
            _custom("customfield_10020", "Sprint", "array", GH + "gh-sprint"),
            _custom("customfield_10014", "Epic Link", "any", GH + "gh-epic-link"),
            _custom("customfield_10011", "Epic Name", "string", GH + "gh-epic-label"),
        ],
        points_field="customfield_10026", sprint_field="customfield_10020",
        screens={"Epic": {}, "Story": {"customfield_10026": False, "customfield_10020": False, "parent": False},
                 "Sub-task": {"parent": True}},
    )


def cloud_team() -> Variant:
    """Cloud, team-managed: 'Story point estimate', `parent`, sub-task type 'Subtask'."""
    return Variant(
        name="cloud-team", cloud=True, team_managed=True, epic_relation="parent", subtask_name="Subtask",
        fields=SYSTEM_FIELDS + [
            _custom("customfield_10016", "Story point estimate", "number", GH + "jsw-story-points"),
            _custom("customfield_10020", "Sprint", "array", GH + "gh-sprint"),
        ],
        points_field="customfield_10016", sprint_field="customfield_10020",
        screens={"Epic": {}, "Story": {"customfield_10016": False, "customfield_10020": False, "parent": False},
                 "Subtask": {"parent": True}},
    )


def data_center() -> Variant:
    """Data Center 9: 'Story Points', Epic Link field, Epic Name required on epics, REST v2 with wiki markup."""
    return Variant(
        name="data-center", cloud=False, team_managed=False, epic_relation="epic_link",
        epic_link_field="customfield_10101", epic_name_field="customfield_10102",
        fields=SYSTEM_FIELDS + [
            _custom("customfield_10106", "Story Points", "number", FLOAT),
            _custom("customfield_10100", "Sprint", "array", GH + "gh-sprint"),
            _custom("customfield_10101", "Epic Link", "any", GH + "gh-epic-link"),
            _custom("customfield_10102", "Epic Name", "string", GH + "gh-epic-label"),
        ],
        points_field="customfield_10106", sprint_field="customfield_10100",
        screens={"Epic": {"customfield_10102": True},
                 "Story": {"customfield_10106": False, "customfield_10100": False, "customfield_10101": False},
                 "Sub-task": {"parent": True}},
    )


def cloud_points_off_screen() -> Variant:
    """Cloud company-managed where the Story screens lack the points field (common in practice: Jira answers 400
    "cannot be set. It is not on the appropriate screen"); the board still estimates with it."""
    variant = cloud_company()
    variant.name = "cloud-points-off-screen"
    del variant.screens["Story"]["customfield_10026"]
    return variant


VARIANTS = {"cloud-company": cloud_company, "cloud-team": cloud_team, "data-center": data_center,
            "cloud-points-off-screen": cloud_points_off_screen}
