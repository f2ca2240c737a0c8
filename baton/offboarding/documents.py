"""The two documents a departure ends with (issue "offboarding", section 7).

- The 离职证明 (employment-separation certificate) the company owes the leaver: who, which post,
  from when to when, how the contract ended, dated and sealed. It is a Chinese legal document,
  so it is always in Chinese whatever the interface language, and it never shows ID numbers.
  Only HR issues it, and only for a completed case.
- The compliance evidence package: everything that proves the handover happened as the rules
  say (timeline, checklist with evidence hashes, sign-offs, transfer list, revisits and the
  case's audit events, with the verification of the whole audit chain). HR, management,
  administrators and the leaver's department head may take it.

Generating either is an export: the file carries its author's 工号 and the time on every page,
and an audit event records the SHA-256 of exactly the bytes handed out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from baton.audit.models import AuditEvent, AuditResult
from baton.audit.selectors import VerifyResult, audit_verify
from baton.audit.services import audit_record
from baton.core import clock
from baton.core.errors import BatonError, Conflict, Forbidden
from baton.offboarding.document_pdf import BODY_WIDTH, SHANGHAI, Frame, build_pdf, local, table, text
from baton.offboarding.models import (
    Approval,
    CaseStatus,
    Decision,
    HandoverEvidence,
    HandoverItem,
    OffboardingCase,
    Revisit,
    RevisitOutcome,
    SignOffRole,
    TransferLine,
    TransferPlan,
)
from baton.offboarding.people import holds_role
from baton.offboarding.selectors import cases_visible_to
from baton.org.models import Department

# Who may take a case's evidence package besides the leaver's department head.
PACKAGE_ROLES = ("hr", "management", "admin")

# The certificate's wording per kind of separation: what it is called, and whether the contract
# was dissolved (解除) or ended (终止) — the two words of the Labour Contract Law.
KIND_WORDING = {
    "resignation": ("员工本人提出辞职", "解除"),
    "dismissal": ("公司解除劳动合同", "解除"),
    "contract_end": ("劳动合同期满", "终止"),
}
TEAM_ROLE_WORDING = {"lead": "团队负责人", "customer_manager": "客户经理", "follow_up": "跟进专员"}


def case_number(case: OffboardingCase) -> str:
    """The number a case is quoted by on paper: year it opened and its id, e.g. LZ2025-000042."""
    return f"LZ{case.opened_at.astimezone(SHANGHAI):%Y}-{case.pk:06d}"


# --- who may take which document ------------------------------------------------------------


def _effective_head(
    department_id: int | None, leaver_id: int, departments: dict[int, tuple[Any, Any]]
) -> Any:
    """``people.department_head_of`` over preloaded (parent, head) pairs: no query per case."""
    while department_id is not None:
        parent_id, head_id = departments[department_id]
        if head_id is not None and head_id != leaver_id:
            return head_id
        department_id = parent_id
    return None


def evidence_cases_visible_to(*, user: Any) -> QuerySet[OffboardingCase]:
    """Cases whose evidence package the user may take: cases in their view scope, when they hold
    HR, management or admin, or when they head the leaver's department."""
    cases = cases_visible_to(user=user)
    if any(holds_role(user, role) for role in PACKAGE_ROLES):
        return cases
    employee = getattr(user, "employee", None)
    if employee is None or not Department.objects.filter(head=employee).exists():
        return cases.none()
    departments = {
        pk: (parent_id, head_id)
        for pk, parent_id, head_id in Department.objects.filter(company_id=employee.company_id).values_list(
            "pk", "parent_id", "head_id"
        )
    }
    headed = [
        pk
        for pk, leaver_id, department_id in cases.values_list("pk", "employee_id", "employee__department_id")
        if _effective_head(department_id, leaver_id, departments) == employee.pk
    ]
    return cases.filter(pk__in=headed)


def _refuse(*, actor: Any, case: OffboardingCase, document: str, error: BatonError) -> None:
    """Record the refusal (outside any transaction, so it stays) and raise it."""
    audit_record(
        actor=actor,
        action="offboarding.document_refused",
        target=case,
        changes={"document": document, "reason": error.code},
        result=AuditResult.DENIED,
    )
    raise error


def _record(*, actor: Any, case: OffboardingCase, action: str, data: bytes, **changes: Any) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=action,
            target=case,
            changes={
                "case": case_number(case),
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
                **changes,
            },
        )


