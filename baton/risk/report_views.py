"""Report screens: the quarterly concentration report and "what if X leaves".

Views parse the quarter, call one selector or service, and render. Charts are inline SVG drawn
here on the server (no chart library in the browser): labels are escaped like any other text.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header, urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from baton.authz.actor import actor_for
from baton.authz.selectors import user_can
from baton.core import clock
from baton.core.errors import BatonError, Forbidden, InvalidInput
from baton.core.policy import requires
from baton.core.views import BatonViewMixin, ScopedObjectMixin
from baton.org.models import Employee
from baton.risk.report_services import (
    ReportFile,
    concentration_export,
    departure_export,
    report_snapshot_take_for,
)
from baton.risk.reports import (
    RESOURCE,
    ConcentrationReport,
    Quarter,
    concentration_report,
    departure_employee_for,
    departure_what_if,
    quarter_of,
    quarter_parse,
)

REPORT_VIEW = requires(RESOURCE, "view")
REPORT_EXPORT = requires(RESOURCE, "export")
CHART_TOP = 15


# --- charts --------------------------------------------------------------------------------


def _short(label: str, size: int = 12) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"


def bar_chart_svg(bars: Sequence[tuple[str, Decimal]], *, title: str, unit: str = "%") -> SafeString:
    """Horizontal bars, one per (label, value), scaled to the largest value."""
    row, left, width, bar_width = 24, 150, 640, 400
    height = row * max(len(bars), 1) + 30
    top = max((value for _label, value in bars), default=Decimal("0")) or Decimal("1")
    items = []
    for i, (label, value) in enumerate(bars):
        y = 20 + i * row
        length = float(value / top) * bar_width if value > 0 else 0
        items.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="chart-label" font-size="11" fill="#555">'
                "{}</text>"
                '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar" fill="#2f6fb0">'
                "<title>{}: {}{}</title></rect>"
                '<text x="{}" y="{}" class="chart-value" font-size="11" fill="#222">{}{}</text>',
                left - 6,
                y + 15,
                _short(label),
                left,
                y + 3,
                f"{length:.1f}",
                row - 8,
                label,
                value,
                unit,
                f"{left + length + 6:.1f}",
                y + 15,
                value,
                unit,
            )
        )
    body = (
        SafeString("".join(items)) if items else format_html('<text x="20" y="30">{}</text>', _("No data."))
    )
    return format_html(
        '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>',
        title,
        width,
        height,
        title,
        body,
    )


def line_chart_svg(points: Sequence[tuple[str, Decimal]], *, title: str) -> SafeString:
    """A line over the quarters (HHI, 0–10,000), each point labelled with its value."""
    width, height, left, right, top, bottom = 640, 220, 50, 20, 20, 40
    top_value = max((v for _q, v in points), default=Decimal("0"))
    scale_top = max(Decimal("1000"), (top_value / 1000).to_integral_value(rounding="ROUND_CEILING") * 1000)
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(points) - 1, 1)

    def xy(i: int, value: Decimal) -> tuple[float, float]:
        x = left + (i * step if len(points) > 1 else plot_w / 2)
        return x, top + plot_h - float(value / scale_top) * plot_h

    axis = format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="chart-axis" stroke="#bbb"/>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="chart-axis" stroke="#bbb"/>'
        '<text x="{}" y="{}" text-anchor="end" class="chart-label" font-size="11" fill="#555">{}</text>'
        '<text x="{}" y="{}" text-anchor="end" class="chart-label" font-size="11" fill="#555">0</text>',
        left,
        top,
        left,
        top + plot_h,
        left,
        top + plot_h,
        left + plot_w,
        top + plot_h,
        left - 4,
        top + 4,
        scale_top,
        left - 4,
        top + plot_h,
    )
    coords = [xy(i, value) for i, (_q, value) in enumerate(points)]
    line = (
        format_html(
            '<polyline points="{}" class="chart-line" fill="none" stroke="#c0392b" stroke-width="2"/>',
            " ".join(f"{x:.1f},{y:.1f}" for x, y in coords),
        )
        if len(coords) > 1
        else SafeString("")
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="4" class="chart-dot" fill="#c0392b"><title>{}: {}</title></circle>'
        '<text x="{}" y="{}" text-anchor="middle" class="chart-value" font-size="11" fill="#222">{}</text>'
        '<text x="{}" y="{}" text-anchor="middle" class="chart-label" font-size="11" fill="#555">{}</text>',
        (
            (
                f"{x:.1f}",
                f"{y:.1f}",
                quarter,
                value,
                f"{x:.1f}",
                f"{y - 8:.1f}",
                value.to_integral_value(),
                f"{x:.1f}",
                top + plot_h + 18,
                quarter,
            )
            for (x, y), (quarter, value) in zip(coords, points, strict=True)
        ),
    )
    return format_html(
        '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}{}{}</svg>',
        title,
        width,
        height,
        title,
        axis,
        line,
        dots,
    )


def concentration_charts(report: ConcentrationReport) -> dict[str, SafeString]:
    return {
        "employees": bar_chart_svg(
            [(f"{r.label} {r.employee_no}", r.share_percent) for r in report.employees[:CHART_TOP]],
            title=_("Share of company revenue by employee (top %(n)d)") % {"n": CHART_TOP},
        ),
        "teams": bar_chart_svg(
            [(r.label, r.share_percent) for r in report.teams[:CHART_TOP]],
            title=_("Share of company revenue by team"),
        ),
        "hhi": line_chart_svg(
            [(p.quarter, p.hhi_employees) for p in report.trend],
            title=_("HHI of revenue across employees, by quarter"),
        ),
    }


# --- pages ---------------------------------------------------------------------------------


def file_response(file: ReportFile) -> HttpResponse:
    """A generated report file as an attachment the browser must neither sniff nor cache."""
    response = HttpResponse(file.data, content_type=file.content_type)
    response["Content-Disposition"] = content_disposition_header(True, file.filename) or "attachment"
    response["Content-Length"] = str(len(file.data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


class ConcentrationReportView(BatonViewMixin, TemplateView):
    """The quarterly customer distribution (concentration) report, scoped to the viewer."""

    policy = REPORT_VIEW
    template_name = "risk/report_concentration.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        now = clock.now()
        raw = request.GET.get("quarter", "")
        error = ""
        try:
            quarter = quarter_parse(raw, now=now)
        except InvalidInput as exc:
            error, quarter = str(exc.message), quarter_of(now)
        report = concentration_report(user=request.user, quarter=quarter, now=now)
        user = request.user
        context = self.get_context_data(
            report=report,
            quarter=quarter,
            quarter_input=raw if error else quarter.label,
            quarter_error=error,
            quarters=_recent_quarters(quarter_of(now)),
            charts=concentration_charts(report),
            can_export=user_can(user=user, resource=RESOURCE, action="export"),
            can_snapshot=actor_for(user).scope_for(RESOURCE, "export") == "company",
            export_query={
                fmt: urlencode({"quarter": quarter.label, "format": fmt}) for fmt in ("pdf", "xlsx")
            },
        )
        return self.render_to_response(context, status=400 if error else 200)


def _recent_quarters(current: Quarter, count: int = 8) -> list[str]:
    quarters = [current]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous)
    return [q.label for q in quarters]


class ConcentrationExportView(BatonViewMixin):
    """GET ``?quarter=2026Q3&format=pdf|xlsx``: the report as a watermarked, audited file."""

    policy = REPORT_EXPORT
    watermark = False  # the file carries its own
    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        back = reverse("risk:report_concentration")
        try:
            quarter = quarter_parse(request.GET.get("quarter"))
            file = concentration_export(
                actor=request.user, quarter=quarter, format=request.GET.get("format", "")
            )
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except BatonError as exc:
            messages.error(request, exc.message)
            return redirect(back)
        return file_response(file)


class ConcentrationSnapshotView(BatonViewMixin):
    """POST: store the company-wide figures of a quarter now (management; replaces a stored one)."""

    policy = REPORT_EXPORT
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        raw = request.POST.get("quarter", "")
        try:
            snapshot = report_snapshot_take_for(actor=request.user, quarter=raw or quarter_of(clock.now()))
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except BatonError as exc:
            messages.error(request, exc.message)
            return redirect(reverse("risk:report_concentration"))
        messages.success(request, _("The figures of %(quarter)s are stored.") % {"quarter": snapshot.period})
        return redirect(f"{reverse('risk:report_concentration')}?{urlencode({'quarter': snapshot.period})}")


class DepartureReportView(ScopedObjectMixin, TemplateView):
    """What if this employee left: customers, revenue and share, open orders and receivables at
    risk, key customers and recommended successors (404 outside the report scope)."""

    policy = REPORT_VIEW
    template_name = "risk/report_departure.html"
    context_object_name = "employee"

    def get_scoped_queryset(self) -> QuerySet[Employee]:
        return departure_employee_for(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["report"] = departure_what_if(employee=self.object)
        ctx["can_export"] = user_can(user=self.request.user, resource=RESOURCE, action="export")
        return ctx


class DepartureExportView(ScopedObjectMixin):
    """GET ``?format=pdf|xlsx``: the departure report as a watermarked, audited file."""

    policy = REPORT_EXPORT
    watermark = False
    http_method_names = ["get"]

    def get_scoped_queryset(self) -> QuerySet[Employee]:
        return departure_employee_for(user=self.request.user, action="export")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            file = departure_export(
                actor=request.user, employee=self.object, format=request.GET.get("format", "")
            )
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except BatonError as exc:
            messages.error(request, exc.message)
            return redirect(reverse("risk:report_departure", args=[self.object.pk]))
        return file_response(file)
