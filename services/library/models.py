"""The template library's page tree and the record of what each office adopted from it.

The templates are real pages: a `LibraryRootPage` directly under the tree root, belonging to no
site (so no office's visitors ever reach it), holds a service catalogue of guide templates and a
forms index of e-form templates — the same page types offices use, so a template is edited with
the same editor and copied with Wagtail's page copy. `load_template_library` builds the tree;
platform editors (the "Template library editors" group, page permissions on the library root)
keep it up to date, and a published revision is a new version of a template.
"""

from django.conf import settings
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Site


class LibraryRootPage(Page):
    """The top of the template library. Its children (the guide and form template indexes) are
    made by `load_template_library`: their own page types only allow a home page above them."""

    intro = models.TextField(
        _("intro"), blank=True, help_text=_("What the library holds and who keeps it, for platform editors.")
    )

    content_panels = [*Page.content_panels, "intro"]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["services.ServiceIndexPage", "forms_builder.FormIndexPage"]
    max_count = 1
    preview_modes = []

    class Meta:
        verbose_name = _("template library")

    def serve(self, request, *args, **kwargs):
        # The library belongs to no site; should a site ever point here, it is not a public page.
        raise Http404


class Adoption(models.Model):
    """An office's copy of a library template: which guide (and form) it came from, at which
    published revision, so the office sees when the template has changed since.

    One adoption per office and template: adopting twice is refused. When the office deletes its
    copy, the record stays with empty page links and the template can be adopted again."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="adoptions", help_text=_("The office that adopted the template.")
    )
    template = models.ForeignKey(
        "services.ServicePage",
        null=True,
        on_delete=models.SET_NULL,
        related_name="adoptions",
        help_text=_("The guide template in the library."),
    )
    template_title = models.CharField(_("template"), max_length=255, help_text=_("The template's title when adopted."))
    template_revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The template's published revision that was copied."),
    )
    form_template = models.ForeignKey(
        "forms_builder.FormPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adoptions",
        help_text=_("The e-form template the guide linked to, if any."),
    )
    form_template_revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The form template's published revision that was copied."),
    )
    guide = models.ForeignKey(
        "services.ServicePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adopted_from",
        help_text=_("The office's copy of the guide."),
    )
    form = models.ForeignKey(
        "forms_builder.FormPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adopted_from",
        help_text=_("The office's copy of the e-form."),
    )
    adopted_at = models.DateTimeField(_("adopted"), auto_now_add=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        constraints = [
            models.UniqueConstraint(fields=["site", "template"], name="library_adopt_template_once_per_office"),
        ]

    def __str__(self):
        return f"{self.template_title} → {self.site}"
