"""The employee and organisation API: scope, masking, audited writes and the permission matrix."""

import datetime as dt

import pytest
from django.test import Client

from baton.audit.models import AuditEvent
from baton.authz.models import Role
from baton.authz.services import grant_set
from baton.core.testing import MatrixCase, assert_matrix
from baton.org.models import Company, Department, Employee, EmployeeMove, Position, Team

pytestmark = pytest.mark.django_db

EMPLOYEES = "/api/v1/employees/"


def emp_url(org, employee_no, suffix=""):
    return f"{EMPLOYEES}{org.employees[employee_no].pk}/{suffix}"


def listed(response):
    return {row["employee_no"] for row in response.json()["results"]}


@pytest.fixture
def team_lead_may_change_team(org):
    """Give team leads ``employee.change`` on their own team, so a scope narrower than the
    company exists for writes (by default only HR and admins change records, company-wide)."""
    grant_set(
        actor=None,
        role=Role.objects.get(code="team_lead"),
        resource="employee",
        action="change",
        scope="team",
    )


def new_employee(org, **overrides):
    body = {
        "company": org.company.pk,
        "employee_no": "S1103",
        "name": "黄磊",
        "department": org.departments["south"].pk,
        "team": org.teams["south1"].pk,
        "team_role": "follow_up",
        "hire_date": "2024-05-06",
        "phone": "13900001111",
        "email": "huang.lei@example.com",
        "manager": org.employees["S1100"].pk,
    }
    return body | overrides


# --- Permission matrix -----------------------------------------------------------------------


def test_employee_list_matrix(org):
    assert_matrix(org, MatrixCase(EMPLOYEES, permitted="S1101", no_permission="X0001", api=True))


def test_employee_detail_matrix(org):
    assert_matrix(
        org,
        MatrixCase(
            emp_url(org, "S1201"), permitted="S1000", no_permission="X0001", out_of_scope="S1101", api=True
        ),
    )


def test_employee_create_matrix(org):
    assert_matrix(
        org,
        MatrixCase(
            EMPLOYEES,
            method="post",
            data=new_employee(org),
            permitted="H0001",
            no_permission="S1101",
            api=True,
            ok_status=201,
        ),
    )


def test_employee_update_matrix(org, team_lead_may_change_team):
    assert_matrix(
        org,
        MatrixCase(
            emp_url(org, "S1201"),
            method="patch",
            data={"name": "赵敏敏"},
            permitted="H0001",
            no_permission="S1101",
            out_of_scope="S1100",
            api=True,
        ),
    )


def test_employee_status_matrix(org, team_lead_may_change_team):
    Employee.objects.filter(pk=org.employees["S1201"].pk).update(status="probation")
    assert_matrix(
        org,
        MatrixCase(
            emp_url(org, "S1201", "status/"),
            method="post",
            data={"status": "active", "reason": "passed probation"},
            permitted="H0001",
            no_permission="S1101",
            out_of_scope="S1100",
            api=True,
        ),
    )


def test_employee_history_matrix(org):
    assert_matrix(
        org,
        MatrixCase(
            emp_url(org, "S1201", "history/"),
            permitted="S1000",
            no_permission="X0001",
            out_of_scope="S1101",
            api=True,
        ),
    )


def test_employee_reveal_matrix(org):
    # Management may view everyone but reveal no one; a salesperson reveals only themself.
    assert_matrix(
        org,
        MatrixCase(
            emp_url(org, "S1102", "reveal/"),
            method="post",
            permitted="S1100",
            no_permission="M0001",
            out_of_scope="S1101",
            api=True,
        ),
    )


@pytest.mark.parametrize("path", ["companies", "departments", "teams", "positions"])
def test_structure_list_matrix(org, path):
    assert_matrix(org, MatrixCase(f"/api/v1/{path}/", permitted="S1101", no_permission="X0001", api=True))


def test_structure_detail_matrix(org):
    position = Position.objects.create(company=org.company, name="客户经理", code="account-manager")
    urls = [
        f"/api/v1/companies/{org.company.pk}/",
        f"/api/v1/departments/{org.departments['south'].pk}/",
        f"/api/v1/teams/{org.teams['south1'].pk}/",
        f"/api/v1/positions/{position.pk}/",
    ]
    for url in urls:
        assert_matrix(org, MatrixCase(url, permitted="F0001", no_permission="X0001", api=True))


def test_org_tree_matrix(org):
    assert_matrix(org, MatrixCase("/api/v1/org-tree/", permitted="S1101", no_permission="X0001", api=True))


