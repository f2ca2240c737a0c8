"""Writes around the reports: stored quarterly snapshots, and the reports as files.

Snapshots. ``report_snapshot_take`` stores the company-wide figures of a quarter (one
``ReportSnapshot`` per company, kind and quarter). Taking the same quarter again **replaces**
the stored figures with the figures as of the new moment (audited, with ``replaced: true``):
a snapshot taken during a quarter is a preview that the closing snapshot overwrites. The
quarterly job (``report_snapshots_due``) acts on the first day of a quarter only, for the
quarter that just closed, and leaves a quarter alone once it holds a final snapshot (taken
after the quarter closed), so running it again changes nothing.

Files. The concentration report and the "what if X leaves" report are exported as PDF or xlsx
like the customer exports: only holders of ``risk_report.export``, over the rows their export
scope reaches; refused (403, audited) to frozen accounts and to people in their handover
period; every page or sheet carries the watermark line naming the exporter's 工号, the time
and the export number; the export is audited with the file's SHA-256.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from baton.audit.services import audit_record
from baton.authz.actor import actor_for
from baton.authz.services import access_denied_record
from baton.core import clock
from baton.core.errors import Forbidden, InvalidInput, NotFound
from baton.exchange.services.exports import Watermark
from baton.exchange.workbooks import watermarked_xlsx
from baton.org.models import Company, Employee, EmployeeStatus
from baton.risk.models import ReportSnapshot
from baton.risk.reports import (
    CONCENTRATION,
    RESOURCE,
    ConcentrationReport,
    DepartureWhatIf,
    Line,
    Quarter,
    concentration_figures,
    concentration_report,
    departure_what_if,
    quarter_of,
    quarter_parse,
    report_company_id,
    report_employees_for,
    snapshot_is_final,
)

FORMATS = ("pdf", "xlsx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# --- snapshots ---------------------------------------------------------------------------


def _quarter(value: Quarter | str, now: dt.datetime) -> Quarter:
    quarter = quarter_parse(value, now=now) if isinstance(value, str) else value
    if quarter > quarter_of(now):
        raise InvalidInput(
            _("The quarter %(quarter)s has not started yet.") % {"quarter": quarter.label},
            code="invalid_quarter",
        )
    return quarter


def report_snapshot_take(
    *, company_id: int, quarter: Quarter | str, now: dt.datetime, actor: Any = None
) -> ReportSnapshot:
    """Store the company's concentration figures of ``quarter`` as of ``now`` (every owner in
    the company, unscoped: viewers are scoped when the snapshot is read). Taking a quarter
    that is stored already replaces its figures. Audited."""
    q = _quarter(quarter, now)
    figures = concentration_figures(company_id=company_id, quarter=q, now=now)
    with transaction.atomic():
        snapshot, created = ReportSnapshot.objects.select_for_update().update_or_create(
            company_id=company_id,
            kind=CONCENTRATION,
            period=q.label,
            defaults={"data": figures, "created_at": now},
        )
        audit_record(
            actor=actor,
            action="risk.report_snapshot_taken",
            target=snapshot,
            changes={
                "report": CONCENTRATION,
                "quarter": q.label,
                "as_of": figures["as_of"],
                "employees": len(figures["employees"]),
                "company_revenue": figures["company_revenue"],
                "replaced": not created,
            },
        )
    return snapshot


def report_snapshot_take_for(*, actor: Any, quarter: Quarter | str) -> ReportSnapshot:
    """The on-demand snapshot (the button): for the actor's company, by someone whose
    ``risk_report.export`` reaches the whole company (management, administrators)."""
    company_id = report_company_id(user=actor)
    if company_id is None or actor_for(actor).scope_for(RESOURCE, "export") != "company":
        access_denied_record(user=actor, resource=RESOURCE, action="export", reason="snapshot_company_only")
        raise Forbidden(
            _("Only someone who may export the whole company's report takes its snapshot."),
            code="snapshot_company_only",
        )
    return report_snapshot_take(company_id=company_id, quarter=quarter, now=clock.now(), actor=actor)


def report_snapshots_due(*, now: dt.datetime) -> dict[str, int]:
    """The quarterly job: on the first day of a quarter (Asia/Shanghai), store the quarter
    that just closed for every company that has no final snapshot of it yet."""
    day = clock.local_date(now)
    if day.day != 1 or day.month not in (1, 4, 7, 10):
        return {"taken": 0, "kept": 0}
    closed = quarter_of(now).previous
    stored = {
        s.company_id: s
        for s in ReportSnapshot.objects.filter(kind=CONCENTRATION, period=closed.label).only(
            "company_id", "data"
        )
    }
    taken = kept = 0
    for company_id in Company.objects.order_by("pk").values_list("pk", flat=True):
        existing = stored.get(company_id)
        if existing is not None and snapshot_is_final(existing, closed):
            kept += 1
            continue
        report_snapshot_take(company_id=company_id, quarter=closed, now=now)
        taken += 1
    return {"taken": taken, "kept": kept}


# --- exports -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportWatermark(Watermark):
    """The export watermark of ``baton.exchange`` for a report file."""

    report: str = ""

    @property
    def metadata(self) -> str:
        return (
            f"Baton 报表导出; 报表 {self.report}; 导出编号 {self.number}; 导出人 {self.name}; "
            f"工号 {self.employee_no}; 时间 {self.local}; 审计事件 risk.report_exported"
        )


@dataclass(frozen=True)
class ReportFile:
    """A report file handed out: its bytes, name, type and SHA-256 (as audited)."""

    data: bytes
    filename: str
    content_type: str
    sha256: str
    number: str


def report_export_blocked_check(*, user: Any) -> None:
    """Refuse (403, audited) a report export by a frozen account or someone in their handover
    period — the rule of the customer exports."""
    reason, message = "", ""
    employee = getattr(user, "employee", None)
    if getattr(user, "is_frozen", False):
        reason = "account_frozen"
        message = _("This account is frozen, so it cannot export customer data.")
    elif employee is not None and employee.status in (EmployeeStatus.RESIGNING, EmployeeStatus.LEFT):
        reason = "export_blocked_handover"
        message = _(
            "During the handover period (离职交接) customer data cannot be exported. "
            "Your manager can export what the handover needs."
        )
    elif actor_for(user).scope_for(RESOURCE, "export") is None:
        reason = "no_permission"
        message = _("You do not have permission to do this.")
    if reason:
        access_denied_record(user=user, resource=RESOURCE, action="export", reason=reason)
        raise Forbidden(message, code=reason)


def _format(value: str) -> str:
    if value not in FORMATS:
        raise InvalidInput(
            _("Choose the file format pdf or xlsx."),
            code="invalid_format",
            fields={"format": [_("Choose one of the listed values.")]},
        )
    return value


def _mark(actor: Any, report: str, now: dt.datetime) -> ReportWatermark:
    employee = getattr(actor, "employee", None)
    return ReportWatermark(
        number=f"RP{timezone.localtime(now):%Y%m%d}-{secrets.token_hex(3).upper()}",
        export_id=0,
        employee_no=actor.employee_no,
        name=employee.name if employee is not None else actor.employee_no,
        moment=now,
        report=report,
    )


def _percent(share: Decimal) -> str:
    return f"{share * 100:.2f}%"


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


@dataclass
class _Table:
    title: str
    headers: Sequence[str]
    rows: list[list[Any]]


LINE_HEADERS = ("客户数", "重点客户", "收入(近12个月, 元)", "占公司收入", "单人服务客户", "跟进滞后客户")


def _line_cells(line: Line) -> list[Any]:
    return [
        line.customers,
        line.key_customers,
        line.revenue,
        _percent(line.share),
        line.single_served,
        line.lagging,
    ]


def _concentration_tables(report: ConcentrationReport) -> tuple[list[list[Any]], list[_Table]]:
    summary: list[list[Any]] = [
        ["季度", report.quarter.label],
        ["收入统计区间", f"{report.window_from:%Y-%m-%d} 至 {report.window_to:%Y-%m-%d}"],
        ["数据截至", f"{timezone.localtime(report.as_of):%Y-%m-%d %H:%M}"],
        ["来源", "季度快照" if report.source == "snapshot" else "实时计算"],
        ["公司收入(元)", report.company_revenue],
        ["范围内收入(元)", report.total.revenue],
        ["范围内收入占比", _percent(report.total.share)],
        ["HHI(按员工)", report.hhi_employees],
        ["HHI(按团队)", report.hhi_teams],
        ["客户数", report.total.customers],
        ["重点客户", report.total.key_customers],
        ["单人服务客户", report.total.single_served],
        ["跟进滞后客户", report.total.lagging],
    ]
    tables = [
        _Table(
            "员工",
            ("工号", "姓名", "团队", "部门", *LINE_HEADERS),
            [[r.employee_no, r.label, r.team, r.department, *_line_cells(r)] for r in report.employees],
        ),
        _Table(
            "团队",
            ("团队", "部门", "人数", *LINE_HEADERS),
            [[r.label, r.department, r.members, *_line_cells(r)] for r in report.teams],
        ),
        _Table(
            "部门",
            ("部门", "人数", *LINE_HEADERS),
            [[r.label, r.members, *_line_cells(r)] for r in report.departments],
        ),
        _Table(
            "趋势",
            (
                "季度",
                "来源",
                "HHI(员工)",
                "HHI(团队)",
                "收入(元)",
                "占公司收入",
                "最大个人占比",
                "单人服务",
                "跟进滞后",
            ),
            [
                [
                    p.quarter,
                    "快照" if p.source == "snapshot" else "实时",
                    p.hhi_employees,
                    p.hhi_teams,
                    p.revenue,
                    _percent(p.share),
                    _percent(p.top_share),
                    p.single_served,
                    p.lagging,
                ]
                for p in report.trend
            ],
        ),
    ]
    return summary, tables


def _departure_tables(what_if: DepartureWhatIf) -> tuple[list[list[Any]], list[_Table]]:
    e, impact = what_if.employee, what_if.impact
    summary: list[list[Any]] = [
        ["员工", f"{e.name} ({e.employee_no})"],
        ["团队", e.team.name if e.team else "—"],
        ["部门", e.department.name],
        ["数据截至", f"{timezone.localtime(what_if.as_of):%Y-%m-%d %H:%M}"],
        ["客户数", impact.customers],
        ["重点客户", impact.key_customers],
        ["收入(近12个月, 元)", impact.revenue_12m],
        ["公司收入(近12个月, 元)", impact.company_revenue_12m],
        ["占公司收入", _percent(impact.share)],
        ["未完成订单", impact.open_orders],
        ["未完成订单金额(元)", impact.open_orders_amount],
        ["未收应收款(元)", impact.receivables_open],
    ]

    def customers(rows: list[Any]) -> list[list[Any]]:
        return [
            [c.name, c.get_tier_display(), "是" if c.is_key_account else "否", c.revenue_12m] for c in rows
        ]

    tables = [
        _Table(
            "重点客户",
            ("客户名称", "规模", "重点客户", "收入(近12个月, 元)"),
            customers(what_if.key_customers),
        ),
        _Table(
            "主要客户",
            ("客户名称", "规模", "重点客户", "收入(近12个月, 元)"),
            customers(what_if.top_customers),
        ),
        _Table(
            "推荐接任者",
            ("工号", "姓名", "团队", "得分", "名下客户", "理由"),
            [
                [
                    r.employee.employee_no,
                    r.employee.name,
                    r.employee.team.name if r.employee.team else "",
                    r.score,
                    r.load,
                    "；".join(str(reason) for reason in r.reasons),
                ]
                for r in what_if.successors
            ],
        ),
    ]
    return summary, tables


def _xlsx(title: str, summary: list[list[Any]], tables: list[_Table], mark: ReportWatermark) -> bytes:
    sheets = [_Table("概览", ("项目", "数值"), summary), *tables]
    return watermarked_xlsx(
        mark=mark,
        sheets=[(t.title, t.headers, t.rows) for t in sheets],
        title=title,
        subject="客户资源报表 (customer-resource report)",
        keyword="baton-report",
    )


def _cell(value: Any) -> str:
    if isinstance(value, Decimal):
        return _money(value) if value.as_tuple().exponent == -2 else str(value)
    return "" if value is None else str(value)


def _pdf(title: str, summary: list[list[Any]], tables: list[_Table], mark: ReportWatermark) -> bytes:
    from baton.offboarding.document_pdf import BODY_WIDTH, Frame, build_pdf, table, text

    story: list[Any] = [text(title, "title")]
    story.append(
        table([[k, _cell(v)] for k, v in summary], [BODY_WIDTH * 0.3, BODY_WIDTH * 0.7], header=False)
    )
    for part in tables:
        story.append(text(part.title, "heading"))
        if not part.rows:
            story.append(text("—"))
            continue
        width = BODY_WIDTH / len(part.headers)
        rows = [list(part.headers), *[[_cell(v) for v in row] for row in part.rows]]
        story.append(table(rows, [width] * len(part.headers)))
    frame = Frame(
        header=mark.line,
        footer=f"导出编号 {mark.number} · 工号 {mark.employee_no} · {mark.local}",
        page_label="第 %(page)d 页 / 共 %(pages)d 页",
        title=f"{title} {mark.number}",
        author=mark.employee_no,
        subject="客户资源报表",
        keywords=f"baton-report {mark.number} {mark.employee_no}",
    )
    return build_pdf(story, frame)


def _hand_out(
    *,
    actor: Any,
    fmt: str,
    title: str,
    summary: list[list[Any]],
    tables: list[_Table],
    mark: ReportWatermark,
    filename: str,
    target: Any = None,
    changes: dict[str, Any],
) -> ReportFile:
    data = (_pdf if fmt == "pdf" else _xlsx)(title, summary, tables, mark)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="risk.report_exported",
            target=target,
            object_type="" if target is not None else "risk.report",
            object_id="" if target is not None else f"{mark.report}",
            changes={
                **changes,
                "report": mark.report,
                "format": fmt,
                "export": mark.number,
                "sha256": digest,
                "size": len(data),
            },
        )
    return ReportFile(
        data=data,
        filename=f"{filename}-{mark.number}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
        sha256=digest,
        number=mark.number,
    )


def concentration_export(*, actor: Any, quarter: Quarter, format: str) -> ReportFile:
    """The concentration report of ``quarter`` as a watermarked PDF or xlsx, over the rows the
    actor's export scope reaches (audited with the file's SHA-256)."""
    report_export_blocked_check(user=actor)
    fmt = _format(format)
    now = clock.now()
    report = concentration_report(user=actor, quarter=quarter, now=now, action="export")
    summary, tables = _concentration_tables(report)
    mark = _mark(actor, f"{CONCENTRATION}:{quarter.label}", now)
    return _hand_out(
        actor=actor,
        fmt=fmt,
        title=f"客户资源集中度报表 {quarter.label}",
        summary=summary,
        tables=tables,
        mark=mark,
        filename=f"concentration-{quarter.label}",
        changes={"quarter": quarter.label, "rows": len(report.employees), "source": report.source},
    )


def departure_export(*, actor: Any, employee: Employee, format: str) -> ReportFile:
    """The "what if X leaves" report of an employee in the actor's export scope, as a
    watermarked PDF or xlsx (audited with the file's SHA-256); 404 outside the scope."""
    report_export_blocked_check(user=actor)
    fmt = _format(format)
    in_scope = report_employees_for(user=actor, action="export").select_related("team", "department")
    person = in_scope.filter(pk=employee.pk).first()
    if person is None:
        access_denied_record(
            user=actor, resource=RESOURCE, action="export", object_id=str(employee.pk), reason="out_of_scope"
        )
        raise NotFound()
    now = clock.now()
    what_if = departure_what_if(employee=person, now=now)
    summary, tables = _departure_tables(what_if)
    mark = _mark(actor, f"departure:{person.employee_no}", now)
    return _hand_out(
        actor=actor,
        fmt=fmt,
        title=f"离职影响评估 {person.name} ({person.employee_no})",
        summary=summary,
        tables=tables,
        mark=mark,
        filename=f"departure-{person.employee_no}",
        target=person,
        changes={"employee": person.employee_no},
    )
