"""Open311 GeoReport v2 endpoints (outside i18n_patterns: /open311/v2/...)."""

from django.urls import path

from services.open311 import views as open311

urlpatterns = [
    path("discovery.<str:fmt>", open311.discovery, name="open311_discovery"),
    path("services.<str:fmt>", open311.service_list, name="open311_services"),
    path("services/<slug:code>.<str:fmt>", open311.service_definition, name="open311_service"),
    path("requests.<str:fmt>", open311.requests_view, name="open311_requests"),
    path("requests/<str:reference>.<str:fmt>", open311.request_detail, name="open311_request"),
]
