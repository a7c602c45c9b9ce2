from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpConfig(AppConfig):
    """Help where people get stuck (issue 22): the "Need help?" box on every e-form step and the
    tracking page, and the staff handbook in the admin's help menu. It reads who helps from the
    catalogue (the service's unit and counters) and the office's details; its one model is the
    volunteers who agreed to be named in the box, by community (models.py)."""

    name = "services.help"
    label = "portal_help"
    verbose_name = _("Help")
