"""Signals the form engine sends, so other rooms can react without forms_builder importing them.

`draft_link_requested(sender=Draft, draft, resume_url, contact, language)`: a resident who saved
a form asked for the link by email or SMS (`contact` is a checked email address or Thai mobile
number). Sent inside a transaction; the notifications room records the message there.
"""

from django.dispatch import Signal

draft_link_requested = Signal()
