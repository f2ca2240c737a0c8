"""The organisation pages: who may open what, what they see, and what the forms save."""

import datetime as dt

import pytest
from django.test import Client

from baton.audit.models import AuditEvent
from baton.core.testing import MatrixCase, assert_matrix
from baton.org.models import Employee, EmployeeMove, EmployeeStatus, TeamRole

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def emp_url(org, no, suffix=""):
    return f"/org/employees/{org.employees[no].pk}/{suffix}"


# --- Who may open what ----------------------------------------------------------------------


def test_org_chart_matrix(org):
    assert_matrix(org, MatrixCase(url="/org/", permitted="S1101", no_permission="X0001"))


def test_department_page_matrix(org):
    url = f"/org/departments/{org.departments['south'].pk}/"
    assert_matrix(org, MatrixCase(url=url, permitted="S1101", no_permission="X0001"))


def test_team_page_matrix(org):
    url = f"/org/teams/{org.teams['south1'].pk}/"
    assert_matrix(org, MatrixCase(url=url, permitted="S1101", no_permission="X0001"))


def test_employee_list_matrix(org):
    assert_matrix(org, MatrixCase(url="/org/employees/", permitted="S1101", no_permission="X0001"))


def test_employee_page_matrix(org):
    # S1000 heads the South department and sees S1201; S1101 sees only their own team.
    url = emp_url(org, "S1201")
    assert_matrix(org, MatrixCase(url=url, permitted="S1000", no_permission="X0001", out_of_scope="S1101"))


def test_reveal_matrix(org):
    # S1100 may reveal their team; S1101 (sales) sees S1102 but may reveal only their own.
    url = emp_url(org, "S1102", "reveal/")
    assert_matrix(
        org,
        MatrixCase(url=url, method="post", permitted="S1100", no_permission="X0001", out_of_scope="S1101"),
    )


def test_create_matrix(org):
    assert_matrix(org, MatrixCase(url="/org/employees/new/", permitted="H0001", no_permission="S1101"))


def test_edit_and_status_matrix(org):
    for suffix in ("edit/", "status/"):
        assert_matrix(
            org, MatrixCase(url=emp_url(org, "S1201", suffix), permitted="H0001", no_permission="S1100")
        )


def test_missing_employee_is_404(org):
    assert org.client_for("H0001").get("/org/employees/999999/").status_code == 404


def test_out_of_scope_attempt_is_audited(org):
    org.client_for("S1101").get(emp_url(org, "S1201"))
    event = AuditEvent.objects.filter(action="access.denied", actor_label="S1101").latest("seq")
    assert event.object_id == str(org.employees["S1201"].pk)
    assert event.changes["reason"] == "out_of_scope"


# --- What people see ------------------------------------------------------------------------


def test_org_chart_shows_tree_heads_and_teams(org):
    page = org.client_for("S1101").get("/org/").content.decode()
    for text in ("华南区销售部", "华南区工业客户团队", "陈志强", "<details"):
        assert text in page


def test_department_page_lists_only_visible_members(org):
    page = org.client_for("S1101").get(f"/org/departments/{org.departments['south'].pk}/")
    numbers = {e.employee_no for e in page.context["members"]}
    assert numbers == {"S1100", "S1101", "S1102"}
    head_view = org.client_for("S1000").get(f"/org/departments/{org.departments['top'].pk}/")
    assert "S1201" in {e.employee_no for e in head_view.context["members"]}
    assert "E2001" not in {e.employee_no for e in head_view.context["members"]}


def test_team_page_groups_members_by_team_role(org):
    page = org.client_for("S1000").get(f"/org/teams/{org.teams['south1'].pk}/")
    groups = {str(label): [e.employee_no for e in people] for label, people in page.context["groups"]}
    assert groups == {
        str(TeamRole.LEAD.label): ["S1100"],
        str(TeamRole.CUSTOMER_MANAGER.label): ["S1101"],
        str(TeamRole.FOLLOW_UP.label): ["S1102"],
    }


def test_employee_page_masks_contact_details(org):
    page = org.client_for("S1100").get(emp_url(org, "S1102")).content.decode()
    phone, email = org.employees["S1102"].phone, org.employees["S1102"].email
    assert phone not in page and email not in page
    assert f"{phone[:3]}****{phone[-4:]}" in page
    assert "Reveal" in page


