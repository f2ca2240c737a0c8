from django.urls import path

from baton.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.AlertListView.as_view(), name="alert_list"),
    path("<int:pk>/", views.AlertDetailView.as_view(), name="alert_detail"),
    # The earlier address of the transition form; the detail page posts to itself.
    path("<int:pk>/transition/", views.AlertTransitionView.as_view(), name="alert_transition"),
]
