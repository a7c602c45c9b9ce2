"""The starter catalogue: what a new office's site holds on its first day.

`create_office` (and `load_demo`, for the default site) call `load_starter(site, out)`. Each room
contributes a `starter.py` with a `load(site, out)`; they are imported by name, as `load_demo`
does, so the kernel never imports a room. The order is the order of dependencies: e-forms before
the guides that link to them, guides before the home page tiles that point at them.

What the starter writes is office-neutral: guides in the citizen's-manual shape with their e-forms,
departments, categories, standard pages with marked placeholders, the editorial workflow. It
creates no users, cases, households or payment IDs: editors adapt the content, the office
administrator fills in the PromptPay ID and contacts.

Invariants every room's `load` keeps:
- Precondition: `site.root_page` is the office's Thai home page and its English translation exists.
- Any site: pages go under that site's root; rows that belong to an office carry its site.
- Idempotent: what exists is found by a stable key (a slug under the parent, a code) and left as
  it is, so a second run changes nothing and never overwrites what editors adapted.
- Fast (a few seconds per office): each page is written once, already live, with one revision
  (`add_live_page`), instead of Wagtail's add_child, save_revision and publish round trip.
"""

import time
from contextlib import contextmanager
from importlib import import_module

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django_q.tasks import async_task
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.backends.dummy import DummyBackend
from wagtail.log_actions import get_active_log_context
from wagtail.models import Locale, Page, PageLogEntry, Revision
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.signals import page_published
from wagtail.tasks import update_reference_index_task

STARTER_MODULES = ["forms_builder.starter", "services.starter", "home.starter"]


def load_starter(site, out):
    """Give `site` the starter catalogue. Returns the seconds it took."""
    started = time.perf_counter()
    for name in STARTER_MODULES:
        import_module(name).load(site, out)
    seconds = time.perf_counter() - started
    out.write(f"  starter catalogue: {seconds:.1f} s\n")
    return seconds


def home_pages(site):
    """The site's Thai home page and its English translation, as their specific classes."""
    thai = site.root_page.specific
    english = thai.get_translation(Locale.objects.get(language_code="en")).specific
    return thai, english


def office_names(site):
    """The office's Thai and English names: what create_office gave the site and its home pages."""
    thai, english = home_pages(site)
    name = site.site_name or thai.title
    return name, (english.title if english.title not in ("", "Home") else name)


@contextmanager
def wagtail_tasks_after_commit():
    """The tasks Wagtail queues inside (its admin search index and reference index of each saved
    object) run in one django-q2 task after the transaction commits, not one by one in the
    caller. Wagtail queues them with django-tasks, whose default backend runs each at once: a
    starter catalogue's 72 pages cost going live some 800 queries that way. Only this thread's
    tasks are held (django-tasks keeps its backends per thread); nothing is queued when the block
    fails, and the transaction rolls back with it."""
    held = DummyBackend(DEFAULT_TASK_BACKEND_ALIAS, {})
    previous = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    task_backends[DEFAULT_TASK_BACKEND_ALIAS] = held
    try:
        yield
    finally:
        task_backends[DEFAULT_TASK_BACKEND_ALIAS] = previous
    calls = []
    for result in held.results:
        call = (result.task.module_path, list(result.args), dict(result.kwargs))
        if call not in calls:
            calls.append(call)
    if calls:
        transaction.on_commit(lambda: async_task("portal.starter.run_wagtail_tasks", calls))


def run_wagtail_tasks(calls):
    """Task: run the held Wagtail tasks ((dotted path, args, kwargs)), in one transaction. An
    object deleted since (an office removed again at once) is skipped: its tasks look it up by
    id, and it needs no index any more."""
    with transaction.atomic():
        for path, args, kwargs in calls:
            try:
                import_string(path).call(*args, **kwargs)
            except ObjectDoesNotExist:
                continue


def add_live_page(parent, page, references=False):
    """Add `page` under `parent`, live, with one revision (so the admin's history and compare
    views have something to show) and the "created" entry of its history: an insert, a revision
    and one update, where Wagtail's add_child, save_revision and publish would validate, write
    and index the page three times.

    The caller made the page from trusted specs and checked its slug is free under `parent`, so
    Django's full_clean is skipped (treebeard's add_child offers no way to), and so is the log
    entry's own (two queries checking the keys just made). A new page is no site's root, which
    Wagtail would otherwise ask the database on every save. Wagtail's reference index ("where is
    this used") is written only when `references` says the page points at other objects (a
    guide's form, department and category; a tile's page), by Wagtail's own task (held until the
    commit inside `wagtail_tasks_after_commit`). The `page_published` signal other rooms rely on
    (the site search) is sent as a publish sends it."""
    now = timezone.now()
    page.live, page.has_unpublished_changes = True, False
    page.first_published_at = page.last_published_at = page.latest_revision_created_at = now
    page.draft_title = page.title
    if not page.locale_id:
        page.locale_id = parent.locale_id
    page.depth = parent.depth + 1
    last = Page.objects.filter(path__startswith=parent.path, depth=page.depth).order_by("-path").first()
    page.path = last._inc_path() if last else Page._get_path(parent.path, page.depth, 1)
    page._cached_parent_obj = parent
    page._is_site_root = False
    with disable_reference_index_auto_update():
        page.save(clean=False, log_action=None)
    context = get_active_log_context()
    PageLogEntry.objects.bulk_create(
        [
            PageLogEntry(
                content_type=ContentType.objects.get_for_model(page, for_concrete_model=False),
                label=str(page) or f"{type(page).__name__} object ({page.pk})",
                action="wagtail.create",
                timestamp=now,
                data={},
                user=page.owner if page.owner_id else context.user,
                uuid=context.uuid,
                content_changed=True,
                page=page,
            )
        ]
    )
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + 1)
    parent.numchild += 1
    revision = Revision.objects.create(
        content_object=page,
        base_content_type=page.get_base_content_type(),
        content=page.serializable_data(),
        object_str=str(page),
    )
    type(page).objects.filter(pk=page.pk).update(latest_revision=revision, live_revision=revision)
    page.latest_revision = page.live_revision = revision
    if references:
        update_reference_index_task.enqueue(page._meta.app_label, page._meta.model_name, str(page.pk))
    page_published.send(sender=type(page), instance=page, revision=revision)
    return page


def translation_of(page, locale):
    """The page's translation in `locale`, or None."""
    return type(page).objects.filter(translation_key=page.translation_key, locale=locale).first()
