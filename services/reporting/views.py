"""The public performance dashboard (/<lang>/dashboard/), its open data downloads and the data
dictionary, and the province dashboard (/<lang>/dashboard/province/…). Figures come from
`services.reporting.stats` and `services.reporting.province` (cached); the views only arrange
them.

An office's dashboard and open data are those of the office whose host name the request came to
(`portal.offices.current_office`): nothing of another office is ever counted in them."""

import csv
import datetime
import io

from django import forms
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from pythainlp.util import thai_strftime
from wagtail import hooks

from portal import pagecache
from portal.i18n import is_thai
from portal.models import Office
from portal.offices import current_office
from services.reporting import province as province_figures
from services.reporting import stats
from services.reporting.charts import bar_chart

LICENCE = {
    "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
# Fewer ratings than this in a month and service: the mean is withheld from the open data, so
# one resident's rating cannot be read off a published number.
MIN_RATINGS = 3

# Areas above reporting's inputs (fixes residents confirmed, referrals to outside agencies,
# satisfaction, channels…) add tables to the public dashboard: each registers a function
# `(site) -> [monthly.Section]` (title and headings in the active language; totals only, never a
# person) so this room imports none of them.
DASHBOARD_SECTIONS_HOOK = "dashboard_sections"

FIELDS = [
    # (column, type, description) — the data dictionary and the CSV/JSON share these.
    ("month", "YYYY-MM", gettext_lazy("Calendar month (Gregorian), Asia/Bangkok time.")),
    ("service_code", "text", gettext_lazy("The service's code (as in the Open311 API); 'all' for every service.")),
    ("service_name_th", "text", gettext_lazy("The service's name in Thai.")),
    ("service_name_en", "text", gettext_lazy("The service's name in English.")),
    ("received", "integer", gettext_lazy("Requests submitted in the month.")),
    ("resolved", "integer", gettext_lazy("Requests resolved in the month (rejected requests are not counted).")),
    (
        "median_days",
        "decimal",
        gettext_lazy("Median calendar days from submission to resolution, over the requests resolved in the month."),
    ),
    (
        "p90_days",
        "decimal",
        gettext_lazy("90th percentile (nearest rank) of the same days: 9 in 10 requests took at most this long."),
    ),
    (
        "within_sla_pct",
        "decimal",
        gettext_lazy("Percentage of the month's resolved requests resolved on or before their due date."),
    ),
    (
        "satisfaction",
        "decimal",
        gettext_lazy("Mean rating (1 to 5) of the month's resolved requests that were rated; empty under 3 ratings."),
    ),
    ("ratings", "integer", gettext_lazy("How many of the month's resolved requests were rated.")),
]


def _site(request):
    return current_office(request)


def month_label(key):
    day = datetime.date.fromisoformat(f"{key}-01")
    if is_thai():
        return thai_strftime(datetime.datetime.combine(day, datetime.time()), "%b %y")
    return day.strftime("%b %y")


def service_name(entry):
    return entry["name"]["th"] if is_thai() else entry["name"]["en"]


def _charts(months, labels):
    def series(name):
        return [m[name] for m in months]

    return [
        {
            "id": "chart-volume",
            "title": _("Requests received and resolved each month"),
            "svg": bar_chart(
                _("Requests received and resolved each month"),
                labels,
                [(_("Received"), series("received"), "bar-a"), (_("Resolved"), series("resolved"), "bar-b")],
                chart_id="chart-volume",
            ),
            "columns": [_("Received"), _("Resolved")],
            "rows": [(label, [m["received"], m["resolved"]]) for label, m in zip(labels, months, strict=True)],
        },
        {
            # Plain words for the median and the 90th percentile: residents read "half" and
            # "9 in 10", not statistics.
            "id": "chart-days",
            "title": _("How many days requests took, each month"),
            "svg": bar_chart(
                _("How many days requests took, each month"),
                labels,
                [
                    (_("Half were done within (days)"), series("median_days"), "bar-a"),
                    (_("9 in 10 were done within (days)"), series("p90_days"), "bar-b"),
                ],
                chart_id="chart-days",
            ),
            "columns": [_("Half were done within (days)"), _("9 in 10 were done within (days)")],
            "rows": [(label, [m["median_days"], m["p90_days"]]) for label, m in zip(labels, months, strict=True)],
        },
        {
            "id": "chart-sla",
            "title": _("Share resolved on time each month (%)"),
            "svg": bar_chart(
                _("Share resolved on time each month (%)"),
                labels,
                [(_("On time (%)"), series("within_sla_pct"), "bar-a")],
                max_value=100,
                chart_id="chart-sla",
            ),
            "columns": [_("On time (%)")],
            "rows": [(label, [m["within_sla_pct"]]) for label, m in zip(labels, months, strict=True)],
        },
        {
            "id": "chart-satisfaction",
            "title": _("Average satisfaction each month (1 to 5)"),
            "svg": bar_chart(
                _("Average satisfaction each month (1 to 5)"),
                labels,
                [(_("Satisfaction"), series("satisfaction"), "bar-b")],
                max_value=5,
                chart_id="chart-satisfaction",
            ),
            "columns": [_("Satisfaction"), _("Ratings")],
            "rows": [(label, [m["satisfaction"], m["ratings"]]) for label, m in zip(labels, months, strict=True)],
        },
    ]


@require_GET
def dashboard(request):
    pagecache.depends_on(request, pagecache.CASES)  # kept for anonymous visitors until a figure changes
    figures = stats.public_figures(_site(request))
    services = [{**s, "display_name": service_name(s)} for s in figures["services"]]
    selected = next((s for s in services if s["key"] == request.GET.get("service")), None)
    subject = selected or figures["overall"]
    labels = [month_label(k) for k in figures["months"]]
    context = {
        "figures": figures,
        "summary": subject,
        "selected": selected,
        "services": services,
        "charts": _charts(subject["months"], labels),
        "first_month": datetime.date.fromisoformat(figures["months"][0] + "-01"),
        "today": datetime.date.fromisoformat(figures["today"]),
        "generated_at": datetime.datetime.fromisoformat(figures["generated_at"]),
        "licence": LICENCE,
        "sections": _dashboard_sections(_site(request)),
    }
    return render(request, "services/dashboard/dashboard.html", context)


def _dashboard_sections(site):
    """The areas' tables, each row's cells paired with their heading (the label a narrow screen
    shows beside each value of a stacked table)."""
    return [
        {
            "title": section.title,
            "header": section.header,
            "rows": [list(zip(section.header, row, strict=True)) for row in section.rows],
        }
        for fn in hooks.get_hooks(DASHBOARD_SECTIONS_HOOK)
        for section in fn(site)
    ]


@require_GET
def data_dictionary(request):
    return render(
        request,
        "services/dashboard/data_dictionary.html",
        {"fields": FIELDS, "licence": LICENCE, "min_ratings": MIN_RATINGS},
    )


def open_data_rows(figures):
    """One row per month and service, plus the 'all' rows: aggregates only, nothing per case."""
    entries = [("all", {"th": "ทุกบริการ", "en": "All services"}, figures["overall"]["months"])]
    entries += [(s["key"], s["name"], s["months"]) for s in figures["services"] if not s["key"].startswith("t:")]
    rows = []
    for code, name, months in entries:
        for m in months:
            rows.append(
                {
                    "month": m["month"],
                    "service_code": code,
                    "service_name_th": name["th"],
                    "service_name_en": name["en"],
                    "received": m["received"],
                    "resolved": m["resolved"],
                    "median_days": m["median_days"],
                    "p90_days": m["p90_days"],
                    "within_sla_pct": m["within_sla_pct"],
                    "satisfaction": m["satisfaction"] if m["ratings"] >= MIN_RATINGS else None,
                    "ratings": m["ratings"],
                }
            )
    return rows


@require_GET
def data_csv(request):
    figures = stats.public_figures(_site(request))
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a BOM, so Excel opens the Thai names as UTF-8
    writer = csv.DictWriter(buffer, fieldnames=[f[0] for f in FIELDS], lineterminator="\r\n")
    writer.writeheader()
    for row in open_data_rows(figures):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="service-performance.csv"'
    response["Link"] = f'<{LICENCE["url"]}>; rel="license"'
    return response


@require_GET
def data_json(request):
    figures = stats.public_figures(_site(request))
    payload = {
        "title": "Service request performance",
        "licence": LICENCE,
        "generated_at": figures["generated_at"],
        "fields": [{"name": n, "type": t, "description": str(d)} for n, t, d in FIELDS],
        "rows": open_data_rows(figures),
    }
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Link"] = f'<{LICENCE["url"]}>; rel="license"'
    return response


# --- the province dashboard -------------------------------------------------------------------

PROVINCE_FIELDS = [
    # (column, type, description): the province page's open data and its column headings.
    ("province", "text", gettext_lazy("The province, in Thai.")),
    ("office", "text", gettext_lazy("The office's name.")),
    ("host", "text", gettext_lazy("The office's web address (host name).")),
    ("period_start", "YYYY-MM-DD", gettext_lazy("First day of the period (Gregorian), Asia/Bangkok time.")),
    ("period_end", "YYYY-MM-DD", gettext_lazy("Last day of the period (the day the figures were computed).")),
    ("received", "integer", gettext_lazy("Requests submitted in the period.")),
    ("resolved", "integer", gettext_lazy("Requests resolved in the period (rejected requests are not counted).")),
    (
        "enough_data",
        "boolean",
        gettext_lazy(
            "False when fewer than %(n)s requests were resolved in the period: the four figures after it are then empty."
        ),
    ),
    ("median_days", "decimal", gettext_lazy("Median calendar days from submission to resolution.")),
    ("p90_days", "decimal", gettext_lazy("90th percentile (nearest rank) of the same days.")),
    (
        "within_sla_pct",
        "decimal",
        gettext_lazy("Percentage of resolved requests resolved on or before their due date."),
    ),
    (
        "satisfaction",
        "decimal",
        gettext_lazy("Mean rating (1 to 5) of the resolved requests that were rated; empty under 3 ratings."),
    ),
    ("ratings", "integer", gettext_lazy("How many resolved requests were rated.")),
    ("backlog", "integer", gettext_lazy("Requests open when the figures were computed.")),
]


class PeriodForm(forms.Form):
    """The period of the province table: the last 3, 6, 12 or 24 months."""

    months = forms.TypedChoiceField(
        label=gettext_lazy("Period"), coerce=int, initial=province_figures.DEFAULT_MONTHS, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request: the labels are in the visitor's language.
        self.fields["months"].choices = [(n, _("the last %(n)s months") % {"n": n}) for n in province_figures.PERIODS]

    def months_or_default(self):
        if self.is_valid() and self.cleaned_data.get("months"):
            return self.cleaned_data["months"]
        return province_figures.DEFAULT_MONTHS


def _period(request):
    form = PeriodForm(request.GET or None)
    return form, form.months_or_default()


def province_columns():
    """(sort key, heading) of the table's columns, in order."""
    return [
        ("office", _("Office")),
        ("received", _("Requests received")),
        ("median_days", _("Half were done within (days)")),
        ("p90_days", _("9 in 10 were done within (days)")),
        ("within_sla_pct", _("On time (%)")),
        ("satisfaction", _("Satisfaction (1 to 5)")),
        ("backlog", _("Open now")),
    ]


def province_table(request, figures, keep=None):
    """What the public page and the admin's "Province figures" show: the rows sorted as asked
    and the column headings with their sort links (which keep the period and the `keep`
    parameters)."""
    column, descending = province_figures.parse_sort(request.GET.get("sort"))
    rows = province_figures.sort_rows(figures["offices"], column, descending)
    months = figures["months"]
    headings = []
    for key, label in province_columns():
        current = key == column
        # A first click sorts the office name A→Z and the figures from the largest down; a click
        # on the current column turns it round.
        first_descending = key != "office"
        next_descending = (not descending) if current else first_descending
        query = {**(keep or {}), "sort": ("-" if next_descending else "") + key}
        if months != province_figures.DEFAULT_MONTHS:
            query["months"] = months
        headings.append(
            {
                "key": key,
                "label": label,
                "url": "?" + urlencode(query),
                "aria_sort": ("descending" if descending else "ascending") if current else None,
            }
        )
    return {
        "figures": figures,
        "rows": rows,
        "headings": headings,
        "sort": column,
        "descending": descending,
        "start": datetime.date.fromisoformat(figures["start"]),
        "end": datetime.date.fromisoformat(figures["end"]),
        "generated_at": datetime.datetime.fromisoformat(figures["generated_at"]),
        "min_resolved": figures["min_resolved"],
    }


@require_GET
def province_list(request):
    """Every province with offices on this install."""
    return render(request, "reporting/provinces.html", {"provinces": province_figures.provinces()})


@require_GET
def province_here(request):
    """The province of the office this host name belongs to; the list of provinces when the
    office has none."""
    province = Office.objects.filter(site=current_office(request)).values_list("province", flat=True).first()
    if not province:
        return province_list(request)
    return province_dashboard(request, province)


@require_GET
def province_dashboard(request, province):
    form, months = _period(request)
    figures = province_figures.figures(province, months)
    if figures is None:
        raise Http404
    pagecache.depends_on(request, pagecache.CASES)
    download_query = f"?months={months}" if months != province_figures.DEFAULT_MONTHS else ""
    context = {
        **province_table(request, figures),
        "form": form,
        "province": province,
        "csv_url": reverse("province_data_csv", args=[province]) + download_query,
        "json_url": reverse("province_data_json", args=[province]) + download_query,
        "licence": LICENCE,
    }
    return render(request, "reporting/province.html", context)


def province_open_data_rows(figures):
    return [
        {
            "province": figures["province"],
            "office": row["office"],
            "host": row["host"],
            "period_start": figures["start"],
            "period_end": figures["end"],
            "received": row["received"],
            "resolved": row["resolved"],
            "enough_data": row["enough_data"],
            "median_days": row["median_days"],
            "p90_days": row["p90_days"],
            "within_sla_pct": row["within_sla_pct"],
            "satisfaction": row["satisfaction"],
            "ratings": row["ratings"],
            "backlog": row["backlog"],
        }
        for row in province_figures.sort_rows(figures["offices"], "office", False)
    ]


def _province_download(request, province):
    _form, months = _period(request)
    figures = province_figures.figures(province, months)
    if figures is None:
        raise Http404
    return figures


def _field_description(description):
    return str(description) % {"n": province_figures.MIN_RESOLVED} if "%(n)s" in str(description) else str(description)


@require_GET
def province_csv(request, province):
    figures = _province_download(request, province)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a BOM, so Excel opens the Thai names as UTF-8
    writer = csv.DictWriter(buffer, fieldnames=[f[0] for f in PROVINCE_FIELDS], lineterminator="\r\n")
    writer.writeheader()
    for row in province_open_data_rows(figures):
        writer.writerow(
            {k: "" if v is None else ("true" if v is True else "false" if v is False else v) for k, v in row.items()}
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="province-performance.csv"'
    response["Link"] = f'<{LICENCE["url"]}>; rel="license"'
    return response


@require_GET
def province_json(request, province):
    figures = _province_download(request, province)
    payload = {
        "title": "Service request performance of the offices of a province",
        "province": figures["province"],
        "licence": LICENCE,
        "generated_at": figures["generated_at"],
        "min_resolved": figures["min_resolved"],
        "fields": [{"name": n, "type": t, "description": _field_description(d)} for n, t, d in PROVINCE_FIELDS],
        "rows": province_open_data_rows(figures),
    }
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Link"] = f'<{LICENCE["url"]}>; rel="license"'
    return response
