"""Demo content of the notifications room: the built-in wording as editable templates in Thai
and English (so editors find every message under Snippets → Notification templates), and an
executive address for the monthly report. Idempotent: existing templates are left as edited."""

from django.utils import translation

from services.cases.demo import office_of
from services.notifications.models import NotificationSettings, NotificationTemplate
from services.notifications.render import DEFAULTS


def load(site, out):
    created = 0
    for language in ("th", "en"):
        with translation.override(language):
            for event, (subject, body) in DEFAULTS.items():
                _row, made = NotificationTemplate.objects.get_or_create(
                    event=event,
                    language=language,
                    **office_of(NotificationTemplate, site),
                    defaults={"subject": str(subject), "body": str(body)},
                )
                created += made
    config = NotificationSettings.for_site(site)
    if not config.executive_emails:
        config.executive_emails = "mayor@bansuan.example.go.th"
        config.save()
    out.write(f"Notification templates: {created} created.\n")
