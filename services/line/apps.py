from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class LineConfig(AppConfig):
    """Residents report and track through the office's LINE Official Account: the Messaging API
    webhook, the chat that files a report, and the rich menu."""

    name = "services.line"
    label = "line"
    verbose_name = _("LINE Official Account")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: the receivers' module imports models, which need the app registry.
        from services.line import channel

        post_save.connect(
            channel.channel_settings_created, sender="notifications.NotificationSettings", dispatch_uid="line-channel"
        )
