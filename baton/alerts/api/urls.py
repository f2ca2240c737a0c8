from rest_framework.routers import SimpleRouter

from baton.alerts.api import views

router = SimpleRouter()
router.register("alerts", views.AlertViewSet, basename="alert")

urlpatterns = router.urls
