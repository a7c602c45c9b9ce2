"""The questionnaire's figures and the office's usage, for the public dashboard and the monthly
report (issue 22 §5).

Reporting sits above this room (it imports areas, never the reverse), so each function returns
plain tables — (title, header, rows) — and reporting's side wraps them in its `monthly.Section`
for DASHBOARD_SECTIONS_HOOK and SECTIONS_HOOK, as the agencies room's are. Totals only, never a
person: a mean of fewer than MIN_ANSWERS answers is withheld ("–"), as the dashboard withholds a
rating mean, so one resident's answer cannot be read off a published number.

What is counted:
- *satisfaction*: the answers given in the period (after a request, at the counter, and the star
  ratings kept as "overall"), per service and per department: how many, and the mean of each
  question over the answers that have it;
- *users*: requests filed in the period (a merged duplicate counts once, on the report it was
  merged into, as every figure does) plus the counter visits answered, against the office's
  target (`FeedbackSettings.monthly_target`);
- *channels*: those requests per channel (web, LINE, counter, volunteer, phone), per month and
  per community (`Area` of kind community; "No community" for a request outside every drawn one);
- *volunteers*: requests filed through volunteers per community, how many are done, and by how
  many volunteers.

Four queries for a whole window, whatever its length; the dashboard's copy is cached for
CACHE_SECONDS under the case figures' generation (a change to any case starts a new one).
"""

import datetime
from collections import defaultdict

from django.core.cache import cache
from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal import pagecache
from services.areas.models import AreaKind
from services.cases.models import Case, CaseStatus, Channel
from services.feedback.models import DEFAULT_MONTHLY_TARGET, QUESTIONS, Answer, FeedbackSettings

MIN_ANSWERS = 3  # as services.reporting.views.MIN_RATINGS
CACHE_SECONDS = 600
CHANNELS = [Channel.WEB, Channel.LINE, Channel.COUNTER, Channel.VOLUNTEER, Channel.PHONE]


def month_start(day):
    return day.replace(day=1)


