"""Running the risk rules and keeping their settings.

``risk_scan`` runs every enabled rule for every company as of a moment (the daily job, and
``manage.py run_due_jobs --now``); ``risk_event`` runs the rules that listen to an event right
after it happened (a complaint recorded, an interaction logged, a resignation…). Either way a
finding opens at most one alert per rule and subject: re-running a scan adds nothing, and only a
new alert notifies anyone. The alerts of a run are opened ``ALERT_BATCH`` findings at a time
(``baton.alerts.services.alerts_open``, ``baton.notifications.services.notify_many``): a first
scan that finds thousands of problems costs a few statements per batch, not per alert.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from functools import cached_property
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from baton.audit.services import audit_record
from baton.core import clock
from baton.core.errors import InvalidInput, NotFound
from baton.org.models import Company
from baton.risk import registry
from baton.risk.models import RuleSetting
from baton.risk.rules import base

logger = logging.getLogger(__name__)


def rule_config(*, company_id: int, rule: base.Rule) -> tuple[bool, dict[str, Any]]:
    """Whether the rule is on for the company, and its thresholds (defaults overlaid by settings)."""
    setting = RuleSetting.objects.filter(company_id=company_id, code=rule.code).first()
    params = rule.defaults()
    if setting is None:
        return True, params
    for p in rule.params:
        if p.name in setting.params:
            params[p.name] = p.clean(setting.params[p.name])
    return setting.enabled, params


def rule_setting_update(
    *,
    actor: Any,
    company_id: int,
    code: str,
    enabled: bool | None = None,
    params: dict[str, Any] | None = None,
) -> RuleSetting:
    """Switch a rule on or off and change its thresholds for a company (validated, audited)."""
    try:
        rule = registry.get(code)
    except KeyError as exc:
        raise NotFound() from exc
    known = {p.name: p for p in rule.params}
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[Any]] = {}
    for name, value in (params or {}).items():
        if name not in known:
            errors[name] = [_("Unknown field.")]
            continue
        try:
            cleaned[name] = known[name].clean(value)
        except ValueError as exc:
            errors[name] = [str(exc)]
    if errors:
        raise InvalidInput(fields=errors)
    with transaction.atomic():
        setting, _created = RuleSetting.objects.select_for_update().get_or_create(
            company_id=company_id, code=code, defaults={"updated_at": clock.now()}
        )
        before = {"enabled": setting.enabled, "params": dict(setting.params)}
        if enabled is not None:
            setting.enabled = bool(enabled)
        stored = {
            **setting.params,
            **{k: (str(v) if not isinstance(v, (int, bool)) else v) for k, v in cleaned.items()},
        }
        setting.params, setting.updated_at = stored, clock.now()
        setting.save()
        audit_record(
            actor=actor,
            action="risk.rule_changed",
            target=setting,
            changes={"code": code, "before": before, "after": {"enabled": setting.enabled, "params": stored}},
        )
    return setting


class _Audience:
    """Who the findings of one run tell. The owners and teams they name are loaded together, in
    two queries for the whole run (when the first new alert needs them), and the holders of a
    role once per role: a scan that opens thousands of alerts does not look people up per alert."""

    def __init__(self, findings: list[base.Finding], company_id: int) -> None:
        self.findings = findings
        self.company_id = company_id
        self.roles: dict[str, list[Any]] = {}

    @cached_property
    def owners(self) -> dict[Any, Any]:
        from baton.org.models import Employee

        ids = {f.owner_id for f in self.findings if f.owner_id}
        return Employee.objects.select_related("user", "department").in_bulk(ids)

    @cached_property
    def teams(self) -> dict[Any, Any]:
        from baton.org.models import Team

        ids = {f.team_id for f in self.findings if f.team_id}
        return Team.objects.select_related("lead__user", "department__head__user").in_bulk(ids)

    def _role(self, role: str) -> list[Any]:
        from baton.offboarding.people import users_with_role

        if role not in self.roles:
            self.roles[role] = list(users_with_role(company_id=self.company_id, role=role))
        return self.roles[role]

    def users(self, finding: base.Finding) -> list[Any]:
        from baton.offboarding.people import department_head_of, user_of

        people: list[Any] = []
        owner = self.owners.get(finding.owner_id) if finding.owner_id else None
        team = self.teams.get(finding.team_id) if finding.team_id else None
        for who in finding.notify:
            if who == base.OWNER:
                people.append(user_of(owner))
            elif who == base.TEAM_LEAD and team is not None:
                people.append(user_of(team.lead))
            elif who == base.DEPARTMENT_HEAD:
                if owner is not None:
                    people.append(user_of(department_head_of(owner)))
                elif team is not None and team.department.head_id:
                    people.append(user_of(team.department.head))
            elif who in (base.MANAGEMENT, base.HR, base.ADMIN):
                people.extend(self._role(who))
        return list({u.pk: u for u in people if u is not None}.values())


# Findings whose alerts are opened together (one transaction, a few statements per batch).
ALERT_BATCH = 500


def _raise_many(rule: base.Rule, findings: list[base.Finding], company: Any, audience: _Audience) -> int:
    """Open (or refresh) the findings' alerts; notify on the new ones. Returns how many are new."""
    from baton.alerts.services import AlertSpec, alerts_open
    from baton.notifications.services import Message, notify_many

    specs = [
        AlertSpec(
            rule=rule.code,
            category=rule.category,
            subject_type=f.subject_type,
            subject_id=f.subject_id,
            severity=f.severity or rule.severity,
            title=f.title,
            details=f.details,
            team_id=f.team_id,
            owner_id=f.owner_id,
        )
        for f in findings
    ]
    opened = alerts_open(specs=specs, company=company)
    messages = [
        Message(
            recipients=audience.users(finding),
            kind=f"risk.{rule.code}",
            key=f"alert:{alert.pk}",
            title=finding.title,
            link=f"/alerts/{alert.pk}/",
            severity="high" if alert.severity in ("high", "critical") else "normal",
            webhook=alert.severity in ("high", "critical"),
        )
        for finding, (alert, created) in zip(findings, opened, strict=True)
        if created
    ]
    notify_many(messages=messages)
    return len(messages)


