from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Residents' requests: references, intake, workflow, SLA, tracking and the staff queue."""

    name = "services.cases"
    label = "cases"
    verbose_name = _("Cases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import m2m_changed  # noqa: PLC0415 - AppConfig.ready imports

        from services.cases import stages  # noqa: PLC0415 - models are ready only now
        from services.cases.models import ApprovalRole  # noqa: PLC0415 - as above

        m2m_changed.connect(stages.members_changed, sender=ApprovalRole.members.through)
