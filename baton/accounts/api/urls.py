from django.urls import path

from baton.accounts.api import views

urlpatterns = [
    path("token/", views.TokenView.as_view(), name="auth-token"),
    path("me/", views.MeView.as_view(), name="auth-me"),
    path("logout-everywhere/", views.LogoutEverywhereView.as_view(), name="auth-logout-everywhere"),
]
