"""The home page and the office's own details.

The office's name, contacts and social links are a site setting rather than code or
environment: one install may later serve several offices, each its own Wagtail Site.
"""

from django.core.cache import cache
from django.core.paginator import Paginator
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import AttachmentBlock, ServiceTileBlock, body_blocks
from portal.i18n import BilingualMixin
from portal.pages import ViewRestrictionsMixin


@register_setting(icon="site")
class OfficeSettings(BilingualMixin, BaseSiteSetting):
    """Who runs this site and how residents reach them: shown in every header and footer."""

    name = models.CharField(_("office name (Thai)"), max_length=200, help_text=_("e.g. เทศบาลตำบลบ้านสวน"))
    name_en = models.CharField(_("office name (English)"), max_length=200, blank=True)
    short_name = models.CharField(
        _("short name (Thai)"),
        max_length=30,
        blank=True,
        help_text=_("Shown under the icon on a phone's home screen: 12 characters or fewer fit, e.g. ทต.บ้านสวน"),
    )
    short_name_en = models.CharField(_("short name (English)"), max_length=30, blank=True)
    theme_colour = models.CharField(
        _("theme colour"),
        max_length=7,
        default="#0b5d3b",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour as # and six hex digits, e.g. #0b5d3b."))],
        help_text=_("The colour of the phone's title bar when the site is opened from its home-screen icon."),
    )
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
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("name_en"),
                FieldPanel("short_name"),
                FieldPanel("short_name_en"),
                FieldPanel("logo"),
                FieldPanel("theme_colour"),
            ],
            heading=_("Office"),
        ),
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

    @classmethod
    def for_site(cls, site):
        """Every page shows the office details: keep them in the cache instead of one query per page.
        Saving the settings clears the entry (see `save`)."""
        if site is None:
            return super().for_site(site)
        key = cls.cache_key(site.pk)
        instance = cache.get(key)
        if instance is None:
            instance = super().for_site(site)
            cache.set(key, instance, 3600)
        return instance

    @staticmethod
    def cache_key(site_id):
        return f"home:office-settings:{site_id}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(self.cache_key(self.site_id))

    def __str__(self):
        return self.tr("name") or str(self.site)

    @property
    def line_url(self):
        return f"https://line.me/R/ti/p/{self.line_id}" if self.line_id else ""


