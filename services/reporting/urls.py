"""The public dashboard and its open data (inside i18n_patterns: /th/dashboard/, /en/dashboard/)."""

from django.urls import path

from services.reporting import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/data/", views.data_dictionary, name="dashboard_data_dictionary"),
    path("dashboard/data.csv", views.data_csv, name="dashboard_data_csv"),
    path("dashboard/data.json", views.data_json, name="dashboard_data_json"),
]
