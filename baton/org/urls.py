from django.urls import path

from baton.org import views

app_name = "org"
urlpatterns = [
    path("", views.OrgChartView.as_view(), name="chart"),
    path("departments/<int:pk>/", views.DepartmentDetailView.as_view(), name="department_detail"),
    path("teams/<int:pk>/", views.TeamDetailView.as_view(), name="team_detail"),
    path("employees/", views.EmployeeListView.as_view(), name="employee_list"),
    path("employees/new/", views.EmployeeCreateView.as_view(), name="employee_create"),
    path("employees/<int:pk>/", views.EmployeeDetailView.as_view(), name="employee_detail"),
    path("employees/<int:pk>/reveal/", views.EmployeeRevealView.as_view(), name="employee_reveal"),
    path("employees/<int:pk>/edit/", views.EmployeeEditView.as_view(), name="employee_edit"),
    path("employees/<int:pk>/status/", views.EmployeeStatusView.as_view(), name="employee_status"),
]
