"""The resident's booking pages, mounted in the language-prefixed patterns (/th/booking/…)."""

from django.urls import path

from services.booking import views

urlpatterns = [
    path("booking/", views.services_list, name="booking_services"),
    path("booking/<int:pk>/", views.book, name="booking_book"),
    # The booking's own page: its secret is the only way in (a reference alone opens nothing).
    path("booking/b/<str:reference>/<str:secret>/", views.manage, name="booking_manage"),
]
