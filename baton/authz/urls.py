from django.urls import path

from baton.authz import views

app_name = "authz"
urlpatterns = [
    path("roles/", views.RoleListView.as_view(), name="role_list"),
    path("roles/<int:pk>/", views.RoleDetailView.as_view(), name="role_detail"),
    path("users/<int:pk>/roles/", views.UserRolesView.as_view(), name="user_roles"),
]
