"""The questionnaire: four questions on one 1–5 scale with words, and a capped comment.

Radio buttons with their words (not stars drawn by JavaScript): they work on any phone, without
JavaScript, and a screen reader reads each answer. Thai and full-width digits posted by a script
or an old phone keyboard are read as digits.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.i18n import ascii_digits
from portal.typed_text import TypedTextField
from services.feedback.models import COMMENT_MAX_LENGTH


def _scale(worst, best):
    """Five answers, best first, each with words: the number alone means little on a phone."""
    return [
        (5, best),
        (4, _("4 – Good")),
        (3, _("3 – Fair")),
        (2, _("2 – Poor")),
        (1, worst),
    ]


class ScoreField(forms.TypedChoiceField):
    widget = forms.RadioSelect

    def __init__(self, label, worst, best):
        super().__init__(
            label=label,
            choices=_scale(worst, best),
            coerce=int,
            error_messages={
                "required": _("Choose one answer from 1 to 5."),
                "invalid_choice": _("Choose one answer from 1 to 5."),
            },
        )

    def to_python(self, value):
        return super().to_python(ascii_digits(value) if isinstance(value, str) else value)


class QuestionnaireForm(forms.Form):
    ease = ScoreField(_("How easy was it to get what you needed?"), _("1 – Very hard"), _("5 – Very easy"))
    speed = ScoreField(_("How quickly was it done?"), _("1 – Very slow"), _("5 – Very quick"))
    staff = ScoreField(_("How were our staff?"), _("1 – Very poor"), _("5 – Very good"))
    overall = ScoreField(_("Overall, how satisfied are you?"), _("1 – Very dissatisfied"), _("5 – Very satisfied"))
    comment = TypedTextField(
        label=_("Comment (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].help_text = _("Up to %(count)s characters.") % {"count": f"{COMMENT_MAX_LENGTH:,}"}

    def clean_comment(self):
        """Checked here, not with the field's max_length, so the message says how much to cut in
        the page's language; the textarea carries no maxlength either, so a pasted text is not
        silently cut short by the browser."""
        comment = self.cleaned_data["comment"]
        if len(comment) > COMMENT_MAX_LENGTH:
            raise ValidationError(
                _("Your comment is %(length)s characters long; please shorten it to %(limit)s characters or fewer."),
                code="max_length",
                params={"length": f"{len(comment):,}", "limit": f"{COMMENT_MAX_LENGTH:,}"},
            )
        return comment


class VisitForm(QuestionnaireForm):
    """The counter QR's questionnaire: which department was visited (and, if the visitor knows,
    which service), then the same questions."""

    department = forms.TypedChoiceField(
        label=_("Which department did you visit?"),
        coerce=int,
        error_messages={
            "required": _("Choose the department you visited."),
            "invalid_choice": _("Choose the department you visited."),
        },
    )
    service = forms.TypedChoiceField(label=_("Which service? (optional)"), coerce=int, required=False, empty_value=None)
    field_order = ["department", "service", "ease", "speed", "staff", "overall", "comment"]

    def __init__(self, *args, departments=(), services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("Choose a department")), *departments]
        self.fields["service"].choices = [("", _("Not sure / another service")), *services]
