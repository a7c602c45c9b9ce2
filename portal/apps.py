from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from portal import schedules


class PortalConfig(AppConfig):
    """The project itself as an app, so its shared template tags and commands are found."""

    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # Imported here, not at the top: the page cache imports Wagtail's models, which Django loads
        # only after every app's config (this module is one of them).
        from portal import pagecache

        pagecache.connect()
        post_migrate.connect(schedules.schedule_after_migrate, dispatch_uid="portal_schedules")
