from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from portal import schedules


class PortalConfig(AppConfig):
    """The project itself as an app, so its shared template tags and commands are found."""

    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # Imported here: the page cache connects to Wagtail's models, which need the registry.
        from portal import pagecache

        pagecache.connect()
        post_migrate.connect(schedules.schedule_after_migrate, dispatch_uid="portal_schedules")
