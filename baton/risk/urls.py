from django.urls import path

from baton.risk import views

app_name = "risk"
urlpatterns = [
    path("rules/", views.RuleSettingListView.as_view(), name="rule_list"),
]

# Customer-resource reports (baton/risk/report_views.py).
from baton.risk import report_views  # noqa: E402

urlpatterns += [
    path(
        "reports/concentration/",
        report_views.ConcentrationReportView.as_view(),
        name="report_concentration",
    ),
    path(
        "reports/concentration/export/",
        report_views.ConcentrationExportView.as_view(),
        name="report_concentration_export",
    ),
    path(
        "reports/concentration/snapshot/",
        report_views.ConcentrationSnapshotView.as_view(),
        name="report_concentration_snapshot",
    ),
    path("reports/departure/<int:pk>/", report_views.DepartureReportView.as_view(), name="report_departure"),
    path(
        "reports/departure/<int:pk>/export/",
        report_views.DepartureExportView.as_view(),
        name="report_departure_export",
    ),
]

# The sensitive-word dictionary (baton/risk/views_phrases.py).
from baton.risk import views_phrases  # noqa: E402

urlpatterns += [
    path("phrases/", views_phrases.PhraseListView.as_view(), name="phrase_list"),
    path("phrases/<int:pk>/", views_phrases.PhraseEditView.as_view(), name="phrase_edit"),
    path("phrases/<int:pk>/delete/", views_phrases.PhraseDeleteView.as_view(), name="phrase_delete"),
]
