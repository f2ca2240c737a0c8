from rest_framework.routers import SimpleRouter

from baton.exchange.api import views

router = SimpleRouter()
router.register("imports", views.ImportViewSet, basename="import")
router.register("review-queue", views.ReviewItemViewSet, basename="review-item")
router.register("exports", views.ExportViewSet, basename="export")

urlpatterns = router.urls