def test_structure_create_matrix(org):
    cases = [
        ("/api/v1/companies/", {"name": "顺达物流华东分公司", "parent": org.company.pk}),
        (
            "/api/v1/departments/",
            {"company": org.company.pk, "name": "华北区销售部", "parent": org.departments["top"].pk},
        ),
        (
            "/api/v1/teams/",
            {"department": org.departments["east"].pk, "name": "华东区商贸客户团队", "is_sales": True},
        ),
        ("/api/v1/positions/", {"company": org.company.pk, "name": "跟进专员", "code": "follow-up"}),
    ]
    for url, data in cases:
        assert_matrix(
            org,
            MatrixCase(
                url,
                method="post",
                data=data,
                permitted="H0001",
                no_permission="S1101",
                api=True,
                ok_status=201,
            ),
        )


def test_structure_update_matrix(org):
    position = Position.objects.create(company=org.company, name="客户经理", code="account-manager")
    cases = [
        (f"/api/v1/companies/{org.company.pk}/", {"short_name": "顺达"}),
        (f"/api/v1/departments/{org.departments['east'].pk}/", {"code": "EAST"}),
        (f"/api/v1/teams/{org.teams['east1'].pk}/", {"lead": org.employees["E2001"].pk}),
        (f"/api/v1/positions/{position.pk}/", {"is_sales": True}),
    ]
    for url, data in cases:
        assert_matrix(
            org,
            MatrixCase(url, method="patch", data=data, permitted="admin", no_permission="M0001", api=True),
        )


# --- Scope ------------------------------------------------------------------------------------


def test_salesperson_lists_only_their_team(org):
    assert listed(org.client_for("S1101").get(EMPLOYEES)) == {"S1100", "S1101", "S1102"}


def test_management_lists_the_whole_company(org):
    response = org.client_for("M0001").get(EMPLOYEES)

    assert response.json()["count"] == len(org.employees)
    assert listed(response) == set(org.employees)


def test_scope_applies_to_bearer_tokens_too(org):
    token = (
        Client()
        .post(
            "/api/v1/auth/token/",
            {"employee_no": "S1101", "password": "correct horse battery staple"},
            content_type="application/json",
        )
        .json()["token"]
    )

    response = Client(headers={"Authorization": f"Bearer {token}"}).get(EMPLOYEES)

    assert listed(response) == {"S1100", "S1101", "S1102"}


def test_out_of_scope_detail_is_404_like_a_missing_one_and_is_audited(org):
    client = org.client_for("S1101")

    hidden = client.get(emp_url(org, "S1201"))
    missing = client.get(f"{EMPLOYEES}999999/")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    denied = AuditEvent.objects.filter(action="access.denied", actor_label="S1101").get()
    assert denied.object_id == str(org.employees["S1201"].pk)
    assert denied.changes["reason"] == "out_of_scope"


# --- Filters, search, ordering -------------------------------------------------------------------


def test_filter_by_department_includes_sub_departments(org):
    response = org.client_for("M0001").get(EMPLOYEES, {"department": org.departments["top"].pk})

    assert response.json()["count"] == len(org.employees)
    south = org.client_for("M0001").get(EMPLOYEES, {"department": org.departments["south"].pk})
    assert listed(south) == {"S1000", "S1100", "S1101", "S1102", "S1201"}


def test_filter_by_team_status_and_search(org):
    client = org.client_for("M0001")

    assert listed(client.get(EMPLOYEES, {"team": org.teams["south2"].pk})) == {"S1201"}
    assert listed(client.get(EMPLOYEES, {"search": "S11"})) == {"S1100", "S1101", "S1102"}
    assert listed(client.get(EMPLOYEES, {"search": "赵敏"})) == {"S1201"}
    assert listed(client.get(EMPLOYEES, {"status": "left"})) == set()


def test_search_stays_inside_the_scope(org):
    assert listed(org.client_for("S1101").get(EMPLOYEES, {"search": "S12"})) == set()


def test_ordering(org):
    response = org.client_for("S1101").get(EMPLOYEES, {"ordering": "-employee_no"})

    assert [row["employee_no"] for row in response.json()["results"]] == ["S1102", "S1101", "S1100"]


def test_invalid_filter_value_is_a_400_envelope(org):
    response = org.client_for("M0001").get(EMPLOYEES, {"status": "retired"})

    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


# --- Masking and reveal ---------------------------------------------------------------------------


def test_list_and_detail_mask_phone_and_email(org):
    employee = org.employees["S1102"]
    client = org.client_for("S1100")

    row = next(r for r in client.get(EMPLOYEES).json()["results"] if r["employee_no"] == "S1102")
    detail = client.get(emp_url(org, "S1102")).json()

    for body in (row, detail):
        assert body["phone"] == employee.phone[:3] + "****" + employee.phone[-4:]
        assert body["email"] == "s***@example.com"
    assert detail["team"] == {"id": org.teams["south1"].pk, "name": "华南区工业客户团队"}


