from django.apps import AppConfig
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _

# Append-only records, refused at the ORM level too. The database triggers
# (services/privacy/audit_sql.py) refuse raw SQL; this refuses Django's deletion collector,
# which bypasses Model.delete(). Deleting a case would delete its timeline, so a case cannot be
# deleted either: it is anonymised instead (services/privacy/personal_data.py). Named lazily
# ("app_label.Model"): models cannot be imported before the app registry is ready.
APPEND_ONLY = (
    "cases.CaseEvent",
    "wagtailcore.ModelLogEntry",
    "wagtailcore.PageLogEntry",
    "privacy.PersonalDataAccess",
    "privacy.DataSubjectRequest",
)


def refuse_delete(sender, instance, **kwargs):
    """pre_delete receiver (connected in PrivacyConfig.ready) of every append-only record."""
    raise TypeError(f"{sender._meta.verbose_name} records are append-only and cannot be deleted.")


class PrivacyConfig(AppConfig):
    """PDPA: retention, anonymisation, data-subject requests and the access log."""

    name = "services.privacy"
    label = "privacy"
    verbose_name = _("Privacy")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        for label in APPEND_ONLY:
            pre_delete.connect(refuse_delete, sender=label, dispatch_uid=f"append-only-{label}")
