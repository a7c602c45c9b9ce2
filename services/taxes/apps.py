from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxesConfig(AppConfig):
    """Local taxes: land-and-building and signboard tax accounts, their yearly assessments imported
    from the office's tax system, paid like household fees (PromptPay QR, slip, receipt)."""

    name = "services.taxes"
    label = "taxes"
    verbose_name = _("Local taxes")
    default_auto_field = "django.db.models.BigAutoField"
