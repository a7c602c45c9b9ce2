"""Service guides (the citizen's manual of every service), their categories and the forms library.

Residents came back to the office several times because nobody told them which documents a
service needs. A `ServicePage` answers that on one page, in the exact structure the Licensing
Facilitation Act B.E. 2558 prescribes for the citizen's manual, so officials recognise it.
Blank forms are Wagtail documents of our own model (`FormDocument`) so they carry a form code,
category and language, and can be counted when downloaded without recording who downloaded.
"""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents.models import AbstractDocument, Document
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site, TranslatableMixin
from wagtail.search import index

from home.blocks import ICON_CHOICES
from portal import pagecache
from portal.pages import ViewRestrictionsMixin
from services.blocks import ChannelBlock, FormFileBlock, RequiredDocumentBlock, StepBlock
from services.guide_pdf import guide_pdf_response


def office_id_of(page):
    """The id of the office (site) a page belongs to, from Wagtail's cached site root paths (no
    query), or None for a page outside every site."""
    parts = page.get_url_parts()
    return parts[0] if parts else None


class ServiceCategory(TranslatableMixin, models.Model):
    """A group of services as residents think of them ("ภาษีและค่าธรรมเนียม"), with an icon.

    Translatable (wagtail-localize) so the English site shows English names; the Thai and English
    rows share a `translation_key`, which is what pages and documents are filtered by. The
    department is the fallback route for requests about a service that names none.

    Each office keeps its own categories (`site`); a category's translations share its office.
    """

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("office"),
        on_delete=models.CASCADE,
        related_name="service_categories",
        help_text=_("The office whose catalogue lists this category."),
    )
    name = models.CharField(_("name"), max_length=120, help_text=_("Short, in residents' words, e.g. ภาษีและค่าธรรมเนียม"))
    slug = models.SlugField(
        _("slug"), max_length=80, allow_unicode=False, help_text=_("Latin letters for the address, e.g. taxes-fees")
    )
    icon = models.CharField(
        _("icon"), max_length=20, choices=ICON_CHOICES, default="document", help_text=_("Shown on the category tile.")
    )
    description = models.CharField(
        _("description"), max_length=250, blank=True, help_text=_("One sentence under the name.")
    )
    department = models.ForeignKey(
        "services.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_categories",
        help_text=_("Handles requests in this category when the service names no department."),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=100, help_text=_("Smaller numbers come first in lists.")
    )

    panels = [
        FieldPanel("site"),
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("icon"),
        FieldPanel("description"),
        FieldPanel("department"),
        FieldPanel("sort_order"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "locale", "slug"], name="service_category_slug_per_office_locale")
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.site_id is None:
            self.site_id = self._office_of_translations()
        super().save(*args, **kwargs)

    def _office_of_translations(self):
        """A translation made without naming the office (wagtail-localize copies the field, older
        code may not) belongs to the office of the category it translates; a category made by
        code that predates offices, to the default office."""
        source = ServiceCategory.objects.filter(translation_key=self.translation_key).exclude(pk=self.pk)
        site_id = source.values_list("site_id", flat=True).first()
        return site_id or Site.objects.filter(is_default_site=True).values_list("pk", flat=True).first()

    def clean(self):
        super().clean()
        if self.department_id and self.site_id and self.department.site_id != self.site_id:
            raise ValidationError({"department": _("Choose a department of the same office.")})


