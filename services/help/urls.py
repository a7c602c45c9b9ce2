from django.urls import path

from services.help import views

urlpatterns = [
    path("help/", views.resident_guide, name="resident_guide"),
    path("help/volunteers/", views.volunteer_list, name="help_volunteers"),
]
