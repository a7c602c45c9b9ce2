"""`python -m bench.uploads`: what big photos sent at once do to everyone else (issue 16, part 4).

    python -m bench.uploads                    every image below, 20 s each
    python -m bench.uploads --seconds 10 --images png-6300
    python -m bench.uploads --workdir /tmp/ub  keep the prepared site and reuse it next time
    python -m bench.uploads --env UPLOAD_DECODE_SLOTS=1   gunicorn with other settings

The site is the one `python -m bench` measures (production settings, SQLite, the demo
municipality, gunicorn with gunicorn.conf.py and 2 workers). For each image, a fresh gunicorn:
8 residents upload the image to the demo complaint form's photo question at once, again and
again (each upload a new visitor: GET the step, POST it with the file), while one probe
fetches ordinary pages (the home page, served from the page cache, and a service guide page,
rendered) one after another. Reported per image: the probe's p50/p95/max, the uploads'
outcomes and times, and each worker's peak resident memory (VmHWM from /proc: the most the
machine ever gave it, so a short spike between samples is not missed).

The images are built here: a 6300x6300 flat-colour PNG (the issue's 115 KB, 39.7 megapixels,
over the 24-megapixel cap since issue 16, so refused from its header), a 6000x4000 flat PNG
(24 megapixels, accepted: the PNG decoder cannot decode at a reduced size, the worst accepted
case) and a 6000x4000 JPEG photo-like gradient (24 megapixels, accepted, decoded at half size).

Run it against another checkout (the code before a change) by copying this file into that
checkout's bench/ and running it there: bench.site serves the code of the checkout it sits in.
"""

import argparse
import io
import json
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path

import requests
from PIL import Image, ImageDraw

from bench.residents import ANSWERS, PostForm
from bench.site import HTTPS, BenchSite

PARALLEL = 8
URLS = """
import json
from services.models import ServicePage
from forms_builder.models import FormPage
th = dict(locale__language_code="th")
print(json.dumps({
    "guide": ServicePage.objects.live().filter(**th).order_by("path").first().url,
    "form": FormPage.objects.live().filter(slug="complaint-form", **th).first().url,
}))
"""
# What the resident reads next to the photo question (Thai: the demo form is the Thai one).
OUTCOMES = {
    "refused: too many pixels": ("too many pixels", "พิกเซลมากเกินไป", "ความละเอียดสูงเกินไป"),
    "refused: server busy": ("The server is busy", "ระบบมีผู้ใช้งานจำนวนมาก"),
    "refused: unreadable": ("could not be read as a photo", "อ่านเป็นรูปภาพไม่ได้"),
}


def build_images():
    """name -> (file name, bytes, content type)."""
    images = {}
    out = io.BytesIO()
    Image.new("RGB", (6300, 6300), (40, 120, 200)).save(out, format="PNG", optimize=True)
    images["png-6300"] = ("bench-6300.png", out.getvalue(), "image/png")
    out = io.BytesIO()
    Image.new("RGB", (6000, 4000), (40, 120, 200)).save(out, format="PNG", optimize=True)
    images["png-6000x4000"] = ("bench-24mp.png", out.getvalue(), "image/png")
    # A phone photo's JPEG: smooth gradients with some shapes, so it is neither flat nor noise.
    photo = Image.linear_gradient("L").resize((6000, 4000)).convert("RGB")
    draw = ImageDraw.Draw(photo)
    for index in range(40):
        x, y = (index * 149) % 5800, (index * 97) % 3800
        draw.ellipse((x, y, x + 300, y + 200), fill=((index * 53) % 255, (index * 91) % 255, 120))
    out = io.BytesIO()
    photo.save(out, format="JPEG", quality=90)
    images["jpeg-6000x4000"] = ("bench-24mp.jpg", out.getvalue(), "image/jpeg")
    return images


class Visitor:
    """One browser: cookies by hand (production marks them Secure; this client speaks plain HTTP
    to gunicorn while saying, as nginx would, that the visitor came over HTTPS)."""

    def __init__(self, base):
        self.base = base
        self.cookies = {}
        self.http = requests.Session()
        self.http.trust_env = False

    def request(self, method, path, **kwargs):
        headers = {**HTTPS, "Origin": self.base.replace("http://", "https://")}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        url = path if path.startswith("http") else self.base + path
        response = self.http.request(method, url, headers=headers, allow_redirects=False, timeout=120, **kwargs)
        self.cookies.update({cookie.name: cookie.value for cookie in response.cookies})
        if response.status_code in (301, 302, 303):
            return self.request("GET", response.headers["Location"])
        return response

    def upload(self, form_path, image):
        """GET the form's first step, then POST it with its answers and the photo."""
        step = self.request("GET", form_path)
        form = PostForm()
        form.feed(step.text)
        file_input = re.search(r'name="([^"]+__upload)"', step.text)
        if form.action is None or file_input is None:
            raise RuntimeError(f"no photo question on {form_path} (HTTP {step.status_code})")
        data = {}
        for name, value in form.fields.items():
            key = name.split("-", 5)[-1]
            data[name] = ANSWERS.get(key, value) if value in (None, "") else value
        data = {k: v for k, v in data.items() if v is not None}
        started = time.perf_counter()
        response = self.request("POST", form.action, data=data, files={file_input.group(1): image})
        return time.perf_counter() - started, response


def outcome(response):
    if response.status_code >= 500:
        return f"HTTP {response.status_code}"
    text = response.text
    for name, needles in OUTCOMES.items():
        if any(needle in text for needle in needles):
            return name
    if 'class="error-message"' in text or "error-summary" in text or 'id="error-' in text:
        return f"refused: other (HTTP {response.status_code})"
    return "accepted"  # the next step of the form


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else float("nan")


