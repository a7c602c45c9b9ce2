from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """Home page, news and announcements, standard pages, site settings, navigation, search."""

    name = "home"
    verbose_name = _("Home and news")
