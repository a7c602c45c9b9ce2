"""What a phone downloads to show the home page: the HTML and every file it pulls in (styles,
scripts, images, fonts named in the CSS), each as gunicorn alone sends it to a browser that
accepts gzip (static files come pre-compressed from WhiteNoise; the HTML is not compressed
unless nginx sits in front, so these are the larger, no-nginx numbers)."""

import gzip
import re
from urllib.parse import urljoin

ACCEPT = {"Accept-Encoding": "gzip"}
ASSET = re.compile(r"""<(?:link[^>]+href|script[^>]+src|img[^>]+src)=["']([^"'#]+)""", re.I)
CSS_URL = re.compile(r"""url\(["']?([^"')#]+)""")


def page_weight(server, path):
    status, headers, body = server.get(path, ACCEPT)
    seen, total, javascript = set(), len(body), 0
    pending = [(path, url) for url in ASSET.findall(body.decode("utf-8", "replace"))]
    while pending:
        base, url = pending.pop()
        absolute = urljoin(base, url)
        if not absolute.startswith("/") or absolute in seen or absolute.startswith("//"):
            continue  # other sites (LINE, Facebook) are links, not downloads
        seen.add(absolute)
        try:
            _status, asset_headers, asset = server.get(absolute, ACCEPT)
        except OSError:
            continue
        kind = asset_headers.get("Content-Type", "")
        if "text/html" in kind or ("xml" in kind and "svg" not in kind):
            continue  # a link to another page or a feed, not part of this one
        total += len(asset)
        if "javascript" in kind:
            javascript += len(asset)
        if "text/css" in kind:
            text = gzip.decompress(asset) if asset_headers.get("Content-Encoding") == "gzip" else asset
            pending += [(absolute, found) for found in CSS_URL.findall(text.decode("utf-8", "replace"))]
    return {"bytes": total, "javascript_bytes": javascript, "files": len(seen) + 1}
