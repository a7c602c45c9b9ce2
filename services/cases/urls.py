"""Public URLs of the case queue. /t/<REFERENCE> sits outside the language prefix so the
reference printed on a receipt (and in its QR code) stays short; the page follows the visitor's
language."""

from django.urls import path

from services.cases import views

urlpatterns = [
    path("t/<str:reference>", views.case_track, name="case_track"),
    path("t/<str:reference>/files/<int:file_id>", views.case_file, name="case_file"),
    path("t/<str:reference>/photo", views.case_photo, name="case_photo"),
    path("t/<str:reference>/<slug:action>", views.case_action, name="case_action"),
]
