from django.urls import path
from rest_framework.routers import SimpleRouter

from baton.audit.api import views

router = SimpleRouter()
router.register("audit/events", views.AuditEventViewSet, basename="audit-event")
router.register("audit/checkpoints", views.AuditCheckpointViewSet, basename="audit-checkpoint")

urlpatterns = [
    path("audit/verify/", views.AuditVerifyView.as_view(), name="audit-verify"),
    *router.urls,
]
