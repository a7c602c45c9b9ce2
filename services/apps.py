from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model

from services.image_metadata import clean_new_image_file


class ServicesConfig(AppConfig):
    """The catalogue: departments, categories, guide pages and the forms library. The areas built
    on it (cases, payments, notifications, privacy, reporting, open311) are apps inside services/."""

    name = "services"
    verbose_name = _("Services")

    def ready(self):
        # Imported here: both are models modules, which cannot load before the app registry.
        from wagtail.documents.models import document_served

        from services.models.guides import count_download

        pre_save.connect(clean_new_image_file, sender=get_image_model(), dispatch_uid="clean_new_image_file")
        document_served.connect(count_download, dispatch_uid="count_form_download")
