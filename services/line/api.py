"""The few Messaging API calls the chat and the rich menu make, with `requests`.

A reply uses the event's reply token (free, and shown as an answer); a reply token works once
and expires within a minute, so when LINE refuses it (the task ran late or twice) the same
messages go as a push with an X-Line-Retry-Key derived from the event, which LINE delivers at
most once however often it is retried. A resident who blocked the account mid-conversation makes
LINE answer 4xx: that is logged and dropped, never raised into the task.
"""

import logging
import uuid

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

TIMEOUT = (5, 20)
# A photo a resident sends is at most this large; LINE's own limit is higher, ours is the web
# form's cap (FORMS_BUILDER_MAX_UPLOAD_MB).
CHUNK = 64 * 1024


class TooLarge(Exception):
    """The content is larger than the cap; reading stopped there."""


class ContentError(Exception):
    """LINE did not give the content (expired, deleted, network)."""


def _headers(token, **extra):
    return {"Authorization": f"Bearer {token}", **extra}


def api_url(path):
    return settings.LINE_API_URL.rstrip("/") + path


def data_url(path):
    return settings.LINE_DATA_API_URL.rstrip("/") + path


def retry_key(event_id):
    """The same X-Line-Retry-Key (a UUID, as LINE requires) for every try of one event's answer."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"line-event:{event_id}"))


def reply(token, reply_token, user_id, messages, event_id):
    """Answer an event: by reply token, else by push with a retry key. True if LINE took it."""
    messages = messages[:5]
    if reply_token:
        try:
            response = requests.post(
                api_url("/v2/bot/message/reply"),
                json={"replyToken": reply_token, "messages": messages},
                headers=_headers(token),
                timeout=TIMEOUT,
            )
            if response.status_code == 200:
                return True
            logger.info("LINE refused a reply (%s); pushing instead", response.status_code)
        except requests.RequestException:
            logger.info("LINE reply failed; pushing instead", exc_info=True)
    return push(token, user_id, messages, retry_key(event_id))


def push(token, user_id, messages, key):
    try:
        response = requests.post(
            api_url("/v2/bot/message/push"),
            json={"to": user_id, "messages": messages[:5]},
            headers=_headers(token, **{"X-Line-Retry-Key": key}),
            timeout=TIMEOUT,
        )
    except requests.RequestException:
        logger.warning("LINE push failed", exc_info=True)
        return False
    if response.status_code in (200, 409):  # 409: this retry key was delivered already
        return True
    # 4xx: the user blocked the account, or the message was refused; nothing more to do.
    logger.warning("LINE refused a push: %s %s", response.status_code, response.text[:300])
    return False


def content(token, message_id, cap):
    """(content type, bytes) of a message's content, streamed and stopped at `cap` bytes."""
    try:
        with requests.get(
            data_url(f"/v2/bot/message/{message_id}/content"), headers=_headers(token), stream=True, timeout=TIMEOUT
        ) as response:
            if response.status_code != 200:
                raise ContentError(response.status_code)
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > cap:
                raise TooLarge
            data = bytearray()
            for chunk in response.iter_content(CHUNK):
                data.extend(chunk)
                if len(data) > cap:
                    raise TooLarge
            return response.headers.get("Content-Type", ""), bytes(data)
    except requests.RequestException as error:
        raise ContentError(str(error)) from None


def call(token, method, path, *, data_api=False, **kwargs):
    """One management call (the rich menu's); raises for a status other than 200."""
    url = (data_url if data_api else api_url)(path)
    response = requests.request(
        method, url, headers=_headers(token, **kwargs.pop("headers", {})), timeout=TIMEOUT, **kwargs
    )
    if response.status_code >= 400:
        raise requests.HTTPError(f"{response.status_code} {response.text[:300]}", response=response)
    return response.json() if response.content else {}