def peak_memory_mb(server):
    """Each worker's peak and current resident memory in MB (VmHWM and VmRSS)."""
    workers = []
    for pid in server.worker_pids():
        fields = dict(
            line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
        )
        workers.append(
            {
                "pid": pid,
                "peak_mb": int(fields["VmHWM"].split()[0]) / 1024,
                "rss_mb": int(fields["VmRSS"].split()[0]) / 1024,
            }
        )
    return workers


def measure(site, urls, image, seconds, env=None):
    file_name = image[0]
    with site.serve(**(env or {})) as server:
        probe_visitor = Visitor(server.url)
        for path in ("/th/", urls["guide"], urls["form"]):  # warm templates and the page cache
            probe_visitor.request("GET", path)
        idle = peak_memory_mb(server)
        stop = threading.Event()
        uploads, lock = [], threading.Lock()

        def uploader():
            while not stop.is_set():
                try:
                    elapsed, response = Visitor(server.url).upload(urls["form"], image)
                    result = (elapsed, outcome(response))
                except Exception as error:  # noqa: BLE001 - counted and reported
                    result = (float("nan"), f"error: {type(error).__name__}")
                with lock:
                    uploads.append(result)

        threads = [threading.Thread(target=uploader, daemon=True) for _ in range(PARALLEL)]
        cpu_before = server.worker_cpu_seconds()
        for thread in threads:
            thread.start()
        time.sleep(1)  # the first uploads are in the workers
        pages = {"home (page cache)": [], "guide page (rendered)": []}
        errors = 0
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for name, path in (("home (page cache)", "/th/"), ("guide page (rendered)", urls["guide"])):
                started = time.perf_counter()
                try:
                    status = Visitor(server.url).request("GET", path).status_code
                except requests.RequestException:
                    status = 0
                pages[name].append(1000 * (time.perf_counter() - started))
                errors += status != 200
            time.sleep(0.05)
        stop.set()
        for thread in threads:
            thread.join(timeout=180)
        memory = peak_memory_mb(server)
        cpu = server.worker_cpu_seconds() - cpu_before
    counts = {}
    for _elapsed, result in uploads:
        counts[result] = counts.get(result, 0) + 1
    times = [elapsed for elapsed, _result in uploads if elapsed == elapsed]
    return {
        "image": {"name": file_name, "kilobytes": round(len(image[1]) / 1024)},
        "pages": {
            name: {
                "requests": len(values),
                "p50_ms": round(statistics.median(values)),
                "p95_ms": round(percentile(values, 0.95)),
                "max_ms": round(max(values)),
            }
            for name, values in pages.items()
        },
        "page_errors": errors,
        "uploads": {
            "count": len(uploads),
            "outcomes": counts,
            "p50_s": round(statistics.median(times), 2) if times else None,
            "max_s": round(max(times), 2) if times else None,
        },
        "worker_cpu_seconds": round(cpu, 1),
        "workers_idle": idle,
        "workers": memory,
    }


def report(results):
    lines = []
    for name, result in results.items():
        peaks = " / ".join(f"{w['peak_mb']:.0f}" for w in result["workers"])
        idle = " / ".join(f"{w['peak_mb']:.0f}" for w in result["workers_idle"])
        lines.append(f"{name} ({result['image']['kilobytes']} KB), {PARALLEL} uploads at once, repeatedly:")
        for page, numbers in result["pages"].items():
            lines.append(
                f"  {page}: p50 {numbers['p50_ms']} ms · p95 {numbers['p95_ms']} ms · max {numbers['max_ms']} ms"
                f" ({numbers['requests']} requests)"
            )
        uploads = result["uploads"]
        lines.append(
            f"  uploads: {uploads['count']} in all, {uploads['outcomes']}, p50 {uploads['p50_s']} s, max {uploads['max_s']} s"
        )
        lines.append(
            f"  workers' peak RSS: {peaks} MB (before the uploads: {idle} MB); CPU {result['worker_cpu_seconds']} s"
            f"; page errors {result['page_errors']}"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--images", nargs="*", default=["png-6300", "png-6000x4000", "jpeg-6000x4000"])
    parser.add_argument("--workdir", help="keep the prepared SQLite site here and reuse it next time")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--env", nargs="*", default=[], help="KEY=VALUE for gunicorn, e.g. UPLOAD_DECODE_SLOTS=1")
    args = parser.parse_args()
    images = build_images()
    with tempfile.TemporaryDirectory(prefix="portal-bench-uploads-") as workdir:
        print("preparing the SQLite site (migrate, demo, collectstatic)…", flush=True)  # noqa: T201
        site = BenchSite(args.workdir or workdir, "sqlite").prepare(reuse=bool(args.workdir))
        # 8 visitors from one address, hundreds of uploads: the per-address limits are not
        # what this measures.
        site.env["FORMS_BUILDER_SUBMITS_PER_HOUR"] = "1000000"
        site.env["FORMS_BUILDER_UPLOADS_PER_ADDRESS_PER_HOUR"] = "1000000"
        site.env["FORMS_BUILDER_UPLOADS_PER_FILLING"] = "1000000"
        urls = json.loads(site.shell(URLS))
        results = {}
        for name in args.images:
            print(f"{name}…", flush=True)  # noqa: T201
            env = dict(item.split("=", 1) for item in args.env)
            results[name] = measure(site, urls, images[name], args.seconds, env)
    text = report(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(text)  # noqa: T201


if __name__ == "__main__":
    main()
