from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The project itself as an app, so its shared template tags and commands are found."""

    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # Imported here, not at the top: the page cache, the schedules and the offices import Wagtail's and
        # django-q2's models, which Django loads only after every app's config (this is one).
        from wagtail.models import Site

        from portal import offices, pagecache, schedules

        pagecache.connect()
        post_migrate.connect(schedules.schedule_after_migrate, dispatch_uid="portal_schedules")
        post_save.connect(offices.ensure_office, sender=Site, dispatch_uid="portal_site_is_an_office")