class ServiceIndexPage(ViewRestrictionsMixin, RoutablePageMixin, Page):
    """The catalogue: every category with its services, and one page per category."""

    intro = models.CharField(
        _("introduction"), max_length=300, blank=True, help_text=_("One or two sentences above the categories.")
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["services.ServicePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("service catalogue")

    def categories(self, request=None):
        categories = list(ServiceCategory.objects.filter(locale_id=self.locale_id, site_id=office_id_of(self)))
        # With the request, a link on the same office's site is relative (Wagtail's `url` alone
        # is absolute once an install holds several sites).
        base = self.get_url(request)
        for category in categories:
            category.url = base + self.reverse_subpage("category", kwargs={"slug": category.slug})
        return categories

    def services(self):
        return (
            ServicePage.objects.child_of(self)
            .live()
            .public()
            .select_related("category")
            .only("id", "title", "slug", "url_path", "locale_id", "summary", "category", "path", "depth")
            .order_by("title")
        )

    def route(self, request, path_components):
        """Fetch a guide as its own type in one query with its department and category (Wagtail's
        default takes two, and two more for the relations): a guide renders in 12 queries or fewer."""
        if len(path_components) in (1, 2) and path_components[0] != "category":
            guide = (
                ServicePage.objects.child_of(self)
                .filter(slug=path_components[0])
                .select_related("department", "category")
                .first()
            )
            if guide is not None:
                guide._cached_parent_obj = self
                return guide.route(request, path_components[1:])
        return super().route(request, path_components)

    @path("")
    def index_route(self, request):
        services = list(self.services())
        categories = self.categories(request)
        by_key = {}
        for service in services:
            key = service.category.translation_key if service.category else None
            by_key.setdefault(key, []).append(service)
        groups = [(category, by_key.get(category.translation_key, [])) for category in categories]
        others = by_key.get(None, [])
        return self.render(request, context_overrides={"groups": groups, "others": others})

    @path("category/<slug:slug>/", name="category")
    def category_route(self, request, slug):
        category = get_object_or_404(ServiceCategory, locale_id=self.locale_id, site_id=office_id_of(self), slug=slug)
        category.url = self.get_url(request) + self.reverse_subpage("category", kwargs={"slug": category.slug})
        services = self.services().filter(category__translation_key=category.translation_key)
        forms = FormDocument.objects.filter(category__translation_key=category.translation_key).order_by("title")
        return self.render(
            request,
            template="services/service_category.html",
            context_overrides={"category": category, "services": list(services), "forms": list(forms[:50])},
        )


def validate_pay_online_url(value):
    """A path on this site (/th/pay/) or an https address: never javascript: or another scheme."""
    if value.startswith("/") and not value.startswith("//"):
        return
    URLValidator(schemes=["https"])(value)


class ServicePageForm(WagtailAdminPageForm):
    """A guide names a department and a category of its own office only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        page = self.instance if self.instance.pk else self.parent_page
        office = office_id_of(page) if page is not None else None
        if office is None:
            return
        for name in ("department", "category"):
            field = self.fields.get(name)
            if field is not None:
                field.queryset = field.queryset.filter(site_id=office)


class ServicePage(ViewRestrictionsMixin, RoutablePageMixin, Page):
    """The citizen's manual of one service: everything a resident needs before coming to the office."""

    base_form_class = ServicePageForm

    department = models.ForeignKey(
        "services.Department",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_pages",
        help_text=_("The department that gives this service; requests land in its queue."),
    )
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="services",
        help_text=_("Where residents find the service in the catalogue."),
    )
    online_form = models.ForeignKey(
        "forms_builder.FormPage",
        verbose_name=_("online form"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_pages",
        help_text=_('The e-form residents fill in to apply; the guide shows an "apply online" button when it is set.'),
    )
    public_place = models.BooleanField(
        _("reports are about a public place"),
        default=False,
        help_text=_(
            "For problems in a place, like a dark streetlight or a pothole: requests appear on the public map and list "
            "(never the resident's name, phone or private answers, and not at all if they ask), and residents see what "
            "is already reported nearby before filing again."
        ),
    )
    nearby_radius = models.PositiveSmallIntegerField(
        _('"already reported here" distance (metres)'),
        default=50,
        validators=[MinValueValidator(5), MaxValueValidator(2000)],
        help_text=_("Open reports of this service this close to a new report's pin are offered as the same problem."),
    )
    pay_online_url = models.CharField(
        _("pay online at"),
        max_length=300,
        blank=True,
        validators=[validate_pay_online_url],
        help_text=_(
            "Where residents pay this fee online, e.g. /th/pay/ (this site's garbage and wastewater fee page; "
            '/en/pay/ on the English guide) or the https address of your payment service. The guide shows a "Pay online" button.'
        ),
    )
    summary = models.TextField(
        _("summary"), max_length=500, help_text=_("Who the service is for and what they get, in one or two sentences.")
    )
    legal_basis = models.TextField(
        _("legal basis"), blank=True, help_text=_("The laws and regulations behind the service, one per line.")
    )
    channels = StreamField(
        [("channel", ChannelBlock())],
        blank=True,
        verbose_name=_("service channels"),
        help_text=_("Where, on which days and at what hours residents can use the service."),
    )
    conditions = RichTextField(
        _("criteria and conditions"),
        blank=True,
        features=["bold", "italic", "ol", "ul", "link"],
        help_text=_("Who may apply and what must be true before applying."),
    )
    steps = StreamField(
        [("step", StepBlock())],
        blank=True,
        verbose_name=_("steps"),
        help_text=_("In order, each with its duration and the unit responsible."),
    )
    processing_days = models.PositiveSmallIntegerField(
        _("processing time (working days)"),
        default=15,
        help_text=_("Total time promised, in working days (0 = done the same day). Case deadlines use it."),
    )
    documents = StreamField(
        [("document", RequiredDocumentBlock())],
        blank=True,
        verbose_name=_("required documents"),
        help_text=_("Everything to bring, with the number of originals and copies."),
    )
    fee_amount = models.DecimalField(
        _("fee"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("In baht. Leave empty when the service is free."),
    )
    fee_unit = models.CharField(
        _("fee unit"), max_length=80, blank=True, help_text=_("e.g. ต่อฉบับ, ต่อเดือน, ต่อตารางเมตร")
    )
    fee_note = models.TextField(
        _("fee details"), blank=True, help_text=_("Rates that depend on size or use, exemptions, how to pay.")
    )
    complaint_channels = models.TextField(
        _("where to complain"),
        blank=True,
        help_text=_("Where residents can complain if the service is late or wrong: office, phone, web, one per line."),
    )
    sample_forms = StreamField(
        [("form", FormFileBlock())],
        blank=True,
        verbose_name=_("filled-in examples"),
        help_text=_("Examples of completed forms, so residents see how to fill them in."),
    )
    blank_forms = StreamField(
        [("form", FormFileBlock())],
        blank=True,
        verbose_name=_("blank forms"),
        help_text=_("Forms from the library to download and print."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("category"), FieldPanel("department"), FieldPanel("online_form")], heading=_("Where it belongs")
        ),
        FieldPanel("legal_basis"),
        FieldPanel("channels"),
        FieldPanel("conditions"),
        FieldPanel("steps"),
        FieldPanel("processing_days"),
        FieldPanel("documents"),
        MultiFieldPanel(
            [FieldPanel("fee_amount"), FieldPanel("fee_unit"), FieldPanel("fee_note"), FieldPanel("pay_online_url")],
            heading=_("Fees"),
        ),
        FieldPanel("complaint_channels"),
        MultiFieldPanel([FieldPanel("public_place"), FieldPanel("nearby_radius")], heading=_("Public reports")),
        FieldPanel("blank_forms"),
        FieldPanel("sample_forms"),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("conditions"),
    ]

    parent_page_types = ["services.ServiceIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("service guide")
        verbose_name_plural = _("service guides")

    @cached_property
    def apply_online_page(self):
        """The live e-form for this service in the guide's language (or the one linked), if any:
        the guide shows an "apply online" button. One query, then kept until something is published."""
        if not self.online_form_id:
            return None

        def find():
            linked = Page.objects.filter(pk=self.online_form_id).values("translation_key")
            candidates = Page.objects.live().filter(translation_key__in=linked).select_related("locale")
            by_locale = {page.locale_id: page for page in candidates}
            return by_locale.get(self.locale_id) or next(
                (p for p in by_locale.values() if p.pk == self.online_form_id), None
            )

        # The same for every visitor until something is published: kept across requests.
        return pagecache.memo(f"apply-online:{self.pk}:{self.online_form_id}", find)

    @path("pdf/", name="pdf")
    def pdf_route(self, request):
        """The guide as a PDF: what a phone can keep, share or print when it cannot print the page."""
        return guide_pdf_response(self, request)

    def form_files(self):
        """Blank forms and filled-in examples, their documents fetched in one query for both lists."""
        streams = {"blank": self.blank_forms.raw_data, "sample": self.sample_forms.raw_data}
        ids = {item["value"].get("document") for stream in streams.values() for item in stream}
        documents = FormDocument.objects.in_bulk([i for i in ids if i])
        return {
            name: [
                {"document": documents[item["value"]["document"]], "caption": item["value"].get("caption", "")}
                for item in stream
                if item["value"].get("document") in documents
            ]
            for name, stream in streams.items()
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["form_files"] = self.form_files()
        return context

    @property
    def is_free(self):
        """No amount and no rates described: the guide says "free of charge"."""
        return not self.fee_amount and not self.fee_note.strip()

    def legal_basis_lines(self):
        return [line.strip() for line in self.legal_basis.splitlines() if line.strip()]

    def complaint_lines(self):
        return [line.strip() for line in self.complaint_channels.splitlines() if line.strip()]

    @cached_property
    def localized_category(self):
        """The category in the page's own language (the English page may still point at the Thai row)."""
        if self.category_id is None:
            return None
        category = self.category
        if category.locale_id == self.locale_id:
            return category
        return (
            ServiceCategory.objects.filter(translation_key=category.translation_key, locale_id=self.locale_id).first()
            or category
        )

    def search_text(self):
        """Everything a resident might type to find this guide (fed to the Thai-aware search index)."""
        parts = [self.summary, self.legal_basis, self.fee_unit, self.fee_note, self.complaint_channels]
        if self.conditions:
            parts.append(strip_tags(self.conditions))
        parts += [step.value["description"] for step in self.steps]
        parts += [doc.value["name"] for doc in self.documents]
        if self.department_id:
            parts.append(str(self.department))
        return "\n".join(p for p in parts if p)


class FormDocument(AbstractDocument):
    """A blank form in the library: a Wagtail document with what residents filter and look for.

    It is the project's document model (WAGTAILDOCS_DOCUMENT_MODEL), so every upload can carry a
    form code and category. `download_count` is a bare counter: we count downloads to know which
    forms matter, never who downloaded them (no IP, no user, no time).
    """

    class Language(models.TextChoices):
        THAI = "th", _("Thai")
        ENGLISH = "en", _("English")
        BOTH = "both", _("Thai and English")

    form_code = models.CharField(
        _("form code"), max_length=30, blank=True, help_text=_("The office's code printed on the form, e.g. ข.1 or อ.1")
    )
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forms",
        help_text=_("Library section the form is listed under."),
    )
    language = models.CharField(
        _("language"),
        max_length=4,
        choices=Language.choices,
        default=Language.THAI,
        help_text=_("Language of the form itself."),
    )
    description = models.CharField(
        _("description"), max_length=300, blank=True, help_text=_("What the form is for, in one sentence.")
    )
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    download_count = models.PositiveIntegerField(_("downloads"), default=0, editable=False)

    admin_form_fields = (*Document.admin_form_fields, "form_code", "category", "language", "description")

    search_fields = [*AbstractDocument.search_fields, index.SearchField("form_code"), index.SearchField("description")]

    class Meta(AbstractDocument.Meta):
        verbose_name = _("form document")
        verbose_name_plural = _("form documents")
        constraints = [
            models.UniqueConstraint(fields=["form_code"], condition=~Q(form_code=""), name="form_document_code_unique")
        ]

    @property
    def file_type(self):
        return self.file_extension.upper()


def count_download(sender, instance, **kwargs):
    """document_served receiver (connected in ServicesConfig.ready): count a download with one
    UPDATE (safe under concurrent downloads); nothing about the visitor."""
    if isinstance(instance, FormDocument):
        FormDocument.objects.filter(pk=instance.pk).update(download_count=F("download_count") + 1)


class FormLibraryPage(ViewRestrictionsMixin, Page):
    """All blank forms in one place, filtered by category and searched by title or code."""

    intro = models.CharField(
        _("introduction"), max_length=300, blank=True, help_text=_("One or two sentences above the list.")
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("forms library")

    PER_PAGE = 20

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        office = office_id_of(self)
        categories = list(ServiceCategory.objects.filter(locale_id=self.locale_id, site_id=office))
        slug = request.GET.get("category", "")[:80]
        query = " ".join(request.GET.get("q", "").replace("\x00", "").split())[:100]
        # This office's forms: those of its categories; forms filed under no category date from
        # before offices and belong to the first (default) office.
        ours = Q(category__site_id=office)
        if Site.objects.filter(pk=office, is_default_site=True).exists():
            ours |= Q(category__isnull=True)
        forms = FormDocument.objects.filter(ours).select_related("category").order_by("title")
        selected = next((c for c in categories if c.slug == slug), None)
        if selected is not None:
            forms = forms.filter(category__translation_key=selected.translation_key)
        if query:
            forms = forms.filter(
                Q(title__icontains=query) | Q(form_code__icontains=query) | Q(description__icontains=query)
            )
        page_obj = Paginator(forms, self.PER_PAGE).get_page(request.GET.get("page"))
        names = {c.translation_key: c.name for c in categories}
        for form in page_obj:
            form.category_name = names.get(form.category.translation_key, form.category.name) if form.category else ""
        context.update({"categories": categories, "selected": selected, "query": query, "page_obj": page_obj})
        return context