def test_reveal_returns_clear_contact_and_is_audited(org):
    employee = org.employees["S1102"]

    response = org.client_for("S1100").post(emp_url(org, "S1102", "reveal/"))

    assert response.status_code == 200
    assert response.json() == {"phone": employee.phone, "email": employee.email}
    event = AuditEvent.objects.get(action="employee.reveal")
    assert (event.actor_label, event.object_type, event.object_id) == (
        "S1100",
        "org.employee",
        str(employee.pk),
    )
    assert sorted(event.changes["fields"]) == ["email", "phone"]


def test_salesperson_may_reveal_own_contact(org):
    response = org.client_for("S1101").post(emp_url(org, "S1101", "reveal/"))

    assert response.status_code == 200


# --- Writes ---------------------------------------------------------------------------------------


def test_hr_creates_an_employee(org):
    response = org.client_for("H0001").post(EMPLOYEES, new_employee(org), content_type="application/json")

    assert response.status_code == 201
    body = response.json()
    assert body["employee_no"] == "S1103" and body["status"] == "onboarding"
    assert body["phone"] == "139****1111"
    assert body["manager"]["employee_no"] == "S1100"
    employee = Employee.objects.get(employee_no="S1103")
    assert AuditEvent.objects.filter(action="org.employee_created", object_id=str(employee.pk)).exists()


def test_create_with_a_taken_employee_no_changes_nothing(org):
    before = Employee.objects.count()

    response = org.client_for("H0001").post(
        EMPLOYEES, new_employee(org, employee_no="s1101"), content_type="application/json"
    )

    assert response.status_code == 400
    assert "employee_no" in response.json()["error"]["fields"]
    assert Employee.objects.count() == before


