"""Sending signed webhook bodies to the portal, as LINE's servers do."""

from tests import line_platform

WEBHOOK = "/line/webhook/"


def send(client, capture, *events, url=WEBHOOK, secret=line_platform.SECRET, body=None, signature=None):
    """POST the events signed with `secret`; the queued tasks run (after commit) before it returns."""
    body = body if body is not None else line_platform.webhook_body(*events)
    sign = signature if signature is not None else line_platform.signature(body, secret)
    with capture(execute=True):
        return client.post(url, data=body, content_type="application/json", HTTP_X_LINE_SIGNATURE=sign)
