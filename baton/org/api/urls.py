from django.urls import path
from rest_framework.routers import SimpleRouter

from baton.org.api import views

router = SimpleRouter()
router.register("employees", views.EmployeeViewSet, basename="employee")
router.register("companies", views.CompanyViewSet, basename="company")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("teams", views.TeamViewSet, basename="team")
router.register("positions", views.PositionViewSet, basename="position")

urlpatterns = [
    path("org-tree/", views.OrgTreeView.as_view(), name="org-tree"),
    *router.urls,
]
