from rest_framework.routers import SimpleRouter

from baton.authz.api import views

router = SimpleRouter()
router.register("roles", views.RoleViewSet, basename="role")
router.register("users", views.UserRolesViewSet, basename="user")

urlpatterns = router.urls
