"""Thai-aware site search over services, forms (documents) and news.

Why our own index: Thai is written without spaces, and Wagtail's database backend (SQLite FTS,
PostgreSQL tsvector) treats a whole Thai sentence as one word, so "ขยะ" never matches a page
that says "ค่าธรรมเนียมเก็บขยะมูลฝอย". PyThaiNLP's newmm segmenter splits text into words both
when we index and when we query. Segmenting alone is not enough either: newmm keeps compounds
like "ขยะมูลฝอย" as one token. So each query word is matched as a *substring* of the segmented,
lower-cased `SearchEntry.search_text` (plain LIKE, identical on SQLite and PostgreSQL), every
word must match (AND), and ranking prefers title hits and whole-word hits over substrings.
An office has hundreds of items, not millions: a LIKE scan over one small table is fast enough
(see the report in the README) and needs no extension.
"""

import re
import threading
import unicodedata
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django_q.tasks import async_task
from pythainlp.corpus import thai_stopwords
from pythainlp.tokenize import word_tokenize
from wagtail.documents import get_document_model
from wagtail.models import Page

from home.models import NewsPage, SearchEntry
from portal import office_admin, pagecache

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 8
MAX_CANDIDATES = 300
SNIPPET_CHARS = 160

_WORD = re.compile(r"\w", re.UNICODE)
_STOPWORDS = frozenset(thai_stopwords())


def clean_query(raw):
    """What the visitor typed, made safe to show and search: no control characters, one space, capped."""
    text = "".join(ch for ch in (raw or "") if unicodedata.category(ch)[0] != "C" or ch in " \t")
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def segment(text):
    """Lower-cased words of `text`, Thai segmented by PyThaiNLP (newmm), punctuation dropped."""
    words = word_tokenize((text or "").lower(), engine="newmm", keep_whitespace=False)
    return [w.strip() for w in words if w.strip() and _WORD.search(w)]


def segmented_text(text):
    """The form stored in `SearchEntry.search_text`: words separated by single spaces, padded so
    a whole-word test is `" word " in text`."""
    return " " + " ".join(segment(text)) + " "


def query_words(query):
    """The words to look for: segmented like the index, stop words dropped unless nothing else is
    left, a plural "s" dropped from English words so "permits" finds "permit"."""
    words = []
    for word in segment(query):
        if word.isascii() and len(word) > 3 and word.endswith("s"):
            word = word[:-1]
        if word not in words:
            words.append(word)
    meaningful = [w for w in words if w not in _STOPWORDS]
    return (meaningful or words)[:MAX_QUERY_WORDS]


def _office_id(site):
    """The office searched: `site`, or the default office when none is given."""
    return site.pk if site is not None else office_admin.default_site_id()


def search(query, language, site=None):
    """Entries of the office `site` (default: the default office) matching every word of
    `query`, best first. Two queries at most, whatever the size."""
    words = query_words(query)
    if not words:
        return []
    entries = SearchEntry.objects.filter(Q(language=language) | Q(language=""), site_id=_office_id(site))
    for word in words:
        entries = entries.filter(search_text__contains=word)
    entries = list(entries.select_related("page").order_by("-date", "title")[:MAX_CANDIDATES])
    for entry in entries:
        entry.score = _score(entry, words)
        entry.snippet = make_snippet(entry.body, words)
    entries.sort(key=lambda e: -e.score)
    return entries


# "Did you mean …?" ------------------------------------------------------------------------------
# A misspelt Thai word ("ใบอนุญาติ", "ไฟฟา") is cut by the segmenter into real but wrong words
# (ใบ/อนุ/ญาติ), so correcting segmented words cannot work. Instead each part of the query as
# the visitor typed it (between spaces) that appears nowhere in the index is replaced by the
# nearest word that does (edit distance, one slip in a short word, two in a longer one), from a
# vocabulary of the index's own words: a correction always finds something, and the vocabulary
# is rebuilt only when content changes (pagecache.memo).
MAX_EDITS_SHORT, MAX_EDITS_LONG, LONG_WORD = 1, 2, 6


