from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    """The officers' phone view (issue 21, item 1): their open jobs by deadline and distance, the
    place and the resident's photos, before/after photos from the phone's camera, a note and
    "done". It owns no table: photos go to the case room's evidence, changes through its workflow."""

    name = "services.field"
    label = "field"
    verbose_name = _("Field work")
    default_auto_field = "django.db.models.BigAutoField"
