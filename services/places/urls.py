"""Public reports: /<lang>/reports/ (list and map), /<lang>/reports/<REF>/, /<lang>/reports.geojson."""

from django.urls import path

from services.places import views

app_name = "places"
urlpatterns = [
    path("reports/", views.report_list, name="reports"),
    path("reports.geojson", views.reports_geojson, name="geojson"),
    path("reports/<str:reference>/", views.report_detail, name="report"),
    path("reports/<str:reference>/photo", views.report_photo, name="photo"),
    path("reports/<str:reference>/after-photo", views.report_after_photo, name="after_photo"),
]
