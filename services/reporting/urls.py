"""The public dashboards and their open data (inside i18n_patterns: /th/dashboard/, /en/dashboard/):
the office's own, and its province's (every office of a province side by side)."""

from django.urls import path

from services.reporting import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/data/", views.data_dictionary, name="dashboard_data_dictionary"),
    path("dashboard/data.csv", views.data_csv, name="dashboard_data_csv"),
    path("dashboard/data.json", views.data_json, name="dashboard_data_json"),
    path("dashboard/provinces/", views.province_list, name="province_list"),
    path("dashboard/province/", views.province_here, name="province_dashboard_here"),
    path("dashboard/province/<str:province>/", views.province_dashboard, name="province_dashboard"),
    path("dashboard/province/<str:province>/data.csv", views.province_csv, name="province_data_csv"),
    path("dashboard/province/<str:province>/data.json", views.province_json, name="province_data_json"),
]
