"""The home page and the office's own details.

The office's name, contacts and social links are a site setting rather than code or
environment: one install may later serve several offices, each its own Wagtail Site.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page

from home.blocks import ServiceTileBlock
from portal.i18n import BilingualMixin


@register_setting(icon="site")
class OfficeSettings(BilingualMixin, BaseSiteSetting):
    """Who runs this site and how residents reach them: shown in every header and footer."""

    name = models.CharField(_("office name (Thai)"), max_length=200, help_text=_("e.g. เทศบาลตำบลบ้านสวน"))
    name_en = models.CharField(_("office name (English)"), max_length=200, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Square image, at least 128 × 128 pixels."),
    )
    address = models.TextField(_("address (Thai)"), blank=True)
    address_en = models.TextField(_("address (English)"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True, help_text=_("e.g. 0 5312 3456"))
    email = models.EmailField(_("email"), blank=True)
    opening_hours = models.CharField(
        _("opening hours (Thai)"), max_length=200, blank=True, help_text=_("e.g. จันทร์–ศุกร์ 08:30–16:30 น.")
    )
    opening_hours_en = models.CharField(_("opening hours (English)"), max_length=200, blank=True)
    line_id = models.CharField(
        _("LINE official account"), max_length=50, blank=True, help_text=_("The ID residents add, e.g. @bansuan")
    )
    facebook_url = models.URLField(_("Facebook page"), blank=True)
    youtube_url = models.URLField(_("YouTube channel"), blank=True)

    panels = [
        MultiFieldPanel([FieldPanel("name"), FieldPanel("name_en"), FieldPanel("logo")], heading=_("Office")),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("address_en"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("opening_hours"),
                FieldPanel("opening_hours_en"),
            ],
            heading=_("Contact"),
        ),
        MultiFieldPanel(
            [FieldPanel("line_id"), FieldPanel("facebook_url"), FieldPanel("youtube_url")], heading=_("Social")
        ),
    ]

    class Meta:
        verbose_name = _("office details")

    def __str__(self):
        return self.tr("name") or str(self.site)

    @property
    def line_url(self):
        return f"https://line.me/R/ti/p/{self.line_id}" if self.line_id else ""


class HomePage(Page):
    """The front door: what is urgent, the services people use most, and a way to track a request."""

    intro = models.CharField(
        _("welcome line"), max_length=250, blank=True, help_text=_("One sentence under the office name.")
    )
    announcement = models.CharField(
        _("urgent announcement"),
        max_length=300,
        blank=True,
        help_text=_("Shown in a banner at the top of the home page until it expires. Leave empty for none."),
    )
    announcement_link = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("announcement link"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional page with the details."),
    )
    announcement_expires = models.DateTimeField(
        _("announcement expires"), null=True, blank=True, help_text=_("After this time the banner disappears.")
    )
    service_tiles = StreamField(
        [("tile", ServiceTileBlock())],
        blank=True,
        verbose_name=_("most used services"),
        help_text=_("Up to eight tiles, most used first."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("announcement"), FieldPanel("announcement_link"), FieldPanel("announcement_expires")],
            heading=_("Urgent announcement"),
        ),
        FieldPanel("service_tiles"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    @property
    def active_announcement(self):
        if not self.announcement:
            return ""
        if self.announcement_expires and self.announcement_expires <= timezone.now():
            return ""
        return self.announcement
