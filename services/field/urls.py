"""The field view, inside the language prefix (/th/field/, /en/field/)."""

from django.urls import path

from services.field import views

urlpatterns = [
    path("field/", views.jobs, name="field_jobs"),
    path("field/<int:pk>/", views.job, name="field_job"),
    path("field/<int:pk>/photos/<int:photo_id>/", views.photo, name="field_photo"),
]
