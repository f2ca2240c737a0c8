"""Assignment rules are configurable, audited, and decide where new customers go."""

import pytest

from baton.audit.models import AuditEvent
from baton.core.testing import MatrixCase, assert_matrix
from baton.customers.models import AssignmentRule
from baton.customers.services import customer_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/assignment-rules/"


def post(client, url, body, method="post"):
    return getattr(client, method)(url, body, content_type="application/json")


def test_list_matrix(crm):
    assert_matrix(crm.org, MatrixCase(url=URL, permitted="admin", no_permission="X0001", api=True))


def test_only_pool_administrators_change_rules(crm):
    body = {"pool": crm.pools["south2"].pk, "priority": 5, "region": "south", "industry": "food"}
    assert post(crm.org.client_for("S1100"), URL, body).status_code == 403
    response = post(crm.org.client_for("admin"), URL, body)
    assert response.status_code == 201, response.json()
    assert response.json()["pool"] == crm.pools["south2"].pk
    assert AuditEvent.objects.filter(action="customers.assignment_rule_created", actor_label="admin").exists()


def test_a_new_rule_decides_where_new_customers_go(crm):
    post(crm.org.client_for("admin"), URL, {"pool": crm.pools["south2"].pk, "priority": 1, "region": "south"})
    customer = customer_create(
        actor=None,
        company=crm.org.company,
        name="汕头澄海玩具有限公司",
        region="south",
        industry="manufacturing",
        tier="small",
    )
    assert customer.pool == crm.pools["south2"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"region": "mars"}, "region"),
        ({"priority": -1}, "priority"),
        ({"tier": "huge"}, "tier"),
    ],
)
def test_bad_rules_are_refused(crm, body, field):
    response = post(crm.org.client_for("admin"), URL, {"pool": crm.pools["south1"].pk} | body)
    assert response.status_code == 400 and field in response.json()["error"]["fields"]


def test_the_public_pool_is_not_a_rule_target(crm):
    response = post(crm.org.client_for("admin"), URL, {"pool": crm.pools["public"].pk})
    assert response.status_code == 400 and "pool" in response.json()["error"]["fields"]


def test_change_and_delete_are_audited(crm):
    rule = AssignmentRule.objects.filter(pool=crm.pools["east1"]).first()
    client = crm.org.client_for("admin")
    changed = post(client, f"{URL}{rule.pk}/", {"priority": 7}, method="patch")
    assert changed.status_code == 200 and changed.json()["priority"] == 7
    assert client.delete(f"{URL}{rule.pk}/").status_code == 204
    assert not AssignmentRule.objects.filter(pk=rule.pk).exists()
    actions = set(
        AuditEvent.objects.filter(object_id=str(rule.pk), object_type="customers.assignmentrule").values_list(
            "action", flat=True
        )
    )
    assert actions == {"customers.assignment_rule_changed", "customers.assignment_rule_deleted"}
