"""The public dashboard and its open data (inside i18n_patterns: /th/dashboard/, /en/dashboard/)."""

from django.urls import path

from services.reporting import views as views_dashboard

urlpatterns = [
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("dashboard/data/", views_dashboard.data_dictionary, name="dashboard_data_dictionary"),
    path("dashboard/data.csv", views_dashboard.data_csv, name="dashboard_data_csv"),
    path("dashboard/data.json", views_dashboard.data_json, name="dashboard_data_json"),
]
