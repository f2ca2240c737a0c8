"""Role administration pages: the grant grid and who holds which role."""

import pytest

from baton.audit.models import AuditEvent
from baton.authz.models import Grant, Role, RoleAssignment
from baton.authz.registry import all_resources
from baton.authz.services import grant_set
from baton.core.testing import MatrixCase, assert_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def role(code):
    return Role.objects.get(code=code)


def grid_post(the_role, **overrides):
    """The role page's form as the browser would post it unchanged, plus ``overrides``."""
    data = {"name": the_role.name}
    if the_role.requires_mfa:
        data["requires_mfa"] = "on"
    current = {(g.resource, g.action): g.scope for g in the_role.grants.all()}
    for res in all_resources():
        for action in res.actions:
            scope = current.get((res.code, action))
            if scope:
                data[f"grant__{res.code}__{action}"] = scope if res.scoped else "1"
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


@pytest.fixture
def role_viewer(org):
    """F0001 gets a role that may look at roles but not change them."""
    viewer = Role.objects.create(code="role_viewer", name="Role viewer")
    grant_set(actor=None, role=viewer, resource="role", action="view", scope="company")
    RoleAssignment.objects.create(user=org.user("F0001"), role=viewer)
    return "F0001"


def test_role_list_matrix(org):
    assert_matrix(org, MatrixCase(url="/authz/roles/", permitted="admin", no_permission="S1101"))


def test_role_detail_matrix(org, role_viewer):
    url = f"/authz/roles/{role('sales').pk}/"
    assert_matrix(org, MatrixCase(url=url, permitted=role_viewer, no_permission="S1101"))


def test_saving_a_role_needs_role_change(org, role_viewer):
    sales = role("sales")
    url = f"/authz/roles/{sales.pk}/"
    data = grid_post(sales, grant__employee__view="company")
    assert_matrix(
        org,
        MatrixCase(
            url=url, method="post", data=data, permitted="admin", no_permission=role_viewer, ok_status=302
        ),
    )
    assert Grant.objects.get(role=sales, resource="employee", action="view").scope == "company"


def test_role_list_shows_counts(org):
    page = org.client_for("admin").get("/authz/roles/")
    sales = next(r for r in page.context["roles"] if r.code == "sales")
    assert sales.holder_count == 5
    assert sales.grant_count == Grant.objects.filter(role=sales).count()


def test_grid_shows_scope_selects_and_checkboxes(org):
    page = org.client_for("admin").get(f"/authz/roles/{role('sales').pk}/").content.decode()
    assert 'name="grant__employee__view"' in page and '<option value="team" selected>' in page
    assert 'type="checkbox" name="grant__org__view" value="1" checked' in page


def test_grid_changes_scopes_adds_and_removes_grants(org):
    sales = role("sales")
    data = grid_post(
        sales,
        grant__employee__view="department",
        grant__employee__reveal="",
        grant__audit__view="1",
        grant__org__view=None,
    )
    response = org.client_for("admin").post(f"/authz/roles/{sales.pk}/", data)
    assert response.status_code == 302
    grants = {(g.resource, g.action): g.scope for g in Grant.objects.filter(role=sales)}
    assert grants[("employee", "view")] == "department"
    assert ("employee", "reveal") not in grants
    assert ("org", "view") not in grants
    assert grants[("audit", "view")] == "company"
    changed = AuditEvent.objects.filter(action="authz.grant_changed", object_id=str(sales.pk)).count()
    assert changed == 4


def test_grid_saves_name_and_mfa(org):
    sales = role("sales")
    org.client_for("admin").post(
        f"/authz/roles/{sales.pk}/", grid_post(sales, name="销售", requires_mfa="on")
    )
    sales.refresh_from_db()
    assert (sales.name, sales.requires_mfa) == ("销售", True)


def test_a_bad_cell_saves_nothing(org):
    sales = role("sales")
    before = list(Grant.objects.filter(role=sales).values_list("resource", "action", "scope"))
    data = grid_post(sales, name="改名", grant__employee__view="galaxy")
    response = org.client_for("admin").post(f"/authz/roles/{sales.pk}/", data)
    assert response.status_code == 200
    assert "Unknown scope." in response.content.decode()
    sales.refresh_from_db()
    assert sales.name != "改名"
    assert list(Grant.objects.filter(role=sales).values_list("resource", "action", "scope")) == before


def test_user_roles_matrix(org):
    url = f"/authz/users/{org.user('S1101').pk}/roles/"
    assert_matrix(org, MatrixCase(url=url, permitted="admin", no_permission="H0001"))


def test_missing_account_is_404(org):
    assert org.client_for("admin").get("/authz/users/999999/roles/").status_code == 404


def test_assign_roles(org):
    user = org.user("S1101")
    response = org.client_for("admin").post(f"/authz/users/{user.pk}/roles/", {"roles": ["sales", "auditor"]})
    assert response.status_code == 302
    assert set(RoleAssignment.objects.filter(user=user).values_list("role__code", flat=True)) == {
        "sales",
        "auditor",
    }
    assert AuditEvent.objects.filter(action="authz.roles_assigned", object_id=str(user.pk)).exists()


def test_unknown_role_is_refused(org):
    user = org.user("S1101")
    response = org.client_for("admin").post(f"/authz/users/{user.pk}/roles/", {"roles": ["sales", "wizard"]})
    assert response.status_code == 200
    assert set(RoleAssignment.objects.filter(user=user).values_list("role__code", flat=True)) == {"sales"}
