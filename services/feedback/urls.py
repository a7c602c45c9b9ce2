"""The questionnaire's public URLs, under the language prefix (the page follows it)."""

from django.urls import path

from services.feedback import views

urlpatterns = [
    path("feedback/case/<str:reference>/", views.case_feedback, name="feedback_case"),
    path("feedback/visit/", views.visit_feedback, name="feedback_visit"),
]
