from django.urls import path

from baton.offboarding import views

app_name = "offboarding"
urlpatterns = [
    path("", views.BoardView.as_view(), name="board"),
    path("new/", views.CaseOpenView.as_view(), name="case_open"),
    path("resign/", views.ResignView.as_view(), name="resign"),
    path("my/", views.MyHandoverView.as_view(), name="my_handover"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("items/<int:pk>/complete/", views.ItemCompleteView.as_view(), name="item_complete"),
    path("items/<int:pk>/confirm/", views.ItemConfirmView.as_view(), name="item_confirm"),
    path("items/<int:pk>/follow-up/", views.FollowUpUploadView.as_view(), name="follow_up_upload"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/decide/", views.DecisionView.as_view(), name="case_decide"),
    path("cases/<int:pk>/successor/", views.SuccessorView.as_view(), name="case_successor"),
    path("cases/<int:pk>/interview/", views.ExitInterviewView.as_view(), name="case_interview"),
    path("cases/<int:pk>/complete/", views.CompleteView.as_view(), name="case_complete"),
    path("cases/<int:pk>/withdraw/", views.WithdrawView.as_view(), name="case_withdraw"),
    path("cases/<int:pk>/plan/", views.PlanView.as_view(), name="plan"),
    path("cases/<int:pk>/plan/execute/", views.PlanExecuteView.as_view(), name="plan_execute"),
    path("revisits/", views.RevisitListView.as_view(), name="revisits"),
    path("revisits/<int:pk>/record/", views.RevisitRecordView.as_view(), name="revisit_record"),
    path("templates/", views.TemplateListView.as_view(), name="templates"),
    path("templates/<int:pk>/", views.TemplateEditView.as_view(), name="template_edit"),
    path(
        "templates/<int:pk>/items/new/", views.TemplateItemCreateView.as_view(), name="template_item_create"
    ),
    path("template-items/<int:pk>/", views.TemplateItemEditView.as_view(), name="template_item_edit"),
    path(
        "template-items/<int:pk>/delete/", views.TemplateItemDeleteView.as_view(), name="template_item_delete"
    ),
    path("settings/", views.PolicySettingsView.as_view(), name="settings"),
    # PDF downloads (baton/offboarding/documents.py) are appended below.
]

from baton.offboarding import document_views  # noqa: E402 - the PDF downloads, kept apart from the pages

urlpatterns += [
    path(
        "cases/<int:pk>/certificate.pdf", document_views.CertificatePdfView.as_view(), name="certificate_pdf"
    ),
    path("cases/<int:pk>/evidence.pdf", document_views.EvidencePdfView.as_view(), name="evidence_pdf"),
]
