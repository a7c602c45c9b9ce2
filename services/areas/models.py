"""An office's areas: polygons a report's point is matched to when it is filed."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.i18n import BilingualMixin, is_thai
from services.areas import geometry


class AreaKind(models.TextChoices):
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village (หมู่บ้าน)")
    ZONE = "zone", _("Zone")


class AreaQuerySet(models.QuerySet):
    def choices(self):
        """(pk, name in the page's language) of each area, in the order of that name: a resident
        on the English page looks a community up by its English name (Thai: the database's order
        of the Thai names, as before)."""
        choices = [(area.pk, area.display_name) for area in self.only("pk", "name", "name_en").order_by("name")]
        return choices if is_thai() else sorted(choices, key=lambda choice: choice[1].casefold())


class Area(BilingualMixin, models.Model):
    """A community, village or zone of one office, as a GeoJSON polygon. Residents filter public
    reports by it, officers see it on each case, and routing rules may send an area's reports to
    a team. The bounding box is stored beside the shape so a point is tested only against the
    few areas whose box holds it (SQLite and PostgreSQL alike, no GIS extension)."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("name"), max_length=200, help_text=_("As residents call it, e.g. ชุมชนริมน้ำ."))
    name_en = models.CharField(
        _("name (English)"),
        max_length=200,
        blank=True,
        help_text=_("Shown on the English pages, e.g. Rim Nam Community; empty: the Thai name."),
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=AreaKind.choices,
        default=AreaKind.COMMUNITY,
        help_text=_("How residents know it: a community, a village (หมู่บ้าน) or a zone of the office."),
    )
    shape = models.JSONField(
        _("shape"),
        help_text=_("A GeoJSON Polygon or MultiPolygon in longitude/latitude (WGS 84)."),
    )
    min_latitude = models.FloatField(editable=False, default=0)
    max_latitude = models.FloatField(editable=False, default=0)
    min_longitude = models.FloatField(editable=False, default=0)
    max_longitude = models.FloatField(editable=False, default=0)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["site", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="area_name_unique_per_office")]
        indexes = [
            models.Index(fields=["site", "min_latitude", "max_latitude"], name="area_bbox"),
        ]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        """The bounding box always follows the shape, however the row was written (admin, import,
        demo), so the matching's box prefilter never misses an area."""
        polygons = geometry.polygons_of(self.shape or {})
        if polygons:
            self.min_longitude, self.min_latitude, self.max_longitude, self.max_latitude = geometry.bbox(polygons)
        super().save(*args, **kwargs)

    def clean(self):
        """The shape is checked wherever the row is validated (the admin form checks it first
        and leaves None when it refused it: nothing more to say then)."""
        super().clean()
        if self.shape is None:
            return
        try:
            self.shape = geometry.clean_shape(self.shape)
        except geometry.GeometryError as error:
            raise ValidationError({"shape": str(error)}) from error

    @property
    def display_name(self):
        """The name in the page's language: the English one on English pages when it is filled in."""
        return self.tr("name")

    def contains(self, latitude, longitude):
        return geometry.contains(self.shape, float(longitude), float(latitude))


class RoutingRule(models.Model):
    """Sends one service's requests to a department by the resident's answer and/or the area the
    location lies in ("garbage" on the complaint form → the health division). An office's rules
    are tried in order on filing and the first that matches wins; when none does, the service's,
    category's and office's default departments apply as before (services.cases.intake.route).

    A rule can go stale: its department deleted (SET_NULL), its area deleted (`area_name`
    remembers it had one, so the rule does not silently widen to every area), or the form's field
    or answer removed. Such a rule is listed as broken with the reason and skipped, never an error.
    """

    on_public_pages = False  # staff's own settings: an edit changes no public page (portal.pagecache)

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("office"),
        on_delete=models.CASCADE,
        related_name="routing_rules",
        help_text=_("The office whose requests this rule routes; only its own services, areas and departments apply."),
    )
    service = models.ForeignKey(
        "services.ServicePage",
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="routing_rules",
        help_text=_("The service (its Thai page) whose requests this rule routes."),
    )
    field_key = models.CharField(
        _("question"),
        max_length=100,
        blank=True,
        help_text=_("The key of a choice question of the service's online form; empty: any answer."),
    )
    answer = models.CharField(
        _("answer"),
        max_length=200,
        blank=True,
        help_text=_("The stored value of the answer that sends the request to the department."),
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="routing_rules",
        help_text=_("Only requests whose location lies in this area; empty: anywhere."),
    )
    area_name = models.CharField(max_length=200, blank=True, editable=False)
    department = models.ForeignKey(
        "services.Department",
        verbose_name=_("department"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="routing_rules",
        help_text=_("Whose queue receives the matching requests."),
    )
    sort_order = models.PositiveIntegerField(
        _("order"), default=0, help_text=_("Rules are tried from the lowest number; the first that matches wins.")
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["site", "sort_order", "id"]
        indexes = [models.Index(fields=["site", "service", "sort_order"], name="routing_rule_order")]

    def __str__(self):
        parts = [str(self.service)]
        if self.field_key:
            parts.append(f"{self.field_key} = {self.answer}")
        if self.area_name:
            parts.append(self.area_name)
        return " · ".join(parts) + f" → {self.department or '—'}"

    def save(self, *args, **kwargs):
        # Saving (an editor's choice) settles it; a deleted area leaves the name behind (SET_NULL
        # is an UPDATE that never calls save), which marks the rule broken.
        self.area_name = self.area.name if self.area_id else ""
        super().save(*args, **kwargs)
