from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    """The office's services: departments, guide pages, the forms library and the case queue."""

    name = "services"
    verbose_name = _("Services")
