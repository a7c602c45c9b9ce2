from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Figures, the public dashboard, open data, monthly reports and page-view counts."""

    name = "services.reporting"
    label = "reporting"
    verbose_name = _("Reporting")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: stats imports models, which need the app registry.
        from services.reporting import stats

        post_save.connect(stats.case_event_saved, sender="cases.CaseEvent", dispatch_uid="stats_case_event_saved")
