from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class HelpConfig(AppConfig):
    """Help where people get stuck (issue 22): the "Need help?" box on every e-form step and the
    tracking page, and the staff handbook in the admin's help menu. It reads who helps from the
    catalogue (the service's unit and counters) and the office's details; its one model is the
    volunteers who agreed to be named in the box, by community (models.py)."""

    name = "services.help"
    label = "portal_help"
    verbose_name = _("Help")

    def ready(self):
        # Imported here: the receivers' module imports models, which need the app registry.
        from services.help import volunteers

        # A volunteer added, changed (withdrawn) or deleted, or a community renamed or deleted:
        # the box and the list show it on the next view (services.help.volunteers).
        for sender in ("portal_help.Volunteer", "areas.Area"):
            for signal in (post_save, post_delete):
                signal.connect(volunteers.changed, sender=sender, dispatch_uid=f"help-volunteers-{sender}-{signal}")
