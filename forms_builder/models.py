"""Form pages editors build, and what residents send through them.

A Submission never depends on the page staying as it was: it keeps a snapshot of the form
definition (labels, options, types) taken at submit time, and the page link is SET_NULL. Editors
can reword, reorder or delete a form without breaking a single old submission.
"""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from forms_builder.admin_forms import FormPageAdminForm
from forms_builder.blocks import StepBlock
from forms_builder.slugs import slugify_keep_marks, validate_short_code, validate_slug_keeping_marks
from forms_builder.storage import get_private_storage
from portal.pages import ViewRestrictionsMixin

# No 0/O, 1/I/L: codes are read aloud over the phone and typed by elderly residents.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def random_code(length=8):
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_short_code():
    """A free six-character code: about 900 million of them, so a clash is retried, not feared."""
    while True:
        code = random_code(6)
        if not FormPage.objects.filter(short_code__iexact=code).exists():
            return code


class FormIndexPage(ViewRestrictionsMixin, Page):
    """The list of every online form; the parent that keeps form pages together."""

    intro = models.TextField(_("intro"), blank=True, help_text=_("A sentence above the list of forms."))

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["forms_builder.FormPage"]
    max_count_per_parent = 1
    template = "forms_builder/form_index_page.html"

    class Meta:
        verbose_name = _("form index page")

    def route(self, request, path_components):
        """One query to the form page (Page.route would fetch the base row, then the specific one)."""
        if path_components:
            child = FormPage.objects.child_of(self).filter(slug=path_components[0]).select_related("locale").first()
            if child is not None and child.live:
                return child.route(request, path_components[1:])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["forms"] = self.get_children().live().public().specific().order_by("title")
        return context


