from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    """The office's services: departments, guide pages, the forms library and the case queue."""

    name = "services"
    verbose_name = _("Services")

    def ready(self):
        # Imported here: the image model and the receiver need the app registry to be ready.
        from wagtail.images import get_image_model

        from services.image_metadata import clean_new_image_file

        pre_save.connect(clean_new_image_file, sender=get_image_model(), dispatch_uid="clean_new_image_file")
