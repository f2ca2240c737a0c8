"""Security rules: signs of data being taken out (R8) and repeated out-of-scope access (R9).

Both are about a login account (subject ``accounts.user``), fall in the ``security`` category
(seen by holders of ``security_alert``, not by the data scopes) and tell the administrators.

R8 reads ``AccessCounter`` rows (``baton.risk.services_access``): customer details opened per
hour, customer rows exported, documents downloaded and masked fields revealed per day (days
in Asia/Shanghai). It runs on the event ``access_counted``, sent by ``access_count`` when a
count just went over the company's threshold, and in the daily scan over the last day's
buckets (which catches a threshold lowered during a bucket). One alert per account: its
details list every signal over the line.

R9 counts the account's refused accesses (audit events ``access.denied``) in the last
``minutes``; ``attempts`` or more raise the alert. It runs on the event ``access_denied``,
sent by ``baton.authz.services.access_denied_record`` for every refusal.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baton.core import clock
from baton.risk.models import AccessCounter, AccessKind
from baton.risk.rules.base import ADMIN, Finding, Param, Rule

SUBJECT = "accounts.user"

# The threshold (an R8 parameter) of each counted kind, and whether it is counted per hour.
LIMIT_OF: dict[str, str] = {
    AccessKind.CUSTOMER_VIEW: "customer_views_per_hour",
    AccessKind.EXPORT_ROWS: "export_rows_per_day",
    AccessKind.DOCUMENT_DOWNLOAD: "downloads_per_day",
    AccessKind.FIELD_REVEAL: "reveals_per_day",
}
HOURLY = frozenset({AccessKind.CUSTOMER_VIEW})


def bucket_start(kind: str, moment: dt.datetime) -> dt.datetime:
    """The start of the hour (customer views) or of the Asia/Shanghai day (the rest)."""
    moment = moment.astimezone(dt.UTC)
    if kind in HOURLY:
        return moment.replace(minute=0, second=0, microsecond=0)
    return clock.local_moment(clock.local_date(moment), 0)


def _signal_text(kind: str, count: int) -> str:
    texts: dict[str, str] = {
        AccessKind.CUSTOMER_VIEW: _("%(n)d customer details opened in one hour"),
        AccessKind.EXPORT_ROWS: _("%(n)d customer rows exported in one day"),
        AccessKind.DOCUMENT_DOWNLOAD: _("%(n)d documents downloaded in one day"),
        AccessKind.FIELD_REVEAL: _("%(n)d masked fields revealed in one day"),
    }
    return texts[kind] % {"n": count}


class ExfiltrationSignals(Rule):
    """R8: an account opens, exports, downloads or reveals far more customer data than work
    needs, within an hour or a day."""

    code = "R8"
    title = gettext_lazy("Possible data exfiltration")
    description = gettext_lazy(
        "An account opens more customer details in an hour, or exports more customer rows, "
        "downloads more documents or reveals more masked fields in a day, than the thresholds."
    )
    category = "security"
    severity = "high"
    events = ("access_counted",)
    params = (
        Param(
            "customer_views_per_hour",
            gettext_lazy("Customer details opened in one hour (more than)"),
            "int",
            60,
            minimum=1,
            maximum=100_000,
        ),
        Param(
            "export_rows_per_day",
            gettext_lazy("Customer rows exported in one day (more than)"),
            "int",
            2000,
            minimum=1,
            maximum=10_000_000,
        ),
        Param(
            "downloads_per_day",
            gettext_lazy("Documents downloaded in one day (more than)"),
            "int",
            50,
            minimum=1,
            maximum=100_000,
        ),
        Param(
            "reveals_per_day",
            gettext_lazy("Masked fields revealed in one day (more than)"),
            "int",
            20,
            minimum=1,
            maximum=100_000,
        ),
    )

    def scan(self, *, company: Any, now: dt.datetime, params: dict[str, Any]) -> Iterable[Finding]:
        return self._findings(company=company, now=now, params=params, user_id=None)

    def on_event(
        self, *, company: Any, now: dt.datetime, params: dict[str, Any], event: str, payload: dict[str, Any]
    ) -> Iterable[Finding]:
        user_id = payload.get("user")
        if not user_id:
            return []
        return self._findings(company=company, now=now, params=params, user_id=int(user_id))

    def _findings(
        self, *, company: Any, now: dt.datetime, params: dict[str, Any], user_id: int | None
    ) -> list[Finding]:
        from baton.alerts.models import Alert, AlertStatus

        # The hours of the last day, and the (local) days it touches.
        since = {kind: bucket_start(kind, now - dt.timedelta(hours=24)) for kind in LIMIT_OF}
        over = Q(pk__in=[])
        for kind, name in LIMIT_OF.items():
            over |= Q(kind=kind, count__gt=params[name], bucket_start__gte=since[kind])
        rows = AccessCounter.objects.filter(over, bucket_start__lte=now, user__employee__company=company)
        if user_id is not None:
            rows = rows.filter(user_id=user_id)
        signals: dict[int, list[dict[str, Any]]] = defaultdict(list)
        names: dict[int, str] = {}
        for row in rows.order_by("user_id", "kind", "bucket_start").values(
            "user_id", "user__employee_no", "kind", "bucket_start", "count"
        ):
            names[row["user_id"]] = row["user__employee_no"]
            signals[row["user_id"]].append(
                {
                    "kind": row["kind"],
                    "from": row["bucket_start"].isoformat(),
                    "count": row["count"],
                    "limit": params[LIMIT_OF[row["kind"]]],
                }
            )
        if not signals:
            return []
        # A signal someone already looked at and closed is not raised again by a later scan.
        closed: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for subject_id, details in Alert.objects.filter(
            rule=self.code,
            subject_type=SUBJECT,
            subject_id__in=[str(u) for u in signals],
            status__in=(AlertStatus.RESOLVED, AlertStatus.DISMISSED),
            closed_at__gte=min(since.values()),
        ).values_list("subject_id", "details"):
            for seen in (details or {}).get("signals", []):
                closed[subject_id].add((seen.get("kind"), seen.get("from")))
        findings = []
        for uid, found in signals.items():
            fresh = [s for s in found if (s["kind"], s["from"]) not in closed[str(uid)]]
            if not fresh:
                continue
            worst = max(fresh, key=lambda s: s["count"] / s["limit"])
            findings.append(
                Finding(
                    subject_type=SUBJECT,
                    subject_id=str(uid),
                    title=_("Possible data exfiltration by %(who)s: %(what)s")
                    % {"who": names[uid], "what": _signal_text(worst["kind"], worst["count"])},
                    details={"employee_no": names[uid], "signals": fresh},
                    notify=(ADMIN,),
                )
            )
        return findings


class RepeatedOutOfScopeAccess(Rule):
    """R9: an account is refused ``attempts`` times or more within ``minutes``."""

    code = "R9"
    title = gettext_lazy("Repeated out-of-scope access")
    description = gettext_lazy(
        "An account keeps trying to reach data outside its scope: several refused accesses in a few minutes."
    )
    category = "security"
    severity = "high"
    daily = False
    events = ("access_denied",)
    params = (
        Param("attempts", gettext_lazy("Refused accesses"), "int", 5, minimum=2, maximum=1000),
        Param("minutes", gettext_lazy("Within (minutes)"), "int", 10, minimum=1, maximum=1440),
    )

    def on_event(
        self, *, company: Any, now: dt.datetime, params: dict[str, Any], event: str, payload: dict[str, Any]
    ) -> Iterable[Finding]:
        return denial_findings(user_id=payload.get("user"), now=now, params=params)


def denial_findings(*, user_id: Any, now: dt.datetime, params: dict[str, Any]) -> list[Finding]:
    """R9's finding about one account, if its refusals in the window reach the line."""
    from baton.accounts.models import User
    from baton.audit.models import AuditEvent

    if not user_id:
        return []
    window = dt.timedelta(minutes=params["minutes"])
    recent = AuditEvent.objects.filter(
        actor_id=user_id, action="access.denied", occurred_at__gte=now - window, occurred_at__lte=now
    ).count()
    if recent < params["attempts"]:
        return []
    who = User.objects.filter(pk=user_id).values_list("employee_no", flat=True).first() or str(user_id)
    return [
        Finding(
            subject_type=SUBJECT,
            subject_id=str(user_id),
            title=_("Repeated out-of-scope access attempts by %(who)s") % {"who": who},
            details={"denied_in_window": recent, "window_seconds": int(window.total_seconds())},
            notify=(ADMIN,),
        )
    ]


def access_denied_check(*, user: Any) -> int:
    """Run R9 for an account right after one of its accesses was refused. Returns new alerts.

    The account's company's settings apply (through the engine). An account that belongs to
    no company (no employee record) is held to R9's defaults, and its alert has no company.
    """
    from baton.risk.services import risk_event

    employee = getattr(user, "employee", None)
    if employee is not None:
        return risk_event(event="access_denied", company_id=employee.company_id, payload={"user": user.pk})
    from baton.alerts.services import alert_open

    rule = RepeatedOutOfScopeAccess()
    opened = 0
    for finding in denial_findings(user_id=user.pk, now=clock.now(), params=rule.defaults()):
        _alert, created = alert_open(
            rule=rule.code,
            category=rule.category,
            subject_type=finding.subject_type,
            subject_id=finding.subject_id,
            severity=rule.severity,
            title=finding.title,
            details=finding.details,
        )
        opened += created
    return opened