def _load(case: OffboardingCase) -> OffboardingCase:
    return OffboardingCase.objects.select_related(
        "company", "employee", "employee__department", "employee__position", "successor", "completed_by"
    ).get(pk=case.pk)


# --- the certificate ---------------------------------------------------------------------------


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _service_length(start: dt.date, end: dt.date) -> str:
    months = (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)
    years, rest = divmod(max(months, 0), 12)
    return f"{years}年{rest}个月" if years else f"{rest}个月"


def _post(case: OffboardingCase) -> str:
    employee = case.employee
    if employee.position is not None:
        return employee.position.name
    return TEAM_ROLE_WORDING.get(employee.team_role, "")


def _certificate_story(case: OffboardingCase, today: dt.date) -> list[Any]:
    employee = case.employee
    kind, verb = KIND_WORDING.get(case.kind, ("", "解除"))
    post, department = _post(case), employee.department.name
    # Completed before the last working day (by agreement), the contract ended on completion.
    ended_on = employee.left_on or case.last_working_day
    hired, last_day, ended = (
        _chinese_date(employee.hire_date),
        _chinese_date(case.last_working_day),
        _chinese_date(ended_on),
    )
    duty = f"{department}任{post}职务" if post else f"{department}工作"
    sentence = (
        f"兹证明{employee.name}（工号：{employee.employee_no}）自{hired}至{ended}在我公司{duty}，"
        f"于{ended}因{kind}与我公司{verb}劳动合同，在我公司工作年限为"
        f"{_service_length(employee.hire_date, ended_on)}。特此证明。"
    )
    rows = [
        ["单位名称", case.company.name],
        ["员工姓名", employee.name],
        ["工号", employee.employee_no],
        ["部门", department],
        ["职务", post or "—"],
        ["入职日期", hired],
        ["最后工作日", last_day],
        ["离职类型", f"{kind}（{verb}劳动合同）"],
        [f"劳动合同{verb}日期", ended],
    ]
    return [
        text("离职证明", "title"),
        table(rows, [BODY_WIDTH * 0.25, BODY_WIDTH * 0.75], header=False),
        text(sentence, "prose"),
        text(" ", "prose"),
        text(case.company.name, "right"),
        text("（公司盖章）", "right"),
        text(_chinese_date(today), "right"),
    ]


def certificate_pdf(*, actor: Any, case: OffboardingCase) -> bytes:
    """The 离职证明 of a completed case, issued by HR (audited with the file's SHA-256)."""
    if not holds_role(actor, "hr") or not cases_visible_to(user=actor).filter(pk=case.pk).exists():
        _refuse(
            actor=actor,
            case=case,
            document="certificate",
            error=Forbidden(_("Only HR issues the separation certificate."), code="hr_only"),
        )
    case = _load(case)
    if case.status != CaseStatus.COMPLETED:
        _refuse(
            actor=actor,
            case=case,
            document="certificate",
            error=Conflict(
                _("The certificate is issued once the case is completed (now: %(status)s).")
                % {"status": case.get_status_display()},
                code="wrong_case_state",
            ),
        )
    now = clock.now()
    number = case_number(case)
    frame = Frame(
        header=case.company.name,
        footer=f"证明编号 {number} · 生成时间 {local(now)}（北京时间） · 经办人工号 {actor.employee_no}",
        page_label="第 %(page)d 页 / 共 %(pages)d 页",
        title=f"离职证明 {number}",
        author=actor.employee_no,
        subject="离职证明",
        keywords=f"baton-offboarding {number} {actor.employee_no}",
    )
    data = build_pdf(_certificate_story(case, clock.local_date(now)), frame)
    _record(
        actor=actor, case=case, action="offboarding.certificate_generated", data=data, document="certificate"
    )
    return data


# --- the evidence package ------------------------------------------------------------------------


def case_audit_events(*, case: OffboardingCase) -> list[AuditEvent]:
    """The audit events about the case, its items, its evidence files and its revisits, oldest first."""
    items = [str(pk) for pk in HandoverItem.objects.filter(case=case).values_list("pk", flat=True)]
    files = [str(pk) for pk in HandoverEvidence.objects.filter(item__case=case).values_list("pk", flat=True)]
    revisits = [str(pk) for pk in Revisit.objects.filter(case=case).values_list("pk", flat=True)]
    about = (
        Q(object_type="offboarding.offboardingcase", object_id=str(case.pk))
        | Q(object_type="offboarding.handoveritem", object_id__in=items)
        | Q(object_type="offboarding.handoverevidence", object_id__in=files)
        | Q(object_type="offboarding.revisit", object_id__in=revisits)
    )
    return list(AuditEvent.objects.filter(about).order_by("seq"))


