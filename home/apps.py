from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """Home page, news and announcements, standard pages, site settings, navigation, search."""

    name = "home"
    verbose_name = _("Home and news")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.documents import get_document_model
        from wagtail.models import Page
        from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

        from home import search
        from home.templatetags.home_tags import invalidate_navigation

        # Keep the Thai-aware search index in step with what visitors can see.
        page_published.connect(search.on_page_published, dispatch_uid="home_search_published")
        page_unpublished.connect(search.on_page_unpublished, dispatch_uid="home_search_unpublished")
        document = get_document_model()
        post_save.connect(search.on_document_saved, sender=document, dispatch_uid="home_search_doc_saved")
        post_delete.connect(search.on_document_deleted, sender=document, dispatch_uid="home_search_doc_deleted")

        # Menus and footer links are cached: any change to what pages are live, or where, clears them.
        for signal, uid in (
            (page_published, "published"),
            (page_unpublished, "unpublished"),
            (post_page_move, "moved"),
            (page_slug_changed, "slug"),
        ):
            signal.connect(invalidate_navigation, dispatch_uid=f"home_nav_{uid}")
        post_delete.connect(invalidate_navigation, sender=Page, dispatch_uid="home_nav_deleted")