def add_months(month, count):
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def _bounds(first_day, last_day):
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first_day, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def _month_key(value):
    """TruncMonth gives a datetime (PostgreSQL) or a date; the month's first day either way."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return value.replace(day=1)


def _thai():
    return (translation.get_language() or "th").startswith("th")


def _name(thai_name, english_name):
    return thai_name if _thai() or not english_name else english_name


def _mean(total, count):
    return round(total / count, 2) if count >= MIN_ANSWERS else None


# --- satisfaction ---------------------------------------------------------------------------


def satisfaction_rows(site, first_day, last_day):
    """One query: per (department, service) the answers' count and, per question, its sum and
    count, which add up into both the per-service and the per-department tables."""
    start, end = _bounds(first_day, last_day)
    aggregates = {"n": Count("pk")}
    for question in QUESTIONS:
        aggregates[f"{question}_n"] = Count(question)
        aggregates[f"{question}_mean"] = Avg(question)
    return list(
        Answer.objects.filter(site=site, created_at__gte=start, created_at__lt=end)
        .values("department__name", "department__name_en", "service_title")
        .annotate(**aggregates)
        .order_by()
    )


def _grouped(rows, key):
    groups = defaultdict(lambda: {"n": 0, **{q: [0.0, 0] for q in QUESTIONS}})
    for row in rows:
        group = groups[key(row)]
        group["n"] += row["n"]
        for question in QUESTIONS:
            count = row[f"{question}_n"]
            if count:
                group[question][0] += row[f"{question}_mean"] * count
                group[question][1] += count
    return [
        [name, group["n"], *(_mean(*group[q]) for q in QUESTIONS)]
        for name, group in sorted(groups.items(), key=lambda item: item[0].casefold())
    ]


def satisfaction_tables(rows):
    """[(title, header, rows)] per service and per department, in the active language."""
    questions = [_("Ease (mean)"), _("Speed (mean)"), _("Staff (mean)"), _("Overall (mean)")]
    no_service, no_department = _("Other visits"), _("No department")
    by_service = _grouped(rows, lambda row: row["service_title"] or no_service)
    by_department = _grouped(
        rows, lambda row: _name(row["department__name"], row["department__name_en"]) or no_department
    )
    return [
        (_("Satisfaction per service"), [_("Service"), _("Answers"), *questions], by_service),
        (_("Satisfaction per department"), [_("Department"), _("Answers"), *questions], by_department),
    ]


# --- users and channels -----------------------------------------------------------------------


def _cases(site, first_day, last_day):
    start, end = _bounds(first_day, last_day)
    return Case.objects.counted().filter(site=site, submitted_at__gte=start, submitted_at__lt=end)


def channel_months(site, first_day, last_day):
    """{month: {channel: requests}}: one query."""
    found = defaultdict(dict)
    rows = (
        _cases(site, first_day, last_day)
        .annotate(month=TruncMonth("submitted_at"))
        .values("month", "channel")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        found[_month_key(row["month"])][row["channel"]] = row["n"]
    return found


def counter_months(site, first_day, last_day):
    """{month: counter visits answered}: one query."""
    start, end = _bounds(first_day, last_day)
    rows = (
        Answer.objects.filter(site=site, case__isnull=True, created_at__gte=start, created_at__lt=end)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {_month_key(row["month"]): row["n"] for row in rows}


def _months(first_day, last_day):
    month, months = month_start(first_day), []
    while month <= last_day:
        months.append(month)
        month = add_months(month, 1)
    return months


def users_table(months, channels, counters, target, month_label):
    header = [
        _("Month"),
        _("Requests"),
        _("Counter visits answered"),
        _("Users"),
        _("Monthly target"),
        _("Per cent of target"),
    ]
    rows = []
    for month in months:
        requests = sum(channels.get(month, {}).values())
        visits = counters.get(month, 0)
        users = requests + visits
        rows.append([month_label(month), requests, visits, users, target, round(100 * users / max(target, 1))])
    return _("Users per month against the target"), header, rows


def channel_header(first):
    return [first, *(str(Channel(channel).label) for channel in CHANNELS), _("Total")]


def _channel_cells(counts):
    cells = [counts.get(channel, 0) for channel in CHANNELS]
    return [*cells, sum(counts.values())]


def channel_month_table(months, channels, month_label):
    rows = [[month_label(month), *_channel_cells(channels.get(month, {}))] for month in months]
    return _("How requests reached us, per month"), channel_header(_("Month")), rows


def community_rows(site, first_day, last_day):
    """Per (community, channel): requests, of them done, and distinct volunteers: one query."""
    done = Q(status__in=[CaseStatus.RESOLVED, CaseStatus.CLOSED])
    return list(
        _cases(site, first_day, last_day)
        .filter(Q(area__isnull=True) | Q(area__kind=AreaKind.COMMUNITY))
        .values("area__name", "area__name_en", "channel")
        .annotate(n=Count("pk"), done=Count("pk", filter=done), volunteers=Count("submission__filed_by", distinct=True))
        .order_by()
    )


def community_tables(rows):
    """[(title, header, rows)]: the channel mix per community, and the volunteers' requests."""
    outside = _("No community")
    mix, volunteers = defaultdict(dict), {}
    for row in rows:
        name = _name(row["area__name"], row["area__name_en"]) or outside
        mix[name][row["channel"]] = mix[name].get(row["channel"], 0) + row["n"]
        if row["channel"] == Channel.VOLUNTEER:
            volunteers[name] = [row["n"], row["done"], row["volunteers"]]

    def order(name):
        return (name == outside, name.casefold())

    return [
        (
            _("How requests reached us, per community"),
            channel_header(_("Community")),
            [[name, *_channel_cells(mix[name])] for name in sorted(mix, key=order)],
        ),
        (
            _("Requests filed through volunteers, per community"),
            [_("Community"), _("Requests filed"), _("Of them done"), _("Volunteers")],
            [[name, *volunteers[name]] for name in sorted(volunteers, key=order)],
        ),
    ]


# --- the dashboard and the monthly report ------------------------------------------------------


def monthly_target(site):
    """The office's target, read without `for_site`, which would write a settings row (three more
    queries) on an office that never opened its settings."""
    found = FeedbackSettings.objects.filter(site=site).values_list("monthly_target", flat=True).first()
    return found or DEFAULT_MONTHLY_TARGET


def tables(site, first_day, last_day, month_label):
    """Every table of the period, in the active language: six tables, five queries."""
    target = monthly_target(site)
    months = _months(first_day, last_day)
    channels = channel_months(site, first_day, last_day)
    counters = counter_months(site, first_day, last_day)
    return [
        users_table(months, channels, counters, target, month_label),
        channel_month_table(months, channels, month_label),
        *community_tables(community_rows(site, first_day, last_day)),
        *satisfaction_tables(satisfaction_rows(site, first_day, last_day)),
    ]


def dashboard_tables(site, month_label, today=None):
    """The last 12 months (this one so far), newest month first, for the public dashboard."""
    today = today or timezone.localdate()
    key = (
        f"feedback:{pagecache.version(pagecache.CASES)}:site{site.pk}:{translation.get_language()}:{today.isoformat()}"
    )
    found = cache.get(key)
    if found is None:
        found = tables(site, add_months(month_start(today), -11), today, month_label)
        for _title, _header, rows in found[:2]:
            rows.reverse()
        cache.set(key, found, CACHE_SECONDS)
    return found


def monthly_tables(site, month, month_label):
    """The month's tables in Thai, for the monthly report."""
    last_day = add_months(month_start(month), 1) - datetime.timedelta(days=1)
    with translation.override("th"):
        return tables(site, month_start(month), last_day, month_label)
