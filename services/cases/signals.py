"""Signals the case queue offers to the areas above it (cases imports none of them).

`tracking_code_requested` is sent when a resident asks for a one-time code on /t/<REFERENCE>.
Keyword arguments: `case`, `code` (six ASCII digits, never stored in clear), `via` ("phone" or
"email": where the resident asked for it) and `language`. A receiver that takes the job on
(notifications writes it to its outbox) returns the masked address it goes to, e.g.
"08x-xxx-5678"; a receiver that cannot (the form holds no such contact) returns "".

`case_merged` is sent, after the commit, when an officer marks a case a duplicate of another.
Keyword arguments: `case` (the duplicate, now closed and pointing at the other), `into` (the case
it was merged into) and `by` (the officer). Public reports move the duplicate's followers, and
its resident, to `into`. `case_unmerged` (same arguments) is sent when that is undone.
"""

from django.dispatch import Signal

tracking_code_requested = Signal()
case_merged = Signal()
case_unmerged = Signal()
