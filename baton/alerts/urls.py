from django.urls import path

from baton.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.AlertListView.as_view(), name="alert_list"),
    path("<int:pk>/transition/", views.AlertTransitionView.as_view(), name="alert_transition"),
]