def evidence_package_pdf(*, actor: Any, case: OffboardingCase) -> bytes:
    """The case's compliance evidence package (audited with the file's SHA-256 and the result of
    the audit-chain verification it prints)."""
    if not evidence_cases_visible_to(user=actor).filter(pk=case.pk).exists():
        _refuse(
            actor=actor,
            case=case,
            document="evidence_package",
            error=Forbidden(
                _("Only HR, management, administrators and the department head take the evidence package."),
                code="evidence_package_denied",
            ),
        )
    case = _load(case)
    now = clock.now()
    verified = audit_verify()
    events = case_audit_events(case=case)
    number = case_number(case)
    frame = Frame(
        header=_(
            "%(case)s · evidence package · generated %(time)s (Asia/Shanghai) by 工号 %(no)s"
            " · internal, do not pass on"
        )
        % {"case": number, "time": local(now, seconds=True), "no": actor.employee_no},
        footer=_("Case %(case)s · generated by 工号 %(no)s") % {"case": number, "no": actor.employee_no},
        page_label=_("Page %(page)d of %(pages)d"),
        title=_("Offboarding evidence package %(case)s") % {"case": number},
        author=actor.employee_no,
        subject=_("Offboarding evidence package"),
        keywords=f"baton-offboarding {number} {actor.employee_no}",
    )
    story = _package_story(case=case, number=number, events=events, verified=verified)
    data = build_pdf(story, frame)
    _record(
        actor=actor,
        case=case,
        action="offboarding.evidence_package_generated",
        data=data,
        document="evidence_package",
        events=len(events),
        chain_ok=verified.ok,
        chain_count=verified.count,
        chain_first_bad_seq=verified.first_bad_seq,
    )
    return data


# --- the evidence package's sections ------------------------------------------------------------

# The audit actions that make up the timeline, in the words of the business.
TIMELINE_LABELS = {
    "offboarding.case_opened": gettext_lazy("Case opened"),
    "offboarding.successor_set": gettext_lazy("Successor named"),
    "offboarding.item_completed": gettext_lazy("Item completed"),
    "offboarding.customers_confirmed": gettext_lazy("Customers confirmed"),
    "offboarding.orders_confirmed": gettext_lazy("Open orders confirmed"),
    "offboarding.evidence_uploaded": gettext_lazy("Evidence uploaded"),
    "offboarding.items_reopened": gettext_lazy("Items reopened"),
    "offboarding.sign_off_started": gettext_lazy("Sign-off requested"),
    "offboarding.sign_off_decided": gettext_lazy("Sign-off decided"),
    "offboarding.case_ready": gettext_lazy("Ready to complete"),
    "offboarding.plan_saved": gettext_lazy("Transfer plan saved"),
    "offboarding.transfer_executed": gettext_lazy("Transfer executed"),
    "offboarding.access_ended": gettext_lazy("Access ended"),
    "offboarding.revisit_recorded": gettext_lazy("Revisit recorded"),
    "offboarding.exit_interview_recorded": gettext_lazy("Exit interview recorded"),
    "offboarding.case_withdrawn": gettext_lazy("Case withdrawn"),
    "offboarding.case_completed": gettext_lazy("Case completed"),
}


def _person(user: Any) -> str:
    if user is None:
        return "—"
    name = getattr(user, "display_name", "")
    return f"{user.employee_no} {name}".strip()


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _section(title: str, *flowables: Any) -> list[Any]:
    return [text(title, "heading"), *flowables]


def _widths(*fractions: float) -> list[float]:
    return [BODY_WIDTH * f for f in fractions]


def _summary(case: OffboardingCase, number: str) -> Any:
    employee = case.employee
    rows = [
        [_("Case number"), number],
        [_("Company"), case.company.name],
        [_("Employee"), f"{employee.name}（{employee.employee_no}）"],
        [_("Department and position"), f"{employee.department.name} {_post(case)}".strip()],
        [_("Kind"), str(case.get_kind_display())],
        [_("Reason"), case.reason],
        [_("Status"), str(case.get_status_display())],
        [_("Submitted on"), case.submitted_on.isoformat()],
        [_("Last working day"), case.last_working_day.isoformat()],
        [_("Notice (required / given, days)"), f"{case.notice_days_required} / {case.notice_days_given}"],
        [_("Successor"), f"{case.successor.name}（{case.successor.employee_no}）" if case.successor else "—"],
        [_("Opened"), local(case.opened_at)],
        [
            _("Completed"),
            f"{local(case.completed_at)} {_person(case.completed_by) if case.completed_at else ''}",
        ],
    ]
    return table(rows, _widths(0.3, 0.7), header=False)


