from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

from forms_builder import signals as forms_signals
from services.cases import signals as case_signals


class NotificationsConfig(AppConfig):
    """Messages to residents and staff (e-mail, SMS, LINE) through one outbox."""

    name = "services.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: the receivers' module imports models, which need the app registry.
        from services.notifications import events

        post_save.connect(events.case_event_saved, sender="cases.CaseEvent", dispatch_uid="notify-case-event")
        forms_signals.draft_link_requested.connect(events.draft_link_requested, dispatch_uid="notify-draft-link")
        case_signals.tracking_code_requested.connect(
            events.tracking_code_requested, dispatch_uid="notify-tracking-code"
        )
