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

# The sensitive-word dictionary (baton/risk/api/phrases.py).
from baton.risk.api import phrases  # noqa: E402

urlpatterns += [
    path(
        "risk-phrases/",
        phrases.SensitivePhraseViewSet.as_view({"get": "list", "post": "create"}),
        name="risk-phrase-list",
    ),
    path(
        "risk-phrases/<int:pk>/",
        phrases.SensitivePhraseViewSet.as_view(
            {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
        ),
        name="risk-phrase-detail",
    ),
]
