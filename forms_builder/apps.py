from django.apps import AppConfig
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _

from forms_builder import storage


class FormsBuilderConfig(AppConfig):
    """The form engine: multi-step form pages, field types, the wizard, stored submissions.

    It knows nothing of cases: a finished submission is handed to the intake named in
    settings, which the case queue implements.
    """

    name = "forms_builder"
    verbose_name = _("E-forms")

    def ready(self):
        setting_changed.connect(storage.reset_when_settings_change, dispatch_uid="forms_builder_private_storage")