def vocabulary(language, request=None, site=None):
    """{word: how many entries use it} over the office's index in `language` (and
    language-neutral forms), plus the same words as one string for substring tests. Kept per
    content version and office: one office's words never suggest another's."""

    def build():
        counts = {}
        texts = SearchEntry.objects.filter(language__in=[language, ""], site_id=office).values_list(
            "search_text", flat=True
        )
        for text in texts:
            for word in set(text.split()):
                counts[word] = counts.get(word, 0) + 1
        return {"counts": counts, "text": " " + " ".join(counts) + " "}

    office = _office_id(site)
    return pagecache.memo(f"search-vocabulary:{office}:{language}", build, request)


def edit_distance(a, b, limit):
    """Levenshtein distance of `a` and `b`, or `limit + 1` as soon as it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def nearest_word(typed, counts):
    """The indexed word closest to `typed`; among equals, the one most entries use."""
    limit = MAX_EDITS_LONG if len(typed) >= LONG_WORD else MAX_EDITS_SHORT
    best, best_key = None, None
    for word, count in counts.items():
        if abs(len(word) - len(typed)) > limit:
            continue
        distance = edit_distance(typed, word, limit)
        if distance <= limit and (best_key is None or (distance, -count) < best_key):
            best, best_key = word, (distance, -count)
    return best


def suggest(query, language, request=None, site=None):
    """`query` with its unknown parts corrected, or None when nothing needs (or can get) a fix."""
    vocab = vocabulary(language, request, site)
    parts, changed = [], False
    for part in query.split():
        words = query_words(part)
        known = part.lower() in vocab["text"] or all(word in vocab["counts"] for word in words)
        if not words or known:
            parts.append(part)  # indexed as typed, or made of indexed words: keep it
            continue
        fixed = nearest_word(part.lower(), vocab["counts"])
        parts.append(fixed or part)
        changed = changed or fixed is not None
    return " ".join(parts) if changed else None


# Residents mostly look for a service; a guide outranks a news item that mentions the same word.
_KIND_BONUS = {"service": 3, "form": 1}


def _score(entry, words):
    title = segmented_text(entry.title)
    score = _KIND_BONUS.get(entry.kind, 0)
    for word in words:
        if word in title:
            # A word inside a compound ("ขยะ" in "ขยะมูลฝอย") is as much a title hit as a whole word.
            score += 8
        score += 2 if f" {word} " in entry.search_text else 1
    return score


def make_snippet(body, words):
    """A piece of the text around the first hit, escaped, with the hits marked (`<mark>`)."""
    if not body:
        return ""
    lower = body.lower()
    positions = [lower.find(w) for w in words if lower.find(w) >= 0]
    start = max(0, min(positions) - SNIPPET_CHARS // 3) if positions else 0
    piece = body[start : start + SNIPPET_CHARS]
    html = escape(piece)
    for word in sorted(words, key=len, reverse=True):
        escaped = escape(word)
        if not escaped:
            continue
        html = re.sub(re.escape(escaped), lambda m: f"<mark>{m.group(0)}</mark>", html, flags=re.IGNORECASE)
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET_CHARS < len(body) else ""
    return mark_safe(prefix + html + suffix)  # noqa: S308 - built from escaped text and fixed tags only


# Indexing -------------------------------------------------------------------------------------


def _kind_for_page(page):
    if page.specific_class is None:
        return None
    name = page.specific_class.__name__
    if name == "ServicePage":
        return SearchEntry.Kind.SERVICE
    if issubclass(page.specific_class, NewsPage):
        return SearchEntry.Kind.NEWS
    if name in ("HomePage",):
        return None
    return SearchEntry.Kind.PAGE


def page_site_id(page, roots=None):
    """The office a page belongs to: the site whose home pages (or their translations) hold it."""
    return office_admin.site_id_for_page(page, roots)


def document_site_id(document, owners=None):
    """The office a document belongs to: the owner of its collection (portal.office_admin), or
    the default office when nobody (or several offices) claim it."""
    found = (owners if owners is not None else office_admin.collection_owners()).get(document.collection_id)
    if found and len(found) == 1:
        return next(iter(found))
    return office_admin.default_site_id()


def index_page(page, roots=None):
    """Add or refresh one page's entry; remove it if the page is not live and public."""
    page = page.specific
    kind = _kind_for_page(page)
    if kind is None or not page.live or page.get_view_restrictions().exists():
        SearchEntry.objects.filter(page_id=page.pk).delete()
        return
    body_parts = [page.search_description]
    if hasattr(page, "search_text"):
        body_parts.append(page.search_text())
    else:
        body_parts.append(getattr(page, "intro", "") or "")
    body = _unique_lines(body_parts)
    SearchEntry.objects.update_or_create(
        page_id=page.pk,
        defaults={
            "site_id": page_site_id(page, roots),
            "kind": kind,
            "language": page.locale.language_code,
            "title": page.title[:255],
            "body": body,
            "search_text": segmented_text(f"{page.title}\n{body}"),
            "date": getattr(page, "date", None) or (page.last_published_at.date() if page.last_published_at else None),
            "url": "",
        },
    )


