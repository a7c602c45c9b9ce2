"""The messages the bot sends, as Messaging API JSON: text with quick replies, and Flex bubbles
whose altText is the same content as plain text (what notifications and old phones show)."""

from django.utils.translation import gettext as _

from portal.templatetags.portal_tags import thaidate

# LINE's limits: 13 quick-reply items, 20 characters in a quick-reply label.
MAX_QUICK_REPLIES = 13
LABEL_LENGTH = 20


def label(text):
    text = str(text)
    return text if len(text) <= LABEL_LENGTH else text[: LABEL_LENGTH - 1] + "…"


def postback(text, data, display=None):
    return {"type": "postback", "label": label(text), "data": data, "displayText": str(display or text)[:300]}


def quick(action):
    return {"type": "action", "action": action}


def text(body, actions=()):
    message = {"type": "text", "text": str(body)[:5000]}
    if actions:
        message["quickReply"] = {"items": [quick(a) for a in list(actions)[:MAX_QUICK_REPLIES]]}
    return message


def send_location():
    return {"type": "location", "label": label(_("Send location"))}


def flex(alt, bubble, actions=()):
    message = {"type": "flex", "altText": str(alt)[:400], "contents": bubble}
    if actions:
        message["quickReply"] = {"items": [quick(a) for a in list(actions)[:MAX_QUICK_REPLIES]]}
    return message


def _row(name, value):
    return {
        "type": "box",
        "layout": "baseline",
        "spacing": "sm",
        "contents": [
            {"type": "text", "text": str(name), "size": "sm", "color": "#666666", "flex": 2, "wrap": True},
            {"type": "text", "text": str(value) or "-", "size": "sm", "flex": 4, "wrap": True},
        ],
    }


def _bubble(title, rows, buttons=()):
    bubble = {
        "type": "bubble",
        "body": {
            "type": "box",
            "layout": "vertical",
            "spacing": "md",
            "contents": [{"type": "text", "text": str(title), "weight": "bold", "size": "lg", "wrap": True}]
            + [_row(n, v) for n, v in rows],
        },
    }
    if buttons:
        bubble["footer"] = {
            "type": "box",
            "layout": "vertical",
            "spacing": "sm",
            "contents": [
                {"type": "button", "style": "primary" if i == 0 else "link", "action": b} for i, b in enumerate(buttons)
            ],
        }
    return bubble


def uri(text, link):
    return {"type": "uri", "label": label(text), "uri": link}


def receipt(case, tracking_link):
    """The reply once the case is filed: reference, service, expected date, tracking link."""
    expected = thaidate(case.due_date, "long") if case.due_date else "-"
    rows = [(_("Reference"), case.reference), (_("Service"), case.service_title), (_("Expected by"), expected)]
    alt = _("Report received. Reference %(reference)s, expected by %(date)s. Track it: %(link)s") % {
        "reference": case.reference,
        "date": expected,
        "link": tracking_link,
    }
    return flex(alt, _bubble(_("Report received"), rows, [uri(_("Track my report"), tracking_link)]))


def follow_data(case):
    """The postback of the "follow this report" button: the reference, looked up again (within
    the office) when it comes back, since anyone can send any postback data."""
    return f"action=follow&ref={case.reference}"


def unfollow_data(case):
    return f"action=unfollow&ref={case.reference}"


def nearby(case, metres, report_link):
    """An open report of the same service close by: follow it, or file anyway."""
    rows = [
        (_("Reference"), case.reference),
        (_("Service"), case.service_title),
        (_("Status"), case.public_label),
        (_("Distance"), _("about %(metres)s m") % {"metres": metres}),
    ]
    alt = _(
        "This may already be reported: %(service)s, %(metres)s m from your location (%(reference)s, %(status)s). "
        "See it at %(link)s, or report yours anyway."
    ) % {
        "service": case.service_title,
        "metres": metres,
        "reference": case.reference,
        "status": case.public_label,
        "link": report_link,
    }
    buttons = [
        postback(_("Follow this report"), follow_data(case)),
        uri(_("See that report"), report_link),
        postback(_("Report anyway"), "action=file_anyway"),
        postback(_("Cancel my report"), "action=cancel"),
    ]
    return flex(alt, _bubble(_("Already reported nearby?"), rows, buttons))


def my_cases(cases, link_for, followed=frozenset()):
    """The resident's cases and the reports they follow (the ids in `followed`, marked as such,
    with an "unfollow" button) as a carousel in the order given, or a text when there are none."""
    if not cases:
        return text(_("You have no reports with this office through LINE yet."))
    bubbles = []
    lines = []
    for case in cases:
        submitted = thaidate(case.submitted_at.date(), "long") if case.submitted_at else "-"
        rows = [(_("Status"), case.public_label), (_("Filed"), submitted)]
        if case.pk in followed:
            rows.insert(0, (_("You"), _("follow this report")))
            buttons = [uri(_("See the report"), link_for(case)), postback(_("Unfollow"), unfollow_data(case))]
            mark = " " + _("(followed)")
        else:
            buttons = [uri(_("Track"), link_for(case))]
            mark = ""
        bubbles.append(_bubble(f"{case.reference} · {case.service_title}", rows, buttons))
        lines.append(f"{case.reference} {case.service_title}: {case.public_label}{mark}")
    alt = _("Your reports:") + "\n" + "\n".join(lines)
    return flex(alt, {"type": "carousel", "contents": bubbles})