def test_reveal_shows_clear_values_and_writes_audit_event(org):
    employee = org.employees["S1102"]
    response = org.client_for("S1100").post(emp_url(org, "S1102", "reveal/"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert employee.phone in body and employee.email in body
    assert "<html" not in body  # the fragment only
    event = AuditEvent.objects.get(action="employee.reveal")
    assert event.actor_label == "S1100"
    assert (event.object_type, event.object_id) == ("org.employee", str(employee.pk))
    assert event.changes == {"fields": ["phone", "email"]}


def test_reveal_without_htmx_renders_the_whole_record(org):
    response = org.client_for("S1100").post(emp_url(org, "S1102", "reveal/"))
    assert response.status_code == 200
    assert org.employees["S1102"].phone in response.content.decode()
    assert "<html" in response.content.decode()


def test_audit_history_on_the_record_only_for_audit_viewers(org):
    assert "audit_events" not in org.client_for("H0001").get(emp_url(org, "S1102")).context
    admin_page = org.client_for("admin").get(emp_url(org, "S1102"))
    assert admin_page.context["audit_events"] is not None


# --- Employee list: search, filter, HTMX, query counts -----------------------------------------


def listed(response):
    return [e.employee_no for e in response.context["employees"]]


def test_list_shows_only_the_scope(org):
    assert listed(org.client_for("S1101").get("/org/employees/")) == ["S1100", "S1101", "S1102"]


def test_list_search_by_number_and_name(org):
    client = org.client_for("S1000")
    assert listed(client.get("/org/employees/", {"q": "S110"})) == ["S1100", "S1101", "S1102"]
    assert listed(client.get("/org/employees/", {"q": "张"})) == ["S1101"]


def test_list_filters_by_team_department_and_status(org):
    client = org.client_for("M0001")
    assert listed(client.get("/org/employees/", {"team": org.teams["south2"].pk})) == ["S1201"]
    by_dept = listed(client.get("/org/employees/", {"department": org.departments["south"].pk}))
    assert by_dept == ["S1000", "S1100", "S1101", "S1102", "S1201"]
    Employee.objects.filter(employee_no="F0001").update(status=EmployeeStatus.RESIGNING)
    assert listed(client.get("/org/employees/", {"status": "resigning"})) == ["F0001"]


def test_list_htmx_request_gets_the_table_fragment(org):
    response = org.client_for("S1101").get("/org/employees/", {"q": "S1102"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "S1102" in body
    assert response.templates[0].name == "org/_employee_table.html"
    assert "HX-Request" in response["Vary"]


def test_list_filter_form_updates_table_with_htmx(org):
    body = org.client_for("S1101").get("/org/employees/").content.decode()
    assert 'hx-target="#employee-table"' in body and 'hx-push-url="true"' in body


def _more_employees(org, count):
    south, team = org.departments["south"], org.teams["south1"]
    Employee.objects.bulk_create(
        [
            Employee(
                company=org.company,
                employee_no=f"T{i:04d}",
                name=f"测试{i}",
                department=south,
                team=team,
                manager=org.employees["S1100"],
                hire_date=dt.date(2020, 1, 1),
                status=EmployeeStatus.ACTIVE,
            )
            for i in range(count)
        ]
    )


EMPLOYEE_LIST_QUERIES = 13  # + the unread-notification count in the header


def test_employee_list_query_count_is_bounded(org, django_assert_max_num_queries):
    client = org.client_for("admin")
    with django_assert_max_num_queries(EMPLOYEE_LIST_QUERIES):
        assert client.get("/org/employees/").status_code == 200
    _more_employees(org, 60)
    with django_assert_max_num_queries(EMPLOYEE_LIST_QUERIES):
        response = client.get("/org/employees/")
    assert len(response.context["employees"]) == 50


# --- Forms ------------------------------------------------------------------------------------


def edit_data(employee, **changes):
    data = {
        "name": employee.name,
        "department": employee.department_id,
        "team": employee.team_id or "",
        "team_role": employee.team_role,
        "position": "",
        "manager": "",
        "dotted_line_manager": "",
        "phone": "",
        "email": "",
        "reason": "",
        "effective_on": "",
    }
    return data | changes


def test_edit_with_team_outside_department_shows_error_and_saves_nothing(org):
    employee = org.employees["S1101"]
    moves, events = (
        EmployeeMove.objects.count(),
        AuditEvent.objects.filter(action="org.employee_changed").count(),
    )
    response = org.client_for("H0001").post(
        emp_url(org, "S1101", "edit/"), edit_data(employee, team=org.teams["east1"].pk, name="改名")
    )
    assert response.status_code == 200
    assert "The team is not in the chosen department." in response.content.decode()
    assert response.context["form"].errors["team"]
    employee.refresh_from_db()
    assert employee.team == org.teams["south1"] and employee.name == "张伟"
    assert EmployeeMove.objects.count() == moves
    assert AuditEvent.objects.filter(action="org.employee_changed").count() == events


def test_edit_moves_employee_and_keeps_history(org):
    employee = org.employees["S1101"]
    response = org.client_for("H0001").post(
        emp_url(org, "S1101", "edit/"), edit_data(employee, team=org.teams["south2"].pk, reason="调岗")
    )
    assert response.status_code == 302
    employee.refresh_from_db()
    assert employee.team == org.teams["south2"]
    move = EmployeeMove.objects.get(employee=employee, field="team")
    assert (move.reason, move.to_value) == ("调岗", "华南区商贸客户团队")
    page = org.client_for("H0001").get(emp_url(org, "S1101")).content.decode()
    assert "华南区商贸客户团队" in page and "调岗" in page


def test_edit_form_never_shows_contact_details(org):
    page = org.client_for("H0001").get(emp_url(org, "S1101", "edit/")).content.decode()
    assert org.employees["S1101"].phone not in page
    assert org.employees["S1101"].email not in page


def test_blank_contact_fields_keep_the_values(org):
    employee = org.employees["S1101"]
    org.client_for("H0001").post(emp_url(org, "S1101", "edit/"), edit_data(employee, name="张伟伟"))
    employee.refresh_from_db()
    assert employee.name == "张伟伟" and employee.phone == "13800130004"


def create_data(org, **changes):
    data = {
        "employee_no": "S1103",
        "name": "新员工",
        "department": org.departments["south"].pk,
        "team": org.teams["south1"].pk,
        "team_role": "follow_up",
        "position": "",
        "manager": "",
        "dotted_line_manager": "",
        "hire_date": "2026-03-01",
        "status": "probation",
        "phone": "13900000000",
        "email": "s1103@example.com",
    }
    return data | changes


def test_create_employee(org):
    response = org.client_for("H0001").post("/org/employees/new/", create_data(org))
    employee = Employee.objects.get(employee_no="S1103")
    assert response.status_code == 302 and response["Location"] == f"/org/employees/{employee.pk}/"
    assert employee.company == org.company and employee.status == "probation"
    assert AuditEvent.objects.filter(action="org.employee_created", object_id=str(employee.pk)).exists()


def test_create_refuses_taken_number(org):
    response = org.client_for("H0001").post("/org/employees/new/", create_data(org, employee_no="S1101"))
    assert response.status_code == 200
    assert "This employee number is taken." in response.content.decode()
    assert Employee.objects.filter(employee_no__iexact="S1101").count() == 1


def test_status_change(org):
    client = org.client_for("H0001")
    Employee.objects.filter(employee_no="S1102").update(status=EmployeeStatus.PROBATION)
    page = client.get(emp_url(org, "S1102", "status/"))
    # Resigning and leaving are not offered: departures go through an offboarding case.
    assert {c for c, _label in page.context["form"].fields["status"].choices} == {"active"}
    response = client.post(emp_url(org, "S1102", "status/"), {"status": "active", "reason": "转正"})
    assert response.status_code == 302
    assert Employee.objects.get(employee_no="S1102").status == EmployeeStatus.ACTIVE


def test_status_change_refuses_a_status_not_offered(org):
    response = org.client_for("H0001").post(
        emp_url(org, "S1102", "status/"), {"status": "onboarding", "reason": "x"}
    )
    assert response.status_code == 200
    assert Employee.objects.get(employee_no="S1102").status == EmployeeStatus.ACTIVE


def test_leaving_cannot_bypass_the_offboarding_case(org):
    leaver = org.client_for("S1102")
    response = org.client_for("H0001").post(
        emp_url(org, "S1102", "status/"), {"status": "left", "reason": "离职"}
    )
    assert response.status_code == 200  # the form answers; nothing changed
    assert Employee.objects.get(employee_no="S1102").status == EmployeeStatus.ACTIVE
    assert leaver.get("/").status_code == 200


def test_anonymous_post_to_forms_goes_to_login(org):
    response = Client().post("/org/employees/new/", create_data(org))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Employee.objects.filter(employee_no="S1103").exists()


@pytest.fixture
def head_may_create_and_change(org):
    """The department head role gets employee.create and employee.change for their department."""
    from baton.authz.models import Role
    from baton.authz.services import grant_set

    head = Role.objects.get(code="department_head")
    for action in ("create", "change"):
        grant_set(actor=None, role=head, resource="employee", action=action, scope="department")
    return "S1000"


def test_create_outside_the_create_scope_is_refused(org, head_may_create_and_change):
    client = org.client_for(head_may_create_and_change)
    east = create_data(org, employee_no="E2002", department=org.departments["east"].pk, team="", team_role="")
    response = client.post("/org/employees/new/", east)
    assert response.status_code == 200
    assert response.context["form"].errors["department"]
    assert not Employee.objects.filter(employee_no="E2002").exists()
    assert client.post("/org/employees/new/", create_data(org)).status_code == 302


def test_edit_cannot_move_someone_out_of_the_change_scope(org, head_may_create_and_change):
    employee = org.employees["S1201"]
    data = edit_data(employee, department=org.departments["east"].pk, team="", team_role="")
    response = org.client_for(head_may_create_and_change).post(emp_url(org, "S1201", "edit/"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["department"]
    employee.refresh_from_db()
    assert employee.department == org.departments["south"]
    assert not EmployeeMove.objects.filter(employee=employee).exists()
