"""The platform administrators' office screens in the Wagtail admin: the list of offices, the
form that creates one, archiving, and deleting an office made by mistake. Everyone else gets 403
(and no menu item). Deleting an office that holds residents' requests is refused, here and in
Wagtail's own Sites screen, with a message that says to archive it instead."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, ProtectedError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin.viewsets import viewsets
from wagtail.models import Site

from portal.models import Office
from portal.offices import is_platform_admin
from services.cases.models import Case
from services.offices.forms import OfficeForm
from services.offices.going_live import create_office, remove_office, todo_list

PER_PAGE = 50


def platform_admin_only(view):
    """403 for everyone but platform administrators (a page saying so, not Wagtail's redirect to
    the dashboard: the address exists, the person may not use it)."""

    def wrapped(request, *args, **kwargs):
        if not is_platform_admin(request.user):
            return TemplateResponse(request, "offices/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _page_number(request):
    value = request.GET.get("p", "1")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 7 else 1


@platform_admin_only
def index(request):
    """Every office: name, host, province, requests held, archived or not."""
    sites = Site.objects.select_related("office").annotate(case_count=Count("cases")).order_by("site_name", "hostname")
    page = Paginator(sites, PER_PAGE).get_page(_page_number(request))
    return TemplateResponse(request, "offices/index.html", {"page": page, "offices": page.object_list})


@platform_admin_only
def create(request):
    """A new office from the form; problems are shown next to their fields, with what was typed."""
    form = OfficeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            site = create_office(
                data["name"],
                data["host"],
                data["prefix"],
                name_en=data["name_en"],
                province=data["province"],
                port=data["port"],
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(request, _("%(office)s is live.") % {"office": site.site_name})
            return TemplateResponse(request, "offices/created.html", {"site": site, "todo": todo_list(site)})
    return TemplateResponse(request, "offices/create.html", {"form": form})


@require_POST
@platform_admin_only
def archive(request, pk):
    office = get_object_or_404(Office.objects.select_related("site"), pk=pk)
    if office.archived_at is None:
        office.archived_at = timezone.now()
        office.save(update_fields=["archived_at"])
    messages.success(request, _("%(office)s is archived: it takes no new requests.") % {"office": office})
    return redirect("offices_index")


@require_POST
@platform_admin_only
def unarchive(request, pk):
    office = get_object_or_404(Office.objects.select_related("site"), pk=pk)
    office.archived_at = None
    office.save(update_fields=["archived_at"])
    messages.success(request, _("%(office)s takes requests again.") % {"office": office})
    return redirect("offices_index")


def _refuse_if_holds_cases(request, site):
    if Case.objects.filter(site=site).exists():
        messages.error(
            request,
            _("%(office)s holds residents' requests and cannot be deleted: archive it instead.")
            % {"office": site.site_name or site.hostname},
        )
        return True
    return False


@platform_admin_only
def delete(request, pk):
    """Delete an office made by mistake (confirmation first). Refused when it holds requests."""
    site = get_object_or_404(Site, pk=pk)
    if _refuse_if_holds_cases(request, site):
        return redirect("offices_index")
    if site.is_default_site:
        messages.error(request, _("The default site cannot be deleted."))
        return redirect("offices_index")
    if request.method == "POST":
        name = site.site_name or site.hostname
        try:
            remove_office(site)
        except ProtectedError:
            messages.error(
                request, _("%(office)s still holds records that must be kept: archive it instead.") % {"office": name}
            )
        else:
            messages.success(request, _("%(office)s was deleted.") % {"office": name})
        return redirect("offices_index")
    return TemplateResponse(request, "offices/delete.html", {"site": site})


def site_delete(request, pk):
    """Wagtail's own "delete site" screen, mounted in front of it: a site that holds residents'
    requests is refused with a message (Wagtail's view would fail on the protected cases)."""
    allowed = request.user.has_perm("wagtailcore.delete_site")
    site = Site.objects.filter(pk=pk).first() if allowed and str(pk).isdigit() and len(str(pk)) < 12 else None
    if site is not None and _refuse_if_holds_cases(request, site):
        return redirect("wagtailsites:index")
    sites = next(viewset for viewset in viewsets.viewsets if viewset.name == "wagtailsites")
    return sites.delete_view(request, pk=pk)
