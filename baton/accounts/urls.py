from django.urls import path, re_path

from baton.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/mfa/", views.LoginMfaView.as_view(), name="login_mfa"),
    path("mfa/enrol/", views.MfaEnrolView.as_view(), name="mfa_enrol"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("logout/everywhere/", views.LogoutEverywhereView.as_view(), name="logout_everywhere"),
    path("security/", views.SecurityView.as_view(), name="security"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("manage/employees/<int:pk>/account/", views.AccountCreateView.as_view(), name="account_create"),
    re_path(
        r"^manage/(?P<pk>[0-9]+)/(?P<operation>freeze|unfreeze|reset-mfa|logout-everywhere)/$",
        views.AccountActionView.as_view(),
        name="account_action",
    ),
    path("tokens/<int:pk>/revoke/", views.ApiTokenRevokeView.as_view(), name="token_revoke"),
]
