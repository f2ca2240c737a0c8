from django.urls import path

from baton.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.AuditEventListView.as_view(), name="event_list"),
    path(
        "object/<str:object_type>/<path:object_id>/", views.ObjectHistoryView.as_view(), name="object_history"
    ),
    path("verify/", views.AuditVerifyView.as_view(), name="verify"),
]
