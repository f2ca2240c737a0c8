from django.urls import path
from rest_framework.routers import SimpleRouter

from baton.offboarding.api import documents, views

router = SimpleRouter()
router.register("offboarding/cases", views.CaseViewSet, basename="offboarding-case")
router.register("revisits", views.RevisitViewSet, basename="revisit")

urlpatterns = [
    *router.urls,
    # The PDF downloads (baton/offboarding/api/documents.py).
    path(
        "offboarding/cases/<int:pk>/certificate/",
        documents.CertificateView.as_view(),
        name="offboarding-case-certificate",
    ),
    path(
        "offboarding/cases/<int:pk>/evidence-package/",
        documents.EvidencePackageView.as_view(),
        name="offboarding-case-evidence-package",
    ),
]
