from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The project itself as an app, so its shared template tags and commands are found."""

    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal import pagecache

        pagecache.connect()