def _run(rule: base.Rule, company: Any, findings: Iterable[base.Finding]) -> int:
    found = list(findings)
    audience = _Audience(found, company.pk)
    new = 0
    for start in range(0, len(found), ALERT_BATCH):
        batch = found[start : start + ALERT_BATCH]
        for finding in batch:
            finding.company_id = company.pk
        with transaction.atomic():
            new += _raise_many(rule, batch, company, audience)
    return new


def risk_scan(*, now: dt.datetime | None = None, codes: list[str] | None = None) -> dict[str, int]:
    """Run the daily scan of every enabled rule for every company as of ``now``.

    Returns, per rule code, how many new alerts it opened.
    """
    moment = now or clock.now()
    opened: dict[str, int] = {}
    for company in Company.objects.order_by("pk"):
        for rule in registry.all_rules():
            if not rule.daily or (codes and rule.code not in codes):
                continue
            enabled, params = rule_config(company_id=company.pk, rule=rule)
            if not enabled:
                continue
            with clock.frozen_at(moment):
                found = list(rule.scan(company=company, now=moment, params=params))
                opened[rule.code] = opened.get(rule.code, 0) + _run(rule, company, found)
    logger.info("risk scan as of %s opened %s", moment.isoformat(), opened)
    return opened


def risk_event(*, event: str, company_id: int, payload: dict[str, Any]) -> int:
    """Run the rules that listen to ``event`` for the company, at once. Returns new alerts."""
    company = Company.objects.get(pk=company_id)
    now = clock.now()
    opened = 0
    for rule in registry.all_rules():
        if event not in rule.events:
            continue
        enabled, params = rule_config(company_id=company_id, rule=rule)
        if enabled:
            found = rule.on_event(company=company, now=now, params=params, event=event, payload=payload)
            opened += _run(rule, company, found)
    return opened
