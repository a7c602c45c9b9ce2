from django.urls import path

from services.line import views

urlpatterns = [
    path("webhook/", views.webhook, name="line_webhook"),
    path("webhook/<str:office>/", views.webhook, name="line_webhook_office"),
]
