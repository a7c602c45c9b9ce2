from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The project itself as an app, so its shared template tags and commands are found."""

    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # Imported here, not at the top: the page cache, the schedules and the offices import Wagtail's and
        # django-q2's models, which Django loads only after every app's config (this is one).
        from wagtail.models import Page, Site

        from portal import archived, office_admin, offices, pagecache, pages, schedules
        from portal.models import Office

        pagecache.connect()
        # Every link Wagtail builds scanned every office's root paths (see the function);
        # Wagtail offers no setting for it, so its method is replaced, with the same answers.
        Page._wagtail_relevant_site_root_paths = Page._get_relevant_site_root_paths
        Page._get_relevant_site_root_paths = pages.relevant_site_root_paths
        Page._wagtail_site_root_paths, Page._get_site_root_paths = Page._get_site_root_paths, pages.site_root_paths
        Page._wagtail_get_url, Page.get_url = Page.get_url, pages.page_url
        Page.url = property(pages.page_url)
        # The admin cut to each person's offices: Wagtail's permission policies narrowed, and
        # its users and groups viewsets swapped through the app config's documented seam
        # (set here rather than by a subclassed app config in INSTALLED_APPS, so settings keep
        # naming Wagtail's own apps).
        office_admin.register_policies()
        users_app = apps.get_app_config("wagtailusers")
        users_app.user_viewset = "portal.office_users.OfficeUserViewSet"
        users_app.group_viewset = "portal.office_users.OfficeGroupViewSet"
        post_migrate.connect(schedules.schedule_after_migrate, dispatch_uid="portal_schedules")
        post_save.connect(offices.ensure_office, sender=Site, dispatch_uid="portal_site_is_an_office")
        # Archiving or restoring an office changes every page of its host (the notice) and
        # whether it takes requests: the memo and the kept pages must not outlive it.
        post_save.connect(archived.office_changed, sender=Office, dispatch_uid="portal_office_changed")
