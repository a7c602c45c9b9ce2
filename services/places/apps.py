from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    """Problems in places, in public: the map and list of reports, "already reported here", and
    the people who follow a report."""

    name = "services.places"
    label = "places"
    verbose_name = _("Public reports")
    default_auto_field = "django.db.models.BigAutoField"
