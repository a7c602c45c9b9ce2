"""Public URLs of local taxes, inside i18n_patterns (/<lang>/tax/…): pages taxpayers read."""

from django.urls import path

from services.taxes import views

urlpatterns = [
    path("tax/", views.lookup, name="tax_lookup"),
    path("tax/accounts/<int:pk>/", views.account, name="tax_account"),
    path("tax/bills/<str:number>/", views.invoice, name="tax_invoice"),
    path("tax/bills/<str:number>/slip", views.invoice_slip, name="tax_invoice_slip"),
    path("tax/bills/<str:number>/receipt.pdf", views.invoice_receipt, name="tax_invoice_receipt"),
]
