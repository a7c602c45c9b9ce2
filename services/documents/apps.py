from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Issued documents (issue 20): permits, certificates and letters rendered from an office's
    templates, numbered from its register, signed with its certificate and verifiable by anyone
    at /v/<code>."""

    name = "services.documents"
    label = "documents"
    verbose_name = _("Issued documents")
    default_auto_field = "django.db.models.BigAutoField"
