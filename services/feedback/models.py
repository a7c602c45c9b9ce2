"""Residents' answers to the satisfaction questionnaire.

The single star rating of a finished request (Case.rating) told the office that people were
unhappy, never with what: the wait, the officer or the process. The questionnaire asks four
things on the same 1–5 scale, plus a comment. A request is answered once (a unique constraint,
so a double post or a second tab cannot count twice); a visit to the counter, which has no
request, is answered through the office's counter QR code and names the department visited.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

COMMENT_MAX_LENGTH = 2000
QUESTIONS = ("ease", "speed", "staff", "overall")
DEFAULT_MONTHLY_TARGET = 300


class Source(models.TextChoices):
    CASE = "case", _("After a request")
    COUNTER = "counter", _("Visit to the counter")
    RATING = "rating", _("Star rating (before the questionnaire)")


def _score(label, help_text, *, null=True):
    return models.PositiveSmallIntegerField(
        label,
        null=null,
        blank=null,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=help_text,
    )


class Answer(models.Model):
    """One resident's answers: after a request (`case` set, at most one per case) or after a
    visit to the counter (`case` empty, the department chosen on the form). Star ratings given
    before the questionnaire existed are kept as answers with only `overall`."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="feedback_answers")
    # One answer per request: the OneToOneField's unique constraint holds it in the database,
    # whatever double post or second tab reaches the view.
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
        help_text=_("The request answered about; empty for a visit to the counter."),
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.CASE)
    department = models.ForeignKey(
        "services.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_answers",
        help_text=_("The department of the request, or the one the visitor chose."),
    )
    service = models.ForeignKey(
        "services.ServicePage",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_answers",
        help_text=_("The service of the request, or the one the visitor chose, if any."),
    )
    service_title = models.CharField(
        _("service title"), max_length=255, blank=True, help_text=_("The service's name when the answer was given.")
    )
    ease = _score(_("ease"), _("How easy it was, 1 (very hard) to 5 (very easy)."))
    speed = _score(_("speed"), _("How quick it was, 1 (very slow) to 5 (very quick)."))
    staff = _score(_("staff"), _("How the staff were, 1 (very poor) to 5 (very good)."))
    overall = _score(_("overall"), _("Overall satisfaction, 1 (very unhappy) to 5 (very happy)."), null=False)
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(_("answered"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(overall__gte=1, overall__lte=5), name="feedback_overall_1_to_5"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"feedback_{name}_1_to_5",
                )
                for name in ("ease", "speed", "staff")
            ),
        ]
        indexes = [models.Index(fields=["site", "created_at"], name="feedback_site_created")]

    def __str__(self):
        return f"{self.get_source_display()} {self.created_at:%Y-%m-%d} ({self.overall}/5)"


@register_setting(icon="pick")
class FeedbackSettings(BaseSiteSetting):
    """The office's own target for its figures: each office decides how many people it means to
    serve a month, so the dashboard can show the month's users against it."""

    monthly_target = models.PositiveIntegerField(
        _("users a month: target"),
        default=DEFAULT_MONTHLY_TARGET,
        validators=[MinValueValidator(1)],
        help_text=_(
            "How many people the office means to serve a month (requests filed plus counter visits "
            "answered). The dashboard shows each month's users against it."
        ),
    )

    class Meta:
        verbose_name = _("satisfaction and usage target")
