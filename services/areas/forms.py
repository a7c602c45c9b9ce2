"""The admin's forms of areas and routing rules, and the GeoJSON import.

An area's shape is one field: a GeoJSON textarea that works without JavaScript, which a Leaflet
map (static/areas/shape_widget.js) draws into when scripts run. What the editor typed is kept
on a refusal, with the reason beside the field.
"""

import json

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.office_viewsets import OfficeAdminForm
from portal.offices import offices_for
from services.areas import geometry
from services.areas.models import Area, AreaKind
from services.areas.routing import choice_fields, service_definition
from services.models import ServicePage


class ShapeWidget(forms.Textarea):
    """A GeoJSON textarea with a map above it (drawn only when JavaScript and Leaflet run)."""

    template_name = "areas/shape_widget.html"

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 8, "spellcheck": "false", "class": "area-shape", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["map_tiles"] = getattr(
            settings, "FORMS_BUILDER_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
        )
        return context

    @property
    def media(self):
        return forms.Media(
            css={"all": ["vendor/leaflet/leaflet.css", "areas/shape_widget.css"]},
            js=["vendor/leaflet/leaflet.js", "areas/shape_widget.js"],
        )


class ShapeField(forms.CharField):
    """GeoJSON text in, a checked shape (dict) out; every refusal says what to fix."""

    widget = ShapeWidget

    def prepare_value(self, value):
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if isinstance(value, dict):
            data = value
        else:
            try:
                data = geometry.loads(value)
            except geometry.GeometryError as error:
                raise ValidationError(str(error), code="invalid") from error
        try:
            return geometry.clean_shape(data)
        except geometry.GeometryError as error:
            raise ValidationError(str(error), code="invalid") from error

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True


class AreaForm(OfficeAdminForm):
    """An area in the admin: its shape checked by `ShapeField`."""

    shape = ShapeField(
        label=gettext_lazy("Shape"),
        help_text=gettext_lazy(
            "Draw it on the map, or paste a GeoJSON Polygon or MultiPolygon (longitude, latitude). "
            "At most 10,000 points and 1 degree across."
        ),
    )


class RoutingRuleForm(OfficeAdminForm):
    """A routing rule: the service is one of the office's Thai services; the answer is chosen
    from the choice questions of the services' online forms ("question = answer"), and must be
    one the chosen service's form offers."""

    condition = forms.ChoiceField(
        label=gettext_lazy("Answer"),
        required=False,
        help_text=gettext_lazy("Only requests with this answer; empty: any answer. Listed by service."),
    )

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        service_field = self.fields.get("service")
        if service_field is not None and for_user is not None:
            homes = Q(pk__in=[])
            for office in offices_for(for_user).select_related("root_page"):
                homes |= Q(path__startswith=office.root_page.path)
            service_field.queryset = (
                ServicePage.objects.filter(homes).filter(locale__language_code="th").order_by("title")
            )
            choices = [("", _("Any answer"))]
            for service in service_field.queryset.filter(online_form__isnull=False).select_related("online_form"):
                options = []
                for key, (label, answers) in choice_fields(service_definition(service)).items():
                    options += [(f"{key}={value}", f"{label}: {text}") for value, text in answers.items()]
                if options:
                    choices.append((service.title, options))
            current = self._current_condition()
            if current and current not in [value for _group, group in choices[1:] for value, _label in group]:
                choices.append((_("No longer on the form"), [(current, current)]))
            self.fields["condition"].choices = choices
            self.fields["condition"].initial = current

    def _current_condition(self):
        if self.instance.pk and self.instance.field_key:
            return f"{self.instance.field_key}={self.instance.answer}"
        return ""

    def clean(self):
        cleaned = super().clean()
        service, site = cleaned.get("service"), cleaned.get("site")
        if service is not None and site is not None and not service.path.startswith(site.root_page.path):
            self.add_error("service", _("Choose one of the same office."))
        condition = cleaned.get("condition") or ""
        key, _sep, answer = condition.partition("=")
        if condition and service is not None:
            fields = choice_fields(service_definition(service))
            if key not in fields or answer not in fields[key][1]:
                self.add_error("condition", _("Choose an answer of this service's own form."))
        self.instance.field_key, self.instance.answer = (key, answer) if condition else ("", "")
        return cleaned


class ImportForm(forms.Form):
    """A GeoJSON file of areas for one office: each feature becomes an area, updated by name."""

    office = forms.ModelChoiceField(label=gettext_lazy("Office"), queryset=None)
    kind = forms.ChoiceField(label=gettext_lazy("Kind of areas"), choices=AreaKind.choices)
    file = forms.FileField(
        label=gettext_lazy("GeoJSON file"),
        help_text=gettext_lazy(
            "A FeatureCollection of Polygons or MultiPolygons, each named by its “name” or “ชื่อ” property "
            "(and in English by “name_en”, if you have it); at most 2 MB. All of it is imported, or nothing."
        ),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices_for(user)
        offices = list(self.fields["office"].queryset[:2])
        if len(offices) == 1:
            self.fields["office"].initial = offices[0].pk

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > geometry.MAX_FILE_BYTES:
            raise ValidationError(geometry.too_large_message())
        try:
            data = geometry.loads(upload.read())
            features = geometry.features_of(data)
        except geometry.GeometryError as error:
            raise ValidationError(str(error)) from error
        problems, areas, seen = [], [], set()
        for number, (name, feature) in enumerate(features, start=1):
            label = name or _("feature %(number)s") % {"number": number}
            if not name:
                problems.append(_("%(feature)s: it has no “name” or “ชื่อ” property.") % {"feature": label})
                continue
            if name in seen:
                problems.append(_("%(feature)s: the name appears twice in the file.") % {"feature": label})
                continue
            seen.add(name)
            try:
                areas.append((name, geometry.english_name_of(feature), geometry.clean_shape(feature)))
            except geometry.GeometryError as error:
                problems.append(f"{label}: {error}")
        if problems:
            raise ValidationError([_("Nothing was imported. Fix these and upload again:"), *problems[:50]])
        return areas

    def save(self):
        """Create or update the areas by name (in the caller's transaction): (created, updated)."""
        office, kind = self.cleaned_data["office"], self.cleaned_data["kind"]
        existing = {area.name: area for area in Area.objects.filter(site=office)}
        created = updated = 0
        for name, name_en, shape in self.cleaned_data["file"]:
            area = existing.get(name) or Area(site=office, name=name)
            updated += bool(area.pk)
            created += not area.pk
            area.kind, area.shape = kind, shape
            # A file without English names keeps the ones typed in the admin.
            area.name_en = name_en or area.name_en
            area.save()
        return created, updated