class FormPage(ViewRestrictionsMixin, RoutablePageMixin, Page):
    """A multi-step form built in the admin; the wizard (forms_builder.wizard) runs it."""

    intro = models.TextField(
        _("intro"), blank=True, help_text=_("What the form is for and what to have ready, in one or two sentences.")
    )
    short_code = models.CharField(
        _("short link code"),
        max_length=60,
        blank=True,
        db_index=True,
        validators=[validate_short_code],
        help_text=_(
            "The /f/<code> link printed on QR stickers. Made for you when left empty. It can be changed "
            "until a poster or sticker sheet is downloaded; after that it stays, so printed codes keep working."
        ),
    )
    short_code_printed_at = models.DateTimeField(
        _("short code first printed"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When a QR poster or sticker sheet with this code was first downloaded."),
    )
    steps = StreamField(
        [("step", StepBlock())],
        verbose_name=_("steps"),
        help_text=_("One screen per step, in order. A check-your-answers screen is added at the end."),
    )
    next_steps = RichTextField(
        _("what happens next"),
        blank=True,
        features=["bold", "link", "ul", "ol"],
        help_text=_("Shown on the confirmation page and the receipt."),
    )
    expected_date_label = models.CharField(
        _("expected date wording"),
        max_length=100,
        blank=True,
        help_text=_(
            "Words before the expected date on the confirmation page when 'Expected to be completed by' would "
            "mislead, e.g. 'Registration checked by' for an allowance paid from October."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("steps"),
        FieldPanel("next_steps"),
        FieldPanel("expected_date_label"),
    ]
    promote_panels = [*Page.promote_panels, MultiFieldPanel([FieldPanel("short_code")], heading=_("QR sticker"))]

    parent_page_types = ["forms_builder.FormIndexPage"]
    subpage_types = []
    template = "forms_builder/form_page.html"
    base_form_class = FormPageAdminForm
    # A copy is another form: it gets its own code (a translation keeps it, see copy_for_translation).
    exclude_fields_in_copy = ["short_code", "short_code_printed_at"]

    class Meta:
        verbose_name = _("form page")

    def _set_core_field_defaults(self):
        # Wagtail would slugify the title with Django's slugify, which drops Thai tone marks.
        if not self.slug and self.title and (self.path or getattr(self, "_cached_parent_obj", None)):
            base = slugify_keep_marks(self.title)
            if base:
                self.slug = self._get_autogenerated_slug(base)
        super()._set_core_field_defaults()

    def clean_fields(self, exclude=None):
        # Page.slug's validator refuses combining marks; ours accepts them (forms_builder.slugs).
        super().clean_fields(exclude={*(exclude or ()), "slug"})
        try:
            validate_slug_keeping_marks(self.slug)
        except ValidationError as error:
            raise ValidationError({"slug": error.messages}) from None

    def give_short_code(self):
        """Translations share their form's code (and its printed state); a new form gets a new one."""
        if self.short_code:
            return
        shared = (
            FormPage.objects.filter(translation_key=self.translation_key)
            .exclude(pk=self.pk)
            .exclude(short_code="")
            .values_list("short_code", "short_code_printed_at")
            .first()
        )
        if shared:
            self.short_code, self.short_code_printed_at = shared
        else:
            self.short_code = new_short_code()

    def clean(self):
        super().clean()
        self.give_short_code()
        printed_code = None
        if self.pk:
            printed = FormPage.objects.filter(pk=self.pk, short_code_printed_at__isnull=False)
            printed_code = printed.values_list("short_code", flat=True).first()
        if printed_code and printed_code != self.short_code:
            raise ValidationError(
                {
                    "short_code": _(
                        "A QR poster with %(code)s has been downloaded and may be printed: the code cannot change."
                    )
                    % {"code": printed_code}
                }
            )
        clash = FormPage.objects.filter(short_code__iexact=self.short_code).exclude(
            translation_key=self.translation_key
        )
        if clash.exists():
            raise ValidationError({"short_code": _("Another form already uses this short link code.")})

    def save(self, *args, **kwargs):
        self.give_short_code()
        return super().save(*args, **kwargs)

    def with_content_json(self, content):
        """A revision restores the page's content, never an older short code once one is printed."""
        page = super().with_content_json(content)
        page.short_code_printed_at = self.short_code_printed_at
        if self.short_code_printed_at:
            page.short_code = self.short_code
        return page

    def mark_short_code_printed(self):
        """Called when a poster or sticker sheet is downloaded: from now on the code stays.
        All translations share the code, so all of them are marked."""
        FormPage.objects.filter(translation_key=self.translation_key, short_code_printed_at__isnull=True).update(
            short_code_printed_at=timezone.now()
        )

    @property
    def short_url(self):
        return f"/f/{self.short_code}"

    # The wizard owns every request to the page; the routes only name the screens.
    @path("", name="wizard")
    def wizard_route(self, request):
        from forms_builder.wizard import FormWizardView

        return FormWizardView.for_page(self)(request)

    @path("resume/", name="resume_code")
    def resume_by_code(self, request):
        from forms_builder.views import resume_by_code

        return resume_by_code(request, self)

    @path("resume/<str:token>/", name="resume")
    def resume_by_token(self, request, token):
        from forms_builder.views import resume_by_token

        return resume_by_token(request, self, token)

    @path("saved/", name="saved")
    def saved_route(self, request):
        from forms_builder.views import saved

        return saved(request, self)

    @path("sent/<str:reference>/", name="confirmation")
    def confirmation_route(self, request, reference):
        from forms_builder.views import confirmation

        return confirmation(request, self, reference)

    @property
    def post_url(self):
        """The lean URL the wizard's steps post to (see forms_builder.views.wizard_post)."""
        from django.urls import reverse
        from django.utils import translation

        with translation.override(self.locale.language_code):
            return reverse("form_wizard", kwargs={"page_id": self.pk})

    def subpage_url(self, name, **kwargs):
        return self.url + self.reverse_subpage(name, kwargs=kwargs)


class Submission(models.Model):
    """One completed form, as the resident sent it. The case queue opens a case from it.

    `answers` maps field keys to JSON values; `form_snapshot` is the definition they answered,
    so both can be displayed forever, whatever happens to the page.
    """

    class Channel(models.TextChoices):
        WEB = "web", _("Online, by the resident")
        COUNTER = "counter", _("At the counter")
        VOLUNTEER = "volunteer", _("Through a volunteer")
        PHONE = "phone", _("By phone")

    form_page = models.ForeignKey(
        FormPage, verbose_name=_("form"), null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions"
    )
    form_title = models.CharField(_("form title"), max_length=255)
    form_snapshot = models.JSONField(_("form definition at submit time"), default=dict)
    answers = models.JSONField(_("answers"), default=dict)
    language = models.CharField(_("language"), max_length=8, default="th")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="filed_submissions",
        help_text=_("The staff member or volunteer who filled the form for a resident."),
    )
    contact_name = models.CharField(_("contact name"), max_length=255, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    location_text = models.CharField(_("location as typed"), max_length=500, blank=True)
    consent_version = models.CharField(_("privacy notice version"), max_length=40, blank=True)
    reference = models.CharField(_("reference"), max_length=40, blank=True, db_index=True)
    expected_date = models.DateField(_("expected completion"), null=True, blank=True)
    tracking_url = models.CharField(_("tracking link"), max_length=300, blank=True)
    wizard_token = models.CharField(
        max_length=40, unique=True, editable=False, help_text=_("One per filling: a replayed submit is refused.")
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=["web", "counter", "volunteer", "phone"]), name="fb_submission_channel"
            ),
            models.CheckConstraint(
                condition=models.Q(channel="web") | models.Q(filed_by__isnull=False),
                name="fb_submission_filed_by_for_assisted",
            ),
        ]

    def __str__(self):
        return f"{self.reference or self.pk} · {self.form_title}"

    def display_answers(self):
        """[(step title, [(label, display value), ...]), ...] from the snapshot, for people."""
        from forms_builder.fields import display_answers

        return display_answers(self.form_snapshot, self.answers, files=list(self.files.all()))


class SubmissionFile(models.Model):
    """An uploaded file, checked by content and stripped of metadata, in private storage."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="files")
    field_key = models.CharField(_("field"), max_length=64)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    file = models.FileField(_("file"), storage=get_private_storage, upload_to="submissions/%Y/%m/", max_length=255)

    class Meta:
        verbose_name = _("submitted file")
        verbose_name_plural = _("submitted files")

    def __str__(self):
        return self.original_name


class PendingUpload(models.Model):
    """A file accepted on a step before the form is sent: kept across errors, Back and resume.

    `owner` is the wizard's random token: the step form only offers a filling its own uploads,
    so a tampered id can never attach someone else's file.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.CharField(max_length=40, db_index=True)
    field_key = models.CharField(max_length=64)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    file = models.FileField(storage=get_private_storage, upload_to="pending/%Y/%m/", max_length=255)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("upload in progress")
        verbose_name_plural = _("uploads in progress")

    def __str__(self):
        return self.original_name


class Draft(models.Model):
    """A form saved half-way. Residents come back with the link or the short code."""

    form_page = models.ForeignKey(FormPage, on_delete=models.CASCADE, related_name="drafts")
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe, editable=False)
    code = models.CharField(max_length=12, unique=True, default=random_code, editable=False)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("saved draft")
        verbose_name_plural = _("saved drafts")

    def __str__(self):
        return self.code
