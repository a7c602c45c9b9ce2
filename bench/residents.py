"""Many residents filling the demo's 3-step complaint form at once, the way a browser does:
GET the first step, POST each step with the CSRF token and the wizard's hidden fields, confirm
on the check-your-answers page, read the reference on the last page."""

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

import requests

REFERENCE = re.compile(r"\b[A-Z]{2,6}-\d{2}-[0-9A-Z]{5}-[0-9A-Z]\b")
ANSWERS = {
    "category": "road",
    "details": "ถนนเป็นหลุมลึกหน้าบ้านเลขที่ 12 ซอย 3",
    "location__text": "หน้าวัดบ้านสวน",
    "location__lat": "18.7901",
    "location__lng": "98.9812",
    "full_name": "สมศรี ใจดี",
    "phone": "0812345678",
    "consent": "on",
}


class PostForm(HTMLParser):
    """The first POST form of a page's main content (not the header's language and reading
    forms): its action and the values a browser would send."""

    def __init__(self):
        super().__init__()
        self.in_main = False
        self.action = None
        self.fields = {}
        self.inside = False
        self.done = False
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.done:
            return
        if tag == "main":
            self.in_main = True
        elif not self.in_main:
            return
        elif tag == "form" and attrs.get("method", "").lower() == "post" and self.action is None:
            self.action, self.inside = attrs.get("action", ""), True
        elif self.inside and tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("hidden", "text", "email", "tel", "number"):
                self.fields.setdefault(attrs["name"], attrs.get("value", ""))
            elif kind in ("radio", "checkbox") and "checked" in attrs:
                self.fields[attrs["name"]] = attrs.get("value", "on")
            elif kind in ("radio", "checkbox"):
                self.fields.setdefault(attrs["name"], None)
        elif self.inside and tag in ("textarea", "select") and attrs.get("name"):
            self.fields.setdefault(attrs["name"], "")

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True


class Resident:
    def __init__(self, base_url):
        self.base = base_url
        self.cookies = {}
        self.http = requests.Session()
        self.http.trust_env = False

    def request(self, method, path, data=None):
        # Cookies by hand: production marks them Secure, and this client speaks plain HTTP to
        # gunicorn while saying (as nginx would) that the visitor came over HTTPS.
        headers = {"X-Forwarded-Proto": "https", "Origin": self.base.replace("http://", "https://")}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        url = path if path.startswith("http") else self.base + path
        response = self.http.request(method, url, data=data, headers=headers, allow_redirects=False, timeout=60)
        self.cookies.update({cookie.name: cookie.value for cookie in response.cookies})
        if response.status_code in (301, 302, 303):
            return self.request("GET", response.headers["Location"])
        return response

    def submit(self, form_path):
        response = self.request("GET", form_path)
        for _ in range(8):
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code}")
            found = REFERENCE.search(response.url) if "/sent/" in response.url else None
            if found:  # the confirmation page: /<form>/sent/<reference>/
                return found.group(0)
            form = PostForm()
            form.feed(response.text)
            if form.action is None:
                raise RuntimeError("no form and no reference")
            data = {}
            for name, value in form.fields.items():
                key = name.split("-", 5)[-1]  # "<step uuid>-<field key>" -> field key
                data[name] = ANSWERS.get(key, value) if value in (None, "") else value
            response = self.request("POST", form.action, {k: v for k, v in data.items() if v is not None})
        raise RuntimeError("did not finish in 8 pages")


def submit_many(base_url, form_path, residents=50, each=4):
    """`residents` threads, each submitting `each` forms one after another."""
    references, errors, lock = [], [], threading.Lock()

    def one_resident(_index):
        for _ in range(each):
            try:
                reference = Resident(base_url).submit(form_path)
                with lock:
                    references.append(reference)
            except Exception as error:  # noqa: BLE001 - counted and reported
                with lock:
                    errors.append(repr(error)[:200])

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=residents) as pool:
        list(pool.map(one_resident, range(residents)))
    elapsed = time.perf_counter() - start
    return {
        "residents": residents,
        "submitted": len(references),
        "seconds": elapsed,
        "per_second": len(references) / elapsed,
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:5],
        "duplicate_references": len(references) - len(set(references)),
        "references": references,
    }
