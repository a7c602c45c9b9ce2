from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    """The shared template library: guide and e-form templates platform editors keep, which an
    office adopts (copies into its own site) and is told when they change."""

    name = "services.library"
    label = "library"
    verbose_name = _("Template library")
    default_auto_field = "django.db.models.BigAutoField"
