"""The form pages editors build: the index of forms and the multi-step FormPage.

What residents send through them (Submission, SubmissionFile, PendingUpload, Draft) lives in
forms_builder.submissions, under the wizard and the screens this page routes to; it is imported
here so Django registers those models with this app and `forms_builder.models.Submission` stays
the path the other rooms use.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from forms_builder import views
from forms_builder.admin_forms import FormPageAdminForm
from forms_builder.blocks import StepBlock
from forms_builder.slugs import random_code, slugify_keep_marks, validate_short_code, validate_slug_keeping_marks
from forms_builder.submissions import Draft, PendingUpload, Submission, SubmissionFile
from forms_builder.wizard import FormWizardView
from portal.pages import ViewRestrictionsMixin

__all__ = ["Draft", "FormIndexPage", "FormPage", "PendingUpload", "Submission", "SubmissionFile", "new_short_code"]


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
        return FormWizardView.for_page(self)(request)

    @path("resume/", name="resume_code")
    def resume_by_code(self, request):
        return views.resume_by_code(request, self)

    @path("resume/<str:token>/", name="resume")
    def resume_by_token(self, request, token):
        return views.resume_by_token(request, self, token)

    @path("saved/", name="saved")
    def saved_route(self, request):
        return views.saved(request, self)

    @path("sent/<str:reference>/", name="confirmation")
    def confirmation_route(self, request, reference):
        return views.confirmation(request, self, reference)

    @property
    def post_url(self):
        """The lean URL the wizard's steps post to (see forms_builder.links.wizard_post)."""
        with translation.override(self.locale.language_code):
            return reverse("form_wizard", kwargs={"page_id": self.pk})

    def subpage_url(self, name, request=None, **kwargs):
        """A screen of the form's; with the request, relative on the form's own site (Wagtail's
        `url` alone is absolute once an install holds several sites)."""
        return self.get_url(request) + self.reverse_subpage(name, kwargs=kwargs)