class HomePage(ViewRestrictionsMixin, Page):
    """The front door: what is urgent, the services people use most, the latest news and a way to track a request.

    The urgent banner is not typed here: it is the newest live news item flagged urgent whose
    expiry has not passed, so one announcement is written once and reaches the banner, the news
    list, the feeds and the search together.
    """

    intro = models.CharField(
        _("welcome line"), max_length=250, blank=True, help_text=_("One sentence under the office name.")
    )
    service_tiles = StreamField(
        [("tile", ServiceTileBlock())],
        blank=True,
        verbose_name=_("most used services"),
        help_text=_("Up to eight tiles, most used first."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("service_tiles")]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    LATEST_NEWS = 3

    @cached_property
    def _news(self):
        """The banner's urgent item and the latest news, fetched together in one query.

        The query returns the latest items plus any active urgent ones, in listing order; since
        the latest are a prefix of the full listing they are also the first rows here.
        """
        listing = NewsPage.listing(self.locale_id, root=self)
        latest_ids = listing.values("pk")[: self.LATEST_NEWS]
        items = list(listing.filter(models.Q(pk__in=latest_ids) | NewsPage.urgent_q()))
        now = timezone.now()
        urgent = next((i for i in items if i.urgent and (i.urgent_until is None or i.urgent_until > now)), None)
        return urgent, items[: self.LATEST_NEWS]

    @property
    def active_announcement(self):
        """The urgent news item for the banner, or None."""
        return self._news[0]

    def latest_news(self):
        return self._news[1]


class NewsCategory(models.TextChoices):
    """Kinds of news; procurement announcements (ประกาศจัดซื้อจัดจ้าง) must be findable on their own."""

    NEWS = "news", _("News")
    ANNOUNCEMENT = "announcement", _("Announcement")
    PROCUREMENT = "procurement", _("Procurement")
    EVENT = "event", _("Event")


class NewsIndexPage(ViewRestrictionsMixin, Page):
    """All news and announcements, newest first, filtered by category or tag, ten to a page."""

    intro = models.CharField(
        _("introduction"), max_length=300, blank=True, help_text=_("One or two sentences above the list.")
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.NewsPage"]
    max_count_per_parent = 1

    PER_PAGE = 10

    class Meta:
        verbose_name = _("news index")

    def route(self, request, path_components):
        """Fetch a news item as its own type in one query (Wagtail's default takes two), with
        the image's renditions its page and its link preview show."""
        if len(path_components) == 1:
            item = (
                NewsPage.objects.child_of(self)
                .filter(slug=path_components[0])
                .select_related("image")
                .prefetch_related("image__renditions")
                .first()
            )
            if item is not None:
                item._cached_parent_obj = self
                return item.route(request, [])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        category = request.GET.get("category", "")
        if category not in NewsCategory.values:
            category = ""
        tag = request.GET.get("tag", "")[:100]
        items = NewsPage.listing(self.locale_id).child_of(self)
        if category:
            items = items.filter(category=category)
        if tag:
            items = items.filter(tags__name=tag)
        tags = (
            NewsPageTag.objects.filter(
                content_object__locale_id=self.locale_id,
                content_object__live=True,
                content_object__path__startswith=self.path,  # this office's news only
            )
            .values_list("tag__name", flat=True)
            .distinct()
            .order_by("tag__name")
        )
        context.update(
            {
                "news_page": Paginator(items, self.PER_PAGE).get_page(request.GET.get("page")),
                "categories": NewsCategory.choices,
                "category": category,
                "tag": tag,
                "tags": list(tags[:30]),
            }
        )
        return context


class NewsPageTag(TaggedItemBase):
    """Free tags on news items (e.g. น้ำประปา, ถนน) that the news index filters by."""

    content_object = ParentalKey("home.NewsPage", related_name="tagged_items", on_delete=models.CASCADE)


class NewsPage(ViewRestrictionsMixin, Page):
    """One news item or announcement. Flag it urgent to put it in the home page banner until it expires."""

    date = models.DateField(_("date"), default=timezone.localdate, help_text=_("The date shown with the news item."))
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=NewsCategory.choices,
        default=NewsCategory.NEWS,
        help_text=_("Procurement announcements are listed under their own category."),
    )
    intro = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences; shown in lists, feeds and link previews.")
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown at the top and in LINE and Facebook previews; at least 1200 × 630 pixels."),
    )
    image_alt = models.CharField(
        _("image description"), max_length=200, blank=True, help_text=_("What the picture shows, for blind readers.")
    )
    body = StreamField(body_blocks(), blank=True, verbose_name=_("body"), help_text=_("The full text."))
    attachments = StreamField(
        [("attachment", AttachmentBlock())],
        blank=True,
        verbose_name=_("attachments"),
        help_text=_("Files to download, e.g. the announcement as signed, terms of reference, price tables."),
    )
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))
    urgent = models.BooleanField(
        _("urgent"), default=False, help_text=_("Show this item in the banner at the top of the home page.")
    )
    urgent_until = models.DateTimeField(
        _("urgent until"),
        null=True,
        blank=True,
        help_text=_("After this time the banner disappears (the news item stays). Empty: until unticked."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("category"),
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
        FieldPanel("body"),
        FieldPanel("attachments"),
        FieldPanel("tags"),
        MultiFieldPanel([FieldPanel("urgent"), FieldPanel("urgent_until")], heading=_("Home page banner")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["home.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(urgent=True) | models.Q(urgent_until__isnull=True),
                name="news_urgent_until_only_when_urgent",
            )
        ]

    @classmethod
    def listing(cls, locale_id, root=None):
        """Live public news of one language, newest first, without the heavy body; under `root`
        (an office's home page) when given, so one office never lists another's news."""
        items = cls.objects.live().public().filter(locale_id=locale_id)
        if root is not None:
            items = items.descendant_of(root)
        return items.defer_streamfields().order_by("-date", "-first_published_at", "-pk")

    @staticmethod
    def urgent_q():
        """Urgent and not yet expired: what feeds the home page banner."""
        return models.Q(urgent=True) & (models.Q(urgent_until__isnull=True) | models.Q(urgent_until__gt=timezone.now()))

    @classmethod
    def active_urgent(cls, locale_id, root=None):
        return cls.listing(locale_id, root=root).filter(cls.urgent_q()).first()

    def clean(self):
        super().clean()
        if self.urgent_until and not self.urgent:
            self.urgent_until = None

    def search_text(self):
        parts = [self.intro]
        for block in self.body:
            if block.block_type == "paragraph":
                parts.append(strip_tags(block.value.source))
            elif block.block_type == "heading":
                parts.append(block.value)
        parts += [str(tag) for tag in self.tags.all()]
        parts.append(str(self.get_category_display()))
        return "\n".join(p for p in parts if p)


class StandardPage(ViewRestrictionsMixin, Page):
    """About, executives, contacts, policies: pages editors write and place in the menus themselves.

    "Show in menus" (Promote tab) puts a top-level page in the header menu; "show in footer"
    puts it in the footer's links (privacy policy, accessibility statement…).
    """

    intro = models.CharField(
        _("introduction"), max_length=300, blank=True, help_text=_("One or two sentences at the top.")
    )
    body = StreamField(body_blocks(), blank=True, verbose_name=_("body"), help_text=_("The page's content."))
    show_in_footer = models.BooleanField(
        _("show in footer"), default=False, help_text=_("List this page in the links at the bottom of every page.")
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    promote_panels = [*Page.promote_panels, FieldPanel("show_in_footer")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")

    def search_text(self):
        parts = [self.intro]
        for block in self.body:
            if block.block_type == "paragraph":
                parts.append(strip_tags(block.value.source))
            elif block.block_type == "heading":
                parts.append(block.value)
            elif block.block_type in ("person", "contact"):
                parts += [str(v) for v in block.value.values() if isinstance(v, str)]
        return "\n".join(p for p in parts if p)


class SearchEntry(models.Model):
    """One row per searchable item and language, with its text segmented into Thai words.

    Wagtail's database backend cannot split Thai (written without spaces), so the site search
    keeps this small index itself: `home.search` fills it on publish/unpublish and on document
    save/delete, and matches the query's words (segmented the same way) as substrings of
    `search_text`. Pages are linked by foreign key so deleting a page deletes its row. Each row
    belongs to one office (`site`): a search on an office's host finds only that office's items.
    """

    class Kind(models.TextChoices):
        SERVICE = "service", _("Service")
        FORM = "form", _("Form")
        NEWS = "news", _("News")
        PAGE = "page", _("Page")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    site = models.ForeignKey(
        "wagtailcore.Site",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The office whose search shows this item (its page tree or its collection)."),
    )
    page = models.ForeignKey("wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    document_id = models.PositiveIntegerField(null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=8, blank=True, help_text=_("Empty: shown to visitors in every language.")
    )
    title = models.CharField(_("title"), max_length=255)
    url = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True)
    search_text = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(
                fields=["page"], condition=models.Q(page__isnull=False), name="search_entry_one_per_page"
            ),
            models.UniqueConstraint(
                fields=["document_id"],
                condition=models.Q(document_id__isnull=False),
                name="search_entry_one_per_document",
            ),
            models.CheckConstraint(
                condition=models.Q(page__isnull=False) | models.Q(document_id__isnull=False),
                name="search_entry_points_somewhere",
            ),
        ]

    def __str__(self):
        return self.title
