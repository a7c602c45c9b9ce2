"""PDPA background work, scheduled by portal/schedules.py:

- `anonymise_expired_cases` (daily, 03:00): closed cases whose retention period has ended.
  Safe to run twice and concurrently with itself: `privacy.anonymise` locks the case row and
  skips a case that already carries an Anonymisation mark.
- `purge_expired_sessions_and_drafts` (daily, 02:30): what residents left half-way. A browser
  session keeps a form's answers as typed (django-formtools' SessionStorage) after the resident
  walked away, and Django never deletes an expired session by itself; a saved draft keeps them
  until FORMS_BUILDER_DRAFT_DAYS after its last save.

Both take no arguments and only remove what has expired, so a second run finds nothing more to do.
"""

import logging
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from forms_builder.tasks import purge_expired_drafts
from services.privacy import personal_data as privacy
from services.privacy.models import Anonymisation

logger = logging.getLogger(__name__)


def anonymise_expired_cases(limit=None):
    """Anonymise every case past its retention period; returns how many were anonymised."""
    done = 0
    for case in privacy.expired_cases():
        if privacy.anonymise(case, reason=Anonymisation.Reason.RETENTION):
            done += 1
        if limit and done >= limit:
            break
    if done:
        privacy.settle_on_disk()
        logger.info("PDPA retention: anonymised %s cases", done)
    return done


def purge_expired_sessions_and_drafts():
    """Delete expired browser sessions (what `manage.py clearsessions` does) and expired saved
    drafts with the uploads nobody can send any more (the form engine's own purge, which knows
    a draft's lifetime). Returns {"sessions": n, "drafts": n, "uploads": n}."""
    engine = import_module(settings.SESSION_ENGINE)
    sessions = 0
    if settings.SESSION_ENGINE.endswith(("sessions.backends.db", "sessions.backends.cached_db")):
        sessions = Session.objects.filter(expire_date__lt=timezone.now()).count()
    try:
        engine.SessionStore.clear_expired()
    except NotImplementedError:  # cookie sessions: nothing is stored on the server
        sessions = 0
    drafts, uploads = purge_expired_drafts()
    if sessions or drafts or uploads:
        privacy.settle_on_disk()
        logger.info("PDPA purge: %s expired sessions, %s expired drafts, %s unsent uploads", sessions, drafts, uploads)
    return {"sessions": sessions, "drafts": drafts, "uploads": uploads}
