"""Background jobs of the case queue, named in portal/schedules.py's table."""

from services.cases import stages


def send_delay_notices():
    """Daily: the Licensing Facilitation Act's delay notice to every resident whose request is
    past its published time, once per 7 days per case (idempotent: see stages.send_delay_notices)."""
    return stages.send_delay_notices()
