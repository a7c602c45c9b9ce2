"""Public URLs of issued documents, inside the language prefix (/th/v/…, /en/v/…). The QR code
prints the short /v/<code>, which the language middleware sends on to the reader's language."""

from django.urls import path

from services.documents import views

urlpatterns = [
    path("v/", views.verify, name="document_verify"),
    path("v/<str:code>", views.status, name="document_status"),
    path("v/<str:code>/pdf", views.resident_download, name="document_download"),
]
