"""Roles and grants over the API: administrators only, every change audited."""

import pytest

from baton.audit.models import AuditEvent
from baton.authz.models import Grant, Role, RoleAssignment
from baton.core.testing import MatrixCase, assert_matrix

pytestmark = pytest.mark.django_db


def role_url(code, suffix=""):
    return f"/api/v1/roles/{Role.objects.get(code=code).pk}/{suffix}"


def user_roles_url(org, employee_no):
    return f"/api/v1/users/{org.user(employee_no).pk}/roles/"


def put(client, url, data):
    return client.put(url, data, content_type="application/json")


def test_role_list_and_detail_matrix(org):
    assert_matrix(org, MatrixCase("/api/v1/roles/", permitted="admin", no_permission="H0001", api=True))
    assert_matrix(org, MatrixCase(role_url("sales"), permitted="admin", no_permission="H0001", api=True))


def test_grant_set_matrix(org):
    assert_matrix(
        org,
        MatrixCase(
            role_url("sales", "grants/"),
            method="put",
            data={"resource": "employee", "action": "export", "scope": "team"},
            permitted="admin",
            no_permission="M0001",
            api=True,
        ),
    )


def test_user_roles_matrix(org):
    assert_matrix(
        org, MatrixCase(user_roles_url(org, "X0001"), permitted="admin", no_permission="H0001", api=True)
    )
    assert_matrix(
        org,
        MatrixCase(
            user_roles_url(org, "X0001"),
            method="put",
            data={"roles": ["auditor"]},
            permitted="admin",
            no_permission="S1100",
            api=True,
        ),
    )


def test_role_detail_lists_its_grants(org):
    body = org.client_for("admin").get(role_url("team_lead")).json()

    assert body["code"] == "team_lead" and body["requires_mfa"] is False
    assert {"resource": "employee", "action": "view", "scope": "team"} in body["grants"]


def test_grant_is_set_changed_and_removed(org):
    client = org.client_for("admin")
    sales = Role.objects.get(code="sales")

    added = put(
        client, role_url("sales", "grants/"), {"resource": "employee", "action": "export", "scope": "team"}
    )
    widened = put(
        client,
        role_url("sales", "grants/"),
        {"resource": "employee", "action": "export", "scope": "department"},
    )
    removed = put(
        client, role_url("sales", "grants/"), {"resource": "employee", "action": "export", "scope": None}
    )

    assert added.status_code == widened.status_code == removed.status_code == 200
    assert {"resource": "employee", "action": "export", "scope": "department"} in widened.json()["grants"]
    assert not Grant.objects.filter(role=sales, resource="employee", action="export").exists()
    changes = [e.changes for e in AuditEvent.objects.filter(action="authz.grant_changed").order_by("seq")]
    assert changes == [
        {"employee.export": {"before": None, "after": "team"}},
        {"employee.export": {"before": "team", "after": "department"}},
        {"employee.export": {"before": "department", "after": None}},
    ]


def test_grant_takes_effect_on_the_next_request(org):
    put(
        org.client_for("admin"),
        role_url("finance", "grants/"),
        {"resource": "employee", "action": "view", "scope": "company"},
    )

    response = org.client_for("F0001").get("/api/v1/employees/")

    assert response.json()["count"] == len(org.employees)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"resource": "payroll", "action": "view", "scope": "own"}, "resource"),
        ({"resource": "employee", "action": "approve", "scope": "own"}, "action"),
        ({"resource": "employee", "action": "view", "scope": "planet"}, "scope"),
        ({"resource": "employee", "action": "view"}, "scope"),
    ],
)
def test_bad_grant_is_a_field_error_and_changes_nothing(org, body, field):
    before = Grant.objects.count()

    response = put(org.client_for("admin"), role_url("sales", "grants/"), body)

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert Grant.objects.count() == before


def test_user_roles_are_read_and_replaced(org):
    client = org.client_for("admin")

    before = client.get(user_roles_url(org, "S1100")).json()
    response = put(client, user_roles_url(org, "S1100"), {"roles": ["sales"]})

    assert before == {"id": org.user("S1100").pk, "employee_no": "S1100", "roles": ["sales", "team_lead"]}
    assert response.json()["roles"] == ["sales"]
    assert AuditEvent.objects.filter(
        action="authz.roles_assigned", object_id=str(org.user("S1100").pk)
    ).exists()


def test_unknown_role_changes_nothing(org):
    response = put(org.client_for("admin"), user_roles_url(org, "S1100"), {"roles": ["sales", "wizard"]})

    assert response.status_code == 400
    assert "roles" in response.json()["error"]["fields"]
    assert RoleAssignment.objects.filter(user=org.user("S1100")).count() == 2


def test_roles_must_be_a_list(org):
    response = put(org.client_for("admin"), user_roles_url(org, "S1100"), {"roles": "sales"})

    assert response.status_code == 400
    assert "roles" in response.json()["error"]["fields"]


def test_unknown_user_is_404(org):
    assert org.client_for("admin").get("/api/v1/users/999999/roles/").status_code == 404
