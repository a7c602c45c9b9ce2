"""Following a public report, and the one-click unfollow every message carries."""

from django.urls import path

from services.places import follow_views

app_name = "following"
urlpatterns = [
    path("reports/<str:reference>/follow/", follow_views.follow_report, name="follow"),
    # The token is django.core.signing's ("payload:timestamp:signature"), URL-safe.
    path("reports/unfollow/<str:token>/", follow_views.unfollow, name="unfollow"),
]
