from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    """Outside agencies (the electricity and water authorities, highways, police): an officer
    passes a case that is theirs to them; they follow it through a link, without an account."""

    name = "services.agencies"
    label = "agencies"
    verbose_name = _("Outside agencies")
    default_auto_field = "django.db.models.BigAutoField"
