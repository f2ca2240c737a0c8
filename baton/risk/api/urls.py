from django.urls import path

from baton.risk.api import views

urlpatterns = [
    path("risk-rules/", views.RiskRuleListView.as_view(), name="risk-rule-list"),
    path("risk-rules/<str:code>/", views.RiskRuleDetailView.as_view(), name="risk-rule-detail"),
]

# Customer-resource reports (baton/risk/api/reports.py).
from baton.risk.api import reports  # noqa: E402

urlpatterns += [
    path("reports/concentration/", reports.ConcentrationReportView.as_view(), name="report-concentration"),
    path(
        "reports/concentration/export/",
        reports.ConcentrationExportView.as_view(),
        name="report-concentration-export",
    ),
    path(
        "employees/<int:pk>/departure-impact/",
        reports.DepartureImpactView.as_view(),
        name="employee-departure-impact",
    ),
    path(
        "employees/<int:pk>/departure-impact/export/",
        reports.DepartureImpactExportView.as_view(),
        name="employee-departure-impact-export",
    ),
]
