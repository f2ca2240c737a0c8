"""The rule engine: plug-in registration, settings, one open alert per rule and subject."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from baton.alerts.models import Alert
from baton.audit.models import AuditEvent
from baton.core import clock
from baton.core.errors import InvalidInput
from baton.notifications.models import Notification
from baton.risk import registry
from baton.risk.rules.base import OWNER, TEAM_LEAD, Finding, Param, Rule
from baton.risk.services import risk_event, risk_scan, rule_config, rule_setting_update

pytestmark = pytest.mark.django_db


class QuietCustomers(Rule):
    """A plug-in rule for the tests: every customer of S1101 with fewer than N contacts."""

    code = "X1"
    title = "Quiet customers"
    category = "churn"
    params = (Param("contacts", "contacts", "int", 2, minimum=0, maximum=10),)
    events = ("test_event",)

    def scan(self, *, company, now, params):
        from baton.customers.models import Customer

        for customer in Customer.objects.filter(company=company, owner__employee_no="S1101"):
            if customer.contacts.count() < params["contacts"]:
                yield Finding(
                    subject_type="customers.customer",
                    subject_id=str(customer.pk),
                    title=f"{customer.name} is quiet",
                    team_id=customer.team_id,
                    owner_id=customer.owner_id,
                    notify=(OWNER, TEAM_LEAD),
                )

    def on_event(self, *, company, now, params, event, payload):
        return self.scan(company=company, now=now, params=params)


class EveryCustomer(Rule):
    """A plug-in rule for the tests: one finding per customer of the company (N of them)."""

    code = "X2"
    title = "Every customer"
    category = "churn"
    severity = "high"
    params = (Param("limit", "limit", "int", 100, minimum=0, maximum=100),)

    def scan(self, *, company, now, params):
        from baton.customers.models import Customer

        for customer in Customer.objects.filter(company=company).order_by("pk")[: params["limit"]]:
            yield Finding(
                subject_type="customers.customer",
                subject_id=str(customer.pk),
                title=f"{customer.name}",
                team_id=customer.team_id,
                owner_id=customer.owner_id,
                notify=(OWNER, TEAM_LEAD),
            )


@pytest.fixture
def every():
    registry.register(EveryCustomer)
    yield registry.get("X2")
    registry._rules.pop("X2", None)


@pytest.fixture
def plugin():
    registry.register(QuietCustomers)
    yield registry.get("X1")
    registry._rules.pop("X1", None)


def test_a_scan_opens_one_alert_per_subject_and_a_rescan_adds_none(crm, plugin):
    opened = risk_scan(codes=["X1"])
    assert opened == {"X1": 1}
    alert = Alert.objects.get(rule="X1")
    assert alert.category == "churn" and alert.owner.employee_no == "S1101"
    assert alert.team_id == crm.org.teams["south1"].pk and alert.company_id == crm.org.company.pk
    told = set(
        Notification.objects.filter(key=f"alert:{alert.pk}").values_list("recipient__employee_no", flat=True)
    )
    assert told == {"S1101", "S1100"}
    assert risk_scan(codes=["X1"]) == {"X1": 0}
    assert Alert.objects.filter(rule="X1").count() == 1
    assert Notification.objects.filter(key=f"alert:{alert.pk}").count() == 2


def test_alerts_are_opened_in_batches_each_new_one_told_once(crm, every, monkeypatch):
    from baton.customers.models import Customer
    from baton.risk import services

    monkeypatch.setattr(services, "ALERT_BATCH", 2)
    customers = Customer.objects.filter(company=crm.org.company).count()
    assert customers >= 3  # more than one batch

    assert risk_scan(codes=["X2"]) == {"X2": customers}
    assert risk_scan(codes=["X2"]) == {"X2": 0}

    alerts = Alert.objects.filter(rule="X2")
    assert alerts.count() == customers
    assert AuditEvent.objects.filter(action="alert.raised").count() == customers
    told_anyone = 0
    for alert in alerts.select_related("owner__user", "team__lead__user"):
        notes = Notification.objects.filter(key=f"alert:{alert.pk}")
        people = (alert.owner, alert.team.lead if alert.team else None)
        assert {n.recipient_id for n in notes} == {p.user.pk for p in people if p and p.user}
        assert all(n.severity == "high" for n in notes)
        told_anyone += len(notes)
    assert told_anyone >= 2


def test_the_statements_of_a_scan_do_not_grow_with_its_alerts(crm, every):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    company = crm.org.company.pk
    counts = []
    for limit in (2, 5):  # (one audit event alone is appended by a statement of its own)
        Alert.objects.filter(rule="X2").delete()
        rule_setting_update(actor=None, company_id=company, code="X2", params={"limit": limit})
        with CaptureQueriesContext(connection) as ctx:
            assert risk_scan(codes=["X2"]) == {"X2": limit}
        counts.append(len(ctx))

    assert counts[0] == counts[1]


def test_a_disabled_rule_does_not_run(crm, plugin):
    rule_setting_update(actor=crm.org.users["admin"], company_id=crm.org.company.pk, code="X1", enabled=False)
    assert risk_scan(codes=["X1"]) == {}
    assert not Alert.objects.exists()


def test_thresholds_are_validated_and_audited(crm, plugin):
    company = crm.org.company.pk
    with pytest.raises(InvalidInput) as err:
        rule_setting_update(actor=None, company_id=company, code="X1", params={"contacts": 11, "nope": 1})
    assert set(err.value.fields) == {"contacts", "nope"}
    rule_setting_update(actor=crm.org.users["admin"], company_id=company, code="X1", params={"contacts": 1})
    assert rule_config(company_id=company, rule=plugin) == (True, {"contacts": 1})
    assert risk_scan(codes=["X1"]) == {"X1": 0}  # c1 has exactly one contact: not below 1
    assert AuditEvent.objects.filter(action="risk.rule_changed").count() == 1


def test_rules_listening_to_an_event_run_at_once(crm, plugin):
    assert risk_event(event="test_event", company_id=crm.org.company.pk, payload={}) == 1
    assert risk_event(event="other_event", company_id=crm.org.company.pk, payload={}) == 0


def test_the_daily_job_runs_the_scan_as_of_the_given_time(crm, plugin):
    from django.core.management import call_command

    moment = clock.now() + dt.timedelta(days=3)
    call_command("run_due_jobs", "--now", moment.isoformat(), "--only", "risk.daily_scan")
    assert Alert.objects.get(rule="X1").raised_at == moment.astimezone(dt.UTC)


def test_a_third_party_rule_arrives_through_an_entry_point(monkeypatch):
    class Plugin(Rule):
        code = "EXT1"

    entry = SimpleNamespace(name="ext1", value="thirdparty.rules:Plugin", load=lambda: Plugin)
    monkeypatch.setattr(
        registry, "entry_points", lambda group: [entry] if group == "baton.risk_rules" else []
    )
    try:
        registry.load_entry_points()
        assert isinstance(registry.get("EXT1"), Plugin)
    finally:
        registry._rules.pop("EXT1", None)


def test_only_rule_classes_register_and_codes_are_unique():
    with pytest.raises(TypeError):
        registry.register(object)  # type: ignore[arg-type]

    class Clash(Rule):
        code = "X1"

    registry.register(QuietCustomers)
    try:
        with pytest.raises(ValueError):
            registry.register(Clash)
    finally:
        registry._rules.pop("X1", None)
