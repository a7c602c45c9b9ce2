from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    """An office's areas (communities, หมู่บ้าน, zones) as polygons: where a report lies, and
    which team its area's rules send it to."""

    name = "services.areas"
    label = "areas"
    verbose_name = _("Areas")
    default_auto_field = "django.db.models.BigAutoField"