def test_create_with_a_malformed_employee_no_changes_nothing(org):
    before = Employee.objects.count()

    response = org.client_for("H0001").post(
        EMPLOYEES, new_employee(org, employee_no="S 11/03"), content_type="application/json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["employee_no"]
    assert Employee.objects.count() == before


def test_manager_outside_the_callers_scope_is_answered_like_a_missing_one(org, team_lead_may_change_team):
    # The team lead may change their own team, but cannot name S1201 (team 2) as a manager.
    response = org.client_for("S1100").patch(
        emp_url(org, "S1102"), {"manager": org.employees["S1201"].pk}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "manager" in response.json()["error"]["fields"]
    assert org.employees["S1102"].manager_id is None


def test_moving_an_employee_is_kept_as_history(org):
    client = org.client_for("H0001")

    response = client.patch(
        emp_url(org, "S1102"),
        {"team": org.teams["south2"].pk, "reason": "re-balancing accounts", "effective_on": "2025-01-01"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["team"]["id"] == org.teams["south2"].pk
    history = client.get(emp_url(org, "S1102", "history/")).json()
    assert history["count"] == 1
    move = history["results"][0]
    assert (move["field"], move["to_value"], move["effective_on"], move["operator"]) == (
        "team",
        "华南区商贸客户团队",
        "2025-01-01",
        "H0001",
    )


def test_a_placement_the_service_refuses_is_a_field_error(org):
    response = org.client_for("H0001").patch(
        emp_url(org, "S1102"), {"team": org.teams["east1"].pk}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "team" in response.json()["error"]["fields"]
    assert Employee.objects.get(pk=org.employees["S1102"].pk).team_id == org.teams["south1"].pk


def test_status_change_and_refused_transition(org):
    client = org.client_for("H0001")
    Employee.objects.filter(pk=org.employees["S1102"].pk).update(status="probation")

    confirmed = client.post(
        emp_url(org, "S1102", "status/"),
        {"status": "active", "effective_on": "2025-03-31"},
        content_type="application/json",
    )
    back = client.post(
        emp_url(org, "S1102", "status/"), {"status": "probation"}, content_type="application/json"
    )
    left = client.post(emp_url(org, "S1102", "status/"), {"status": "left"}, content_type="application/json")

    assert confirmed.status_code == 200 and confirmed.json()["status"] == "active"
    assert back.status_code == 400
    assert back.json()["error"]["code"] == "invalid_transition"
    # Leaving goes through an offboarding case, never straight through the status endpoint.
    assert left.status_code == 400 and left.json()["error"]["code"] == "use_offboarding"
    assert EmployeeMove.objects.filter(employee=org.employees["S1102"], field="status").count() == 1


def test_department_is_re_parented_and_the_tree_follows(org):
    client = org.client_for("H0001")
    created = client.post(
        "/api/v1/departments/",
        {"company": org.company.pk, "name": "华南区大客户部", "parent": org.departments["south"].pk},
        content_type="application/json",
    ).json()

    response = client.patch(
        f"/api/v1/departments/{created['id']}/",
        {"parent": org.departments["east"].pk},
        content_type="application/json",
    )

    assert response.status_code == 200
    moved = Department.objects.get(pk=created["id"])
    assert moved.path == f"{org.departments['east'].path}{moved.pk}/"


def test_department_cannot_move_below_itself(org):
    response = org.client_for("H0001").patch(
        f"/api/v1/departments/{org.departments['south'].pk}/",
        {"parent": org.departments["south"].pk},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "parent" in response.json()["error"]["fields"]


def test_company_and_position_updates_are_audited(org):
    client = org.client_for("H0001")
    position = client.post(
        "/api/v1/positions/",
        {"company": org.company.pk, "name": "客户经理", "code": "account-manager"},
        content_type="application/json",
    ).json()

    company = client.patch(
        f"/api/v1/companies/{org.company.pk}/", {"short_name": "顺达"}, content_type="application/json"
    )
    renamed = client.patch(
        f"/api/v1/positions/{position['id']}/", {"name": "大客户经理"}, content_type="application/json"
    )

    assert company.json()["short_name"] == "顺达"
    assert renamed.json()["name"] == "大客户经理"
    assert AuditEvent.objects.filter(action="org.company_changed", object_id=str(org.company.pk)).exists()
    assert AuditEvent.objects.filter(action="org.position_changed", object_id=str(position["id"])).exists()


def test_company_cannot_belong_to_its_own_subsidiary(org):
    client = org.client_for("H0001")
    child = Company.objects.create(name="顺达华东", parent=org.company)

    response = client.patch(
        f"/api/v1/companies/{org.company.pk}/", {"parent": child.pk}, content_type="application/json"
    )

    assert response.status_code == 400
    assert Company.objects.get(pk=org.company.pk).parent_id is None


def test_team_lead_is_set_through_the_api(org):
    response = org.client_for("H0001").patch(
        f"/api/v1/teams/{org.teams['east1'].pk}/",
        {"lead": org.employees["E2001"].pk},
        content_type="application/json",
    )

    assert response.json()["lead"]["employee_no"] == "E2001"
    assert Team.objects.get(pk=org.teams["east1"].pk).lead_id == org.employees["E2001"].pk


def test_org_tree_nests_departments_with_teams_and_headcount(org):
    tree = org.client_for("S1101").get("/api/v1/org-tree/").json()

    assert [node["name"] for node in tree] == ["总经办"]
    south = next(c for c in tree[0]["children"] if c["name"] == "华南区销售部")
    assert south["head"]["employee_no"] == "S1000"
    assert south["headcount"] == 5
    assert {t["name"] for t in south["teams"]} == {"华南区工业客户团队", "华南区商贸客户团队"}


# --- Query counts ------------------------------------------------------------------------------

EMPLOYEE_LIST_QUERIES = 10  # session (3), user, grants, companies, department filter, count, page


@pytest.mark.parametrize("rows", [5, 50])
def test_employee_list_query_count_does_not_grow_with_rows(org, rows, django_assert_max_num_queries):
    department = Department.objects.create(
        company=org.company, name="华南区外包团队", parent=org.departments["south"]
    )
    department.path = f"{org.departments['south'].path}{department.pk}/"
    department.save(update_fields=["path"])
    team = Team.objects.create(department=department, name="外包一组", lead=org.employees["S1000"])
    position = Position.objects.create(company=org.company, name="外包专员", code="outsourced")
    Employee.objects.bulk_create(
        [
            Employee(
                company=org.company,
                employee_no=f"W{i:04d}",
                name=f"外包{i}",
                department=department,
                team=team,
                position=position,
                manager=org.employees["S1000"],
                dotted_line_manager=org.employees["S1100"],
                hire_date=dt.date(2024, 1, 1),
                status="active",
                phone="13700000000",
                email=f"w{i}@example.com",
            )
            for i in range(rows)
        ]
    )
    client = org.client_for("M0001")

    with django_assert_max_num_queries(EMPLOYEE_LIST_QUERIES):
        response = client.get(EMPLOYEES, {"department": department.pk, "page_size": 50})

    assert response.json()["count"] == rows


def test_hr_cannot_add_people_outside_their_company(org):
    other = Company.objects.create(name="远航贸易有限公司")
    elsewhere = Department.objects.create(company=other, name="销售部")
    elsewhere.path = f"/{elsewhere.pk}/"
    elsewhere.save(update_fields=["path"])
    before = Employee.objects.count()

    response = org.client_for("H0001").post(
        EMPLOYEES,
        new_employee(org, company=other.pk, department=elsewhere.pk, team=None, team_role="", manager=None),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "outside_scope"
    assert Employee.objects.count() == before
    assert not AuditEvent.objects.filter(action="org.employee_created").exists()
    denied = AuditEvent.objects.get(action="access.denied", actor_label="H0001")
    assert denied.changes == {"action": "create", "reason": "out_of_scope"}
