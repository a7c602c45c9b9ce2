from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """Residents' satisfaction, measured (issue 22 §5): a short questionnaire after a request is
    done or after a visit to the counter, and its figures for the dashboard and the monthly
    report."""

    name = "services.feedback"
    label = "feedback"
    verbose_name = _("Satisfaction")
    default_auto_field = "django.db.models.BigAutoField"
