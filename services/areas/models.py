"""An office's areas: polygons a report's point is matched to when it is filed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaKind(models.TextChoices):
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village (หมู่บ้าน)")
    ZONE = "zone", _("Zone")


class Area(models.Model):
    """A community, village or zone of one office, as a GeoJSON polygon. Residents filter public
    reports by it, officers see it on each case, and routing rules may send an area's reports to
    a team. The bounding box is stored beside the shape so a point is tested only against the
    few areas whose box holds it (SQLite and PostgreSQL alike, no GIS extension)."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("name"), max_length=200, help_text=_("As residents call it, e.g. ชุมชนริมน้ำ."))
    kind = models.CharField(_("kind"), max_length=20, choices=AreaKind.choices, default=AreaKind.COMMUNITY)
    shape = models.JSONField(
        _("shape"),
        help_text=_("A GeoJSON Polygon or MultiPolygon in longitude/latitude (WGS 84)."),
    )
    min_latitude = models.FloatField(editable=False, default=0)
    max_latitude = models.FloatField(editable=False, default=0)
    min_longitude = models.FloatField(editable=False, default=0)
    max_longitude = models.FloatField(editable=False, default=0)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["site", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="area_name_unique_per_office")]
        indexes = [
            models.Index(fields=["site", "min_latitude", "max_latitude"], name="area_bbox"),
        ]

    def __str__(self):
        return self.name
