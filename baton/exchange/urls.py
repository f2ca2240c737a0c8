from django.urls import path

from baton.exchange import views

app_name = "exchange"
urlpatterns = [
    path("imports/", views.ImportListView.as_view(), name="import_list"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/confirm/", views.ImportConfirmView.as_view(), name="import_confirm"),
    path("review/", views.ReviewQueueView.as_view(), name="review_list"),
    path("review/<int:pk>/", views.ReviewItemView.as_view(), name="review_detail"),
    path("review/<int:pk>/assign/", views.ReviewAssignView.as_view(), name="review_assign"),
    path("review/<int:pk>/discard/", views.ReviewDiscardView.as_view(), name="review_discard"),
    path("exports/", views.ExportListView.as_view(), name="export_list"),
    path("exports/<int:pk>/download/", views.ExportDownloadView.as_view(), name="export_download"),
    path("approvals/", views.ApprovalListView.as_view(), name="approval_list"),
    path("approvals/<int:pk>/decide/", views.ApprovalDecideView.as_view(), name="approval_decide"),
]
