from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from baton.core.policy import public_view

api_v1 = [
    path("", include("baton.accounts.api.urls")),
    path("", include("baton.org.api.urls")),
    path("", include("baton.authz.api.urls")),
    path("", include("baton.audit.api.urls")),
    path("", include("baton.alerts.api.urls")),
    path("", include("baton.risk.api.urls")),
    path("", include("baton.customers.api.urls")),
    path("", include("baton.exchange.api.urls")),
    path("", include("baton.offboarding.api.urls")),
    path("", include("baton.notifications.api.urls")),
]

urlpatterns = [
    path("", include("baton.core.urls")),
    path("accounts/", include("baton.accounts.urls")),
    path("org/", include("baton.org.urls")),
    path("authz/", include("baton.authz.urls")),
    path("audit/", include("baton.audit.urls")),
    path("alerts/", include("baton.alerts.urls")),
    path("risk/", include("baton.risk.urls")),
    path("customers/", include("baton.customers.urls")),
    path("exchange/", include("baton.exchange.urls")),
    path("offboarding/", include("baton.offboarding.urls")),
    path("notifications/", include("baton.notifications.urls")),
    path("i18n/setlang/", public_view(set_language), name="set_language"),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", public_view(SpectacularAPIView.as_view()), name="api-schema"),
    path("api/docs/", public_view(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
]