def _unique_lines(parts):
    """The text once: summaries are often repeated as the description and the first paragraph."""
    seen, lines = set(), []
    for part in parts:
        for line in (part or "").splitlines():
            line = " ".join(line.split())
            if line and line not in seen:
                seen.add(line)
                lines.append(line)
    return "\n".join(lines)


def remove_page(page):
    SearchEntry.objects.filter(page_id=page.pk).delete()


def index_document(document, owners=None):
    """Forms in the library are found in both languages (a Thai form is still what an English
    reader must file), so their entry has no language."""
    parts = [getattr(document, "form_code", ""), getattr(document, "description", "")]
    category = getattr(document, "category", None)
    if category is not None:
        parts.append(category.name)
    body = "\n".join(p for p in parts if p)
    SearchEntry.objects.update_or_create(
        document_id=document.pk,
        defaults={
            "site_id": document_site_id(document, owners),
            "kind": SearchEntry.Kind.FORM,
            "language": "",
            "title": document.title[:255],
            "body": body,
            "search_text": segmented_text(f"{document.title}\n{body}"),
            "date": document.created_at.date() if document.created_at else None,
            "url": document.url,
        },
    )


def remove_document(document_id):
    SearchEntry.objects.filter(document_id=document_id).delete()


def rebuild():
    """Index everything again (after a deploy that changed what is indexed, or by hand)."""
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        count = 0
        roots, owners = office_admin.office_roots(), office_admin.collection_owners()
        for page in Page.objects.live().public().filter(depth__gt=2).specific():
            index_page(page, roots)
            count += 1
        for document in get_document_model().objects.all():
            index_document(document, owners)
            count += 1
    return count


# Signal receivers, connected in HomeConfig.ready(). Indexing one item is a few milliseconds of
# segmenting and one write, so it runs in the publishing request's own transaction: the entry
# commits or rolls back together with the page, and no worker is needed to keep search true.
# The exception is a whole catalogue published at once (`indexed_after_commit`, going live).


def on_page_published(sender, instance, **kwargs):
    pending = getattr(_after_commit, "page_ids", None)
    if pending is not None:
        pending.append(instance.pk)
        return
    index_page(instance)


_after_commit = threading.local()


@contextmanager
def indexed_after_commit():
    """Pages published inside are indexed by the worker once the transaction commits, in one task
    that takes their ids. Going live publishes a whole starter catalogue (72 pages): segmenting
    them in the command, after loading PyThaiNLP's dictionary, was a third of `create_office`'s
    time; a new office has no visitors yet, and its pages are searchable a few seconds later."""
    outer = getattr(_after_commit, "page_ids", None)
    page_ids = _after_commit.page_ids = [] if outer is None else outer
    try:
        yield
    finally:
        if outer is None:
            _after_commit.page_ids = None
    if outer is None and page_ids:
        transaction.on_commit(lambda: async_task("home.search.index_pages", page_ids))


def index_pages(page_ids):
    """Task: index these pages (the ones still there), with the offices' roots read once."""
    roots = office_admin.office_roots()
    with transaction.atomic():
        for page in Page.objects.filter(pk__in=page_ids).specific():
            index_page(page, roots)


def on_page_unpublished(sender, instance, **kwargs):
    remove_page(instance)


def on_document_saved(sender, instance, **kwargs):
    index_document(instance)


def on_document_deleted(sender, instance, **kwargs):
    remove_document(instance.pk)
