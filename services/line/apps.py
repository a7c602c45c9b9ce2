from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LineConfig(AppConfig):
    """Residents report and track through the office's LINE Official Account: the Messaging API
    webhook, the chat that files a report, and the rich menu."""

    name = "services.line"
    label = "line"
    verbose_name = _("LINE Official Account")
    default_auto_field = "django.db.models.BigAutoField"
