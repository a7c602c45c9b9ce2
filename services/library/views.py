"""The office's view of the template library: every template with whether this office adopted
it and whether it changed since, "Adopt", and what changed.

Staff see and adopt for the offices they work for only (portal.offices); adopting also needs
Wagtail's right to add pages to that office's catalogue and forms. One office's adoptions are
never listed for another.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from forms_builder.models import FormPage
from portal.offices import current_office, offices_for, scope, works_for_several
from services.library import adoption as adoptions
from services.library.models import Adoption
from services.models import ServicePage


def _office(request, offices, wanted):
    by_id = {str(site.pk): site for site in offices}
    if wanted in by_id:
        return by_id[wanted]
    here = current_office(request)
    if here is not None and str(here.pk) in by_id:
        return by_id[str(here.pk)]
    return offices[0]


def library(request):
    offices = list(offices_for(request.user))
    if not offices:
        raise PermissionDenied
    site = _office(request, offices, request.GET.get("office", ""))
    adopted = {
        a.template_id: a for a in Adoption.objects.filter(site=site).select_related("guide", "form", "form_template")
    }
    rows = []
    for template in adoptions.templates():
        record = adopted.get(template.pk)
        if record is not None and record.guide_id is None:
            record = None  # the office deleted its copy: offered again
        if record is not None:
            record.template = template  # already loaded, with its revision
        rows.append(
            {"template": template, "adoption": record, "changed": bool(record and adoptions.changed_since(record))}
        )
    return TemplateResponse(
        request,
        "library/library.html",
        {
            "rows": rows,
            "office": site,
            "offices": offices,
            "several": works_for_several(request.user),
            "can_adopt": adoptions.can_adopt(request.user, site),
        },
    )


@require_POST
def adopt(request, template_id):
    offices = {str(site.pk): site for site in offices_for(request.user)}
    site = offices.get(request.POST.get("office", ""))
    if site is None:
        raise PermissionDenied
    template = get_object_or_404(adoptions.templates(), pk=template_id)
    back = f"{reverse('library:index')}?office={site.pk}"
    try:
        record = adoptions.adopt(template, site, request.user)
    except adoptions.AdoptionRefused as refused:
        if refused.page is not None:
            link = reverse("wagtailadmin_pages:edit", args=[refused.page.pk])
            messages.error(request, format_html('{} <a href="{}">{}</a>', str(refused), link, _("Open it")))
        else:
            messages.error(request, str(refused))
        return HttpResponseRedirect(back)
    messages.success(
        request,
        _("“%(title)s” adopted: the guide and its e-form are drafts in your site. Adapt them, then publish.")
        % {"title": record.guide.title},
    )
    return redirect("wagtailadmin_pages:edit", record.guide.pk)


def changes(request, pk):
    record = get_object_or_404(
        scope(Adoption.objects.all(), request.user).select_related(
            "site", "template__live_revision", "template_revision", "form_template__live_revision", "adopted_by"
        ),
        pk=pk,
    )
    template = record.template
    form = record.form_template
    return TemplateResponse(
        request,
        "library/changes.html",
        {
            "record": record,
            "changed": adoptions.changed_since(record),
            "guide_changes": adoptions.what_changed(
                record.template_revision, template.live_revision if template else None, ServicePage
            ),
            "form_changes": adoptions.what_changed(
                record.form_template_revision, form.live_revision if form else None, FormPage
            ),
        },
    )