def _event_detail(event: AuditEvent, subjects: dict[tuple[str, str], str]) -> str:
    """What the event was about, in words: the item, the file, the party's decision, the customer."""
    changes = event.changes if isinstance(event.changes, dict) else {}
    subject = subjects.get((event.object_type, event.object_id), "")
    if event.action == "offboarding.sign_off_decided":
        party, decision = changes.get("party", ""), changes.get("decision", "")
        party_label = SignOffRole(party).label if party in SignOffRole.values else party
        decision_label = Decision(decision).label if decision in Decision.values else decision
        return f"{party_label}: {decision_label} {changes.get('comment', '')}".strip()
    if event.action == "offboarding.revisit_recorded":
        outcome = changes.get("outcome", "")
        outcome_label = RevisitOutcome(outcome).label if outcome in RevisitOutcome.values else outcome
        return f"{subject}: {outcome_label}"
    if event.action == "offboarding.transfer_executed":
        return _("%(n)s customers moved") % {"n": changes.get("customers", 0)}
    return subject


def _timeline(events: list[AuditEvent], items: list[HandoverItem], revisits: list[Revisit]) -> Any:
    subjects = {("offboarding.handoveritem", str(i.pk)): i.title for i in items}
    subjects |= {
        ("offboarding.handoverevidence", str(f.pk)): f"{f.name}（{i.title}）"
        for i in items
        for f in i.files.all()
    }
    subjects |= {("offboarding.revisit", str(r.pk)): r.customer.name for r in revisits}
    rows: list[list[Any]] = [[_("Time"), _("What happened"), _("By (工号)"), _("Details")]]
    for event in events:
        label = TIMELINE_LABELS.get(event.action)
        if label is not None and event.result == AuditResult.SUCCESS:
            detail = _event_detail(event, subjects)
            rows.append([local(event.occurred_at), str(label), event.actor_label or "—", detail])
    return table(rows, _widths(0.2, 0.22, 0.13, 0.45))


def _checklist(items: list[HandoverItem]) -> Any:
    rows: list[list[Any]] = [
        ["#", _("Item"), _("Status"), _("Completed by"), _("Completed at"), _("Statement")]
    ]
    for n, item in enumerate(items, start=1):
        title = item.title if item.required else f"{item.title}（{_('optional')}）"
        rows.append(
            [
                str(n),
                title,
                str(item.get_status_display()),
                _person(item.completed_by) if item.completed_at else "—",
                local(item.completed_at),
                item.statement or "—",
            ]
        )
    return table(rows, _widths(0.05, 0.2, 0.1, 0.15, 0.15, 0.35))


def _files(items: list[HandoverItem]) -> Any:
    rows: list[list[Any]] = [[_("Item"), _("File"), "SHA-256", _("Uploaded")]]
    for item in items:
        for f in item.files.all():
            rows.append([item.title, f.name, f.sha256, f"{_person(f.uploaded_by)}\n{local(f.uploaded_at)}"])
    if len(rows) == 1:
        return text(_("No files were uploaded."))
    return table(rows, _widths(0.15, 0.15, 0.53, 0.17), mono_columns=(2,))


def _signoffs(case: OffboardingCase) -> Any:
    rows: list[list[Any]] = [[_("Party"), _("Decision"), _("Signed by"), _("Signed at"), _("Comment")]]
    for approval in (
        Approval.objects.filter(case=case).select_related("decided_by").order_by("sequence", "pk")
    ):
        rows.append(
            [
                str(approval.get_role_display()),
                str(approval.get_decision_display()),
                _person(approval.decided_by),
                local(approval.decided_at),
                approval.comment or "—",
            ]
        )
    return table(rows, _widths(0.13, 0.1, 0.17, 0.17, 0.43))


def _destination(line: TransferLine) -> str:
    if line.to_employee is not None:
        return f"{line.to_employee.name}（{line.to_employee.employee_no}）"
    return line.to_pool.name


