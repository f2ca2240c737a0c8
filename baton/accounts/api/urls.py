from django.urls import path
from rest_framework.routers import SimpleRouter

from baton.accounts.api import views

router = SimpleRouter()
router.register("accounts", views.AccountViewSet, basename="account")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("auth/me/", views.MeView.as_view(), name="auth-me"),
    path("auth/logout-everywhere/", views.LogoutEverywhereView.as_view(), name="auth-logout-everywhere"),
    path("auth/password/", views.PasswordChangeView.as_view(), name="auth-password"),
    *router.urls,
]
