from django.apps import AppConfig
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """PDPA: retention, anonymisation, data-subject requests and the access log."""

    name = "services.privacy"
    label = "privacy"
    verbose_name = _("Privacy")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: models need the app registry.
        from wagtail.models import ModelLogEntry, PageLogEntry

        from services.cases.models import CaseEvent
        from services.privacy.models import DataSubjectRequest, PersonalDataAccess, refuse_delete

        # The ORM refuses to delete a timeline entry, an admin log entry or an access record
        # (the database triggers of services/privacy/audit_sql.py refuse raw SQL too).
        for model in (CaseEvent, ModelLogEntry, PageLogEntry, PersonalDataAccess, DataSubjectRequest):
            pre_delete.connect(refuse_delete, sender=model, dispatch_uid=f"append-only-{model._meta.label}")