def _transfer(case: OffboardingCase) -> list[Any]:
    plan = TransferPlan.objects.filter(case=case).select_related("executed_by").first()
    if plan is None or plan.executed_at is None:
        return [text(_("The transfer plan has not been executed."))]
    lines = list(
        TransferLine.objects.filter(plan=plan)
        .select_related("customer", "to_employee", "to_pool")
        .order_by("customer__name", "pk")
    )
    intro = _("Strategy: %(strategy)s. Executed %(time)s by %(who)s.") % {
        "strategy": plan.get_strategy_display(),
        "time": local(plan.executed_at),
        "who": _person(plan.executed_by),
    }
    rows: list[list[Any]] = [
        [
            _("Customer"),
            _("Destination"),
            _("New owner"),
            _("Revenue, 12 months"),
            _("Open orders"),
            _("Receivables"),
        ]
    ]
    for line in lines:
        rows.append(
            [
                line.customer.name,
                str(line.get_destination_display()),
                _destination(line),
                _money(line.revenue_12m),
                str(line.open_orders),
                _money(line.receivables_open),
            ]
        )
    rows.append(
        [
            ngettext("Total: %(n)d customer", "Total: %(n)d customers", len(lines)) % {"n": len(lines)},
            "",
            "",
            _money(sum((x.revenue_12m for x in lines), Decimal("0"))),
            str(sum(x.open_orders for x in lines)),
            _money(sum((x.receivables_open for x in lines), Decimal("0"))),
        ]
    )
    return [text(intro), table(rows, _widths(0.3, 0.12, 0.2, 0.14, 0.09, 0.15))]


def _revisits(revisits: list[Revisit]) -> Any:
    if not revisits:
        return text(_("No revisits were scheduled."))
    rows: list[list[Any]] = [
        [_("Customer"), _("Visited by"), _("Due on"), _("Outcome"), _("Recorded"), _("Notes")]
    ]
    for r in revisits:
        rows.append(
            [
                r.customer.name,
                f"{r.assignee.name}（{r.assignee.employee_no}）",
                r.due_on.isoformat(),
                str(r.get_outcome_display()) if r.outcome else _("Open"),
                local(r.done_at),
                r.notes or "—",
            ]
        )
    return table(rows, _widths(0.22, 0.16, 0.11, 0.1, 0.14, 0.27))


def _verification(verified: VerifyResult, own: int) -> Any:
    if verified.ok:
        line = _(
            "Audit chain verified: all %(count)d events intact (head %(head)s). "
            "%(own)d of them concern this case and are listed below."
        ) % {"count": verified.count, "head": verified.head_hash[:16], "own": own}
    else:
        line = _(
            "Audit chain verification FAILED at sequence %(seq)s: %(reason)s. "
            "The %(count)d events before it are intact."
        ) % {"seq": verified.first_bad_seq, "reason": verified.reason, "count": verified.count}
    return text(line)


def _audit_table(events: list[AuditEvent]) -> Any:
    rows: list[list[Any]] = [[_("Seq."), _("Time"), _("By (工号)"), _("Action"), _("Object"), _("Result")]]
    for e in events:
        rows.append(
            [
                str(e.seq),
                local(e.occurred_at, seconds=True),
                e.actor_label or "—",
                e.action,
                f"{e.object_type}:{e.object_id}",
                str(e.get_result_display()),
            ]
        )
    return table(rows, _widths(0.08, 0.19, 0.11, 0.3, 0.22, 0.1))


def _package_story(
    *, case: OffboardingCase, number: str, events: list[AuditEvent], verified: VerifyResult
) -> list[Any]:
    items = list(
        HandoverItem.objects.filter(case=case)
        .select_related("completed_by")
        .prefetch_related(Prefetch("files", queryset=HandoverEvidence.objects.select_related("uploaded_by")))
        .order_by("position", "pk")
    )
    revisits = list(
        Revisit.objects.filter(case=case).select_related("customer", "assignee").order_by("due_on", "pk")
    )
    return [
        text(_("Offboarding compliance evidence package"), "title"),
        _summary(case, number),
        *_section(_("Timeline"), _timeline(events, items, revisits)),
        *_section(_("Handover checklist"), _checklist(items)),
        *_section(_("Evidence files"), _files(items)),
        *_section(_("Sign-offs"), _signoffs(case)),
        *_section(_("Transfer of customers"), *_transfer(case)),
        *_section(_("Revisits"), _revisits(revisits)),
        *_section(_("Audit events of this case"), _verification(verified, len(events)), _audit_table(events)),
    ]
