from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model
from wagtail.signals import page_published, page_unpublished


class HomeConfig(AppConfig):
    """Home page, news and announcements, standard pages, site settings, navigation, search."""

    name = "home"
    verbose_name = _("Home and news")

    def ready(self):
        # Here, not at the top: home.search imports home.models, which Django loads only after
        # every app's config (the one import inside a function this app keeps).
        from home import search

        # Keep the Thai-aware search index in step with what visitors can see.
        page_published.connect(search.on_page_published, dispatch_uid="home_search_published")
        page_unpublished.connect(search.on_page_unpublished, dispatch_uid="home_search_unpublished")
        document = get_document_model()
        post_save.connect(search.on_document_saved, sender=document, dispatch_uid="home_search_doc_saved")
        post_delete.connect(search.on_document_deleted, sender=document, dispatch_uid="home_search_doc_deleted")
