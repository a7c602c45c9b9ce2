"""Public URLs of fee payments. Case invoices sit under /t/<REFERENCE>/ like the tracking page
(outside the language prefix); household fees under /<lang>/pay/ (see portal/urls.py)."""

from django.urls import path

from services.payments import views

urlpatterns = [
    path("t/<str:reference>/invoices/<str:number>/", views.case_invoice, name="case_invoice"),
    path("t/<str:reference>/invoices/<str:number>/slip", views.case_invoice_slip, name="case_invoice_slip"),
    path(
        "t/<str:reference>/invoices/<str:number>/receipt.pdf", views.case_invoice_receipt, name="case_invoice_receipt"
    ),
]

# Inside i18n_patterns: the household lookup is a page residents read.
household_patterns = [
    path("pay/", views.household_lookup, name="household_lookup"),
    path("pay/<str:number>/", views.household_invoice, name="household_invoice"),
    path("pay/<str:number>/slip", views.household_invoice_slip, name="household_invoice_slip"),
    path("pay/<str:number>/receipt.pdf", views.household_invoice_receipt, name="household_invoice_receipt"),
]
