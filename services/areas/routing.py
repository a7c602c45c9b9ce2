"""On filing: which of the office's areas a point lies in, and which routing rule (if any) sends
the request to a department. Called by the intake (services.cases.intake), which falls back to
the service's, category's and office's default departments when no rule matches.

Both answer in a fixed number of queries, whatever the office holds: one for the areas whose
bounding box holds the point (the indexed columns), one for the service's rules with their
departments and areas.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from forms_builder.fields import build_definition
from services.areas.models import Area, RoutingRule

CHOICE_TYPES = ("single_choice", "multiple_choice")


def match_area(site_id, latitude, longitude):
    """The office's area holding the point, or None (no point, or outside every area). Holes are
    respected; where areas overlap (a zone over communities) the one with the smallest box wins,
    being the most specific."""
    if latitude is None or longitude is None:
        return None
    lat, lon = float(latitude), float(longitude)
    candidates = Area.objects.filter(
        site_id=site_id,
        min_latitude__lte=lat,
        max_latitude__gte=lat,
        min_longitude__lte=lon,
        max_longitude__gte=lon,
    )
    found = [area for area in candidates if area.contains(lat, lon)]
    if not found:
        return None
    return min(found, key=lambda a: ((a.max_latitude - a.min_latitude) * (a.max_longitude - a.min_longitude), a.pk))


def named_area(site_id, answers, fields):
    """The office's area a resident picked from a list instead of pinning the map: a single-choice
    answer among `fields` (question specs) whose stored value or label (as they saw it) is an
    area's Thai or English name (an editor makes a community question without code by naming its
    options as the Areas are named); None when none is. No query when no choice was answered."""
    names = set()
    for spec in fields:
        value = (answers or {}).get(spec.get("key")) if spec.get("type") == "single_choice" else None
        if value:
            label = dict(spec.get("options") or []).get(value)
            names.update(str(name).strip() for name in (value, label) if name)
    if not names:
        return None
    # The English form's options may carry the areas' English names.
    areas = Area.objects.filter(Q(name__in=names) | Q(name_en__in=names), site_id=site_id)
    return areas.order_by("pk").only("pk", "name", "name_en").first()


def has_areas(site_id):
    return Area.objects.filter(site_id=site_id).exists()


def choice_fields(definition):
    """{field key: (label, {answer value: answer label})} of a form definition's choice questions."""
    fields = {}
    for step in (definition or {}).get("steps", []):
        for spec in step.get("fields", []):
            if spec.get("type") in CHOICE_TYPES and spec.get("key"):
                options = {str(value): str(label) for value, label in spec.get("options") or []}
                fields[spec["key"]] = (str(spec.get("label") or spec["key"]), options)
    return fields


def service_definition(service):
    """The current definition of the service's online form, or None (no form)."""
    form = service.online_form if service is not None and service.online_form_id else None
    if form is None:
        return None
    return build_definition(form.specific)


def rule_problem(rule, definition=None, definition_known=False):
    """Why `rule` cannot route, or "" when it can. `definition` is the service's form as it is
    now (pass `definition_known=True` with None when the service has no form)."""
    if rule.department_id is None:
        return _("Its department was deleted.")
    if rule.department.site_id != rule.site_id:
        return _("Its department belongs to another office.")
    if rule.area_id is None and rule.area_name:
        return _("Its area “%(name)s” was deleted.") % {"name": rule.area_name}
    if rule.area_id is not None and rule.area.site_id != rule.site_id:
        return _("Its area belongs to another office.")
    if rule.field_key:
        if not definition_known:
            definition = service_definition(rule.service)
        fields = choice_fields(definition)
        if rule.field_key not in fields:
            return _("The form no longer has the question “%(key)s”.") % {"key": rule.field_key}
        if rule.answer not in fields[rule.field_key][1]:
            return _("The question no longer offers the answer “%(answer)s”.") % {"answer": rule.answer}
    return ""


def _answered(answers, key, expected):
    value = (answers or {}).get(key)
    if isinstance(value, list):
        return expected in [str(v) for v in value]
    return value is not None and str(value) == expected


def rule_department(site_id, service, submission, area):
    """The department of the first of the service's rules (this office's only) that matches the
    submission's answers and the matched `area`; None when no rule matches. A broken rule is
    skipped. The answers are checked against the form as the resident answered it (the
    submission's snapshot), so a question removed from the form later cannot match."""
    if service is None:
        return None
    rules = (
        RoutingRule.objects.filter(site_id=site_id, service=service)
        .select_related("department", "area")
        .defer("area__shape")  # a rule needs its area's id and office, not the polygon
        .order_by("sort_order", "id")
    )
    definition = submission.form_snapshot if submission is not None else None
    for rule in rules:
        if rule_problem(rule, definition, definition_known=True):
            continue
        if rule.area_id is not None and (area is None or area.pk != rule.area_id):
            continue
        if rule.field_key and (submission is None or not _answered(submission.answers, rule.field_key, rule.answer)):
            continue
        return rule.department
    return None
