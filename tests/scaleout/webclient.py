"""A small HTTP client for the scale-out tests: one browser's cookies, sent to whichever node (or
proxy) a request goes to, as behind a load balancer; forms read from the HTML and posted back."""

import http.client
import re
import ssl
import uuid
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name, default=None):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return default

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class Browser:
    """Cookies kept across hosts (the test talks to 127.0.0.1 on several ports: one site).

    `forwarded_https=True` adds `X-Forwarded-Proto: https`, as the TLS-terminating proxy in front
    of the nodes does; production settings then treat the request as secure (secure cookies,
    no redirect to https)."""

    def __init__(self, forwarded_https=False):
        self.cookies = {}
        self.forwarded_https = forwarded_https

    def request(self, method, url, body=None, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "https":
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # the test's self-signed certificate
            conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=60, context=context)
        else:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        sent = {"User-Agent": "scaleout-test", "Accept-Language": "th"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.forwarded_https:
            sent["X-Forwarded-Proto"] = "https"
        sent.update(headers or {})
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            conn.request(method, path, body=body, headers=sent)
            raw = conn.getresponse()
            response = Response(raw.status, raw.getheaders(), raw.read())
        finally:
            conn.close()
        for name, value in response.headers:
            if name.lower() == "set-cookie":
                cookie = SimpleCookie()
                cookie.load(value)
                for key, morsel in cookie.items():
                    if morsel["max-age"] == "0" or not morsel.value or "1970" in morsel["expires"]:
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = morsel.value
        return response

    def get(self, url, headers=None):
        return self.request("GET", url, headers=headers)

    def post(self, url, fields, files=None, referer=None):
        """POST a form (multipart when there are files), with the Referer and CSRF token Django
        checks on secure requests."""
        headers = {"Referer": referer or url, "X-CSRFToken": self.cookies.get("csrftoken", "")}
        if files:
            body, content_type = multipart(fields, files)
        else:
            body, content_type = urlencode(fields, doseq=True).encode(), "application/x-www-form-urlencoded"
        headers["Content-Type"] = content_type
        return self.request("POST", url, body=body, headers=headers)


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    lines = []
    items = fields.items() if isinstance(fields, dict) else fields
    for name, value in items:
        for one in value if isinstance(value, list) else [value]:
            lines += [f"--{boundary}", f'Content-Disposition: form-data; name="{name}"', "", str(one)]
    body = "\r\n".join(lines).encode() + (b"\r\n" if lines else b"")
    for name, (filename, data, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        body += head.encode() + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class _FormParser(HTMLParser):
    """The named fields of the forms on a page, with the values a browser would submit."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._select = None
        self._textarea = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "id": a.get("id", ""), "fields": []})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            fields.append([a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else "")])
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
            fields.append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "first": None, "chosen": [], "multiple": "multiple" in a}
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "option" and self._option is not None:
            self._close_option()
        elif tag == "select" and self._select is not None:
            if self._option is not None:
                self._close_option()
            s = self._select
            chosen = s["chosen"] or ([] if s["multiple"] or s["first"] is None else [s["first"]])
            for value in chosen:
                self.forms[-1]["fields"].append([s["name"], value])
            self._select = None

    def _close_option(self):
        value, selected, text = self._option
        value = text.strip() if value is None else value
        if self._select["first"] is None:
            self._select["first"] = value
        if selected:
            self._select["chosen"].append(value)
        self._option = None


def forms(html):
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def form_fields(html, has_field):
    """The (name, value) pairs of the first form on the page with a field named `has_field`."""
    for form in forms(html):
        if any(name == has_field for name, _value in form["fields"]):
            return [tuple(pair) for pair in form["fields"]]
    raise AssertionError(f"no form with a field {has_field!r} on the page: {html[:500]}")


def hidden(html, name):
    match = re.search(rf'name="{re.escape(name)}"\s+value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"\s+name="{re.escape(name)}"', html
    )
    return match.group(1) if match else None
