"""PDPA background work: anonymise closed cases whose retention period has ended.

Scheduled daily at 03:00 by portal/schedules.py. Safe to run twice and
concurrently with itself: `privacy.anonymise` locks the case row and skips a case that already
carries an Anonymisation mark.
"""

import logging

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
        logger.info("PDPA retention: anonymised %s cases", done)
    return done
