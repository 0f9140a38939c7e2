"""Headless Chromium and the static server that the browser tests and the benchmark share.

* ``build_site``: the offline site as ``make build`` makes it;
* ``serve``: the built site on 127.0.0.1 as a good host serves it (``Handler``): the headers of the site's
  ``_headers`` file (docs/_headers, the recipe for Netlify and Cloudflare Pages), gzip for text, JavaScript and
  WebAssembly when the browser accepts it; ``isolated=False`` leaves out the cross-origin isolation headers, as
  GitHub Pages, which cannot send them, does;
* ``launch`` / ``persistent_context``: Chromium with no host but 127.0.0.1 (``BLOCK_OTHER_HOSTS``), optionally
  with a software WebGPU adapter (``WEBGPU_ARGS``);
* ``wait_for_state``: waits on a demo's ``data-state`` (the demo contract, see README).
"""
import fnmatch
import functools
import gzip
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
from email.utils import parsedate_to_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic"]
# Every host name but 127.0.0.1 fails to resolve: the site must work with no other host.
BLOCK_OTHER_HOSTS = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
WEBGPU_ARGS = ["--enable-unsafe-webgpu", "--enable-features=Vulkan", "--use-angle=swiftshader",
               "--enable-unsafe-swiftshader"]


def build_site(dest, profile="offline"):
    env = dict(os.environ, BOOK_RUNTIME=profile, NO_MKDOCS_2_WARNING="1")
    subprocess.run([sys.executable, "-m", "build_tools.vendor", "--profile", profile], check=True, cwd=ROOT, env=env)
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(dest)],
                   check=True, cwd=ROOT, env=env)


ISOLATION_HEADERS = ("Cross-Origin-Opener-Policy", "Cross-Origin-Embedder-Policy")
# What hosts compress (by type: text, scripts, JSON, SVG, WebAssembly); images, fonts, zip files are compressed already.
COMPRESSED_SUFFIXES = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".wasm", ".map")


@functools.lru_cache(maxsize=8)
def cached_rules(path, mtime_ns):
    return read_headers_file(path)


def read_headers_file(path):
    """[(path pattern, [(header, value), ...])] from a ``_headers`` file (Netlify / Cloudflare Pages syntax):
    a line with a path pattern (``*`` matches anything), then its headers indented, ``Name: value``."""
    rules = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), []))
        else:
            name, _, value = line.strip().partition(":")
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


@functools.lru_cache(maxsize=256)
def gzipped(path, mtime_ns, size):
    with open(path, "rb") as f:
        return gzip.compress(f.read(), compresslevel=6, mtime=0)


class Handler(http.server.SimpleHTTPRequestHandler):
    """The site's files with what its host sends: the headers of its ``_headers`` file (cross-origin isolation,
    which lets ONNX Runtime use threads, and long caching for the runtimes), ``Cache-Control: no-cache`` where the
    file sets none, and gzip when the browser accepts it."""

    isolated = True

    def end_headers(self):
        sent = set()
        rules = self.headers_rules()
        url_path = self.path.split("?", 1)[0]
        for pattern, headers in rules:
            if fnmatch.fnmatchcase(url_path, pattern):
                for name, value in headers:
                    if self.isolated or name not in ISOLATION_HEADERS:
                        self.send_header(name, value)
                        sent.add(name.lower())
        if "cache-control" not in sent:
            self.send_header("Cache-Control", "no-cache")
        self.send_header("Vary", "Accept-Encoding")
        super().end_headers()

    def headers_rules(self):
        path = os.path.join(self.directory, "_headers")
        return cached_rules(path, os.stat(path).st_mtime_ns) if os.path.exists(path) else []

    def compressed_body(self):
        """Send the headers of a gzip response and return its body, or None to serve the file as it is."""
        if "gzip" not in self.headers.get("Accept-Encoding", ""):
            return None
        url_path = self.path.split("?", 1)[0]
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not url_path.endswith("/"):
                return None  # the base class redirects to the folder's URL
            path = os.path.join(path, "index.html")
        if not path.endswith(COMPRESSED_SUFFIXES) or not os.path.isfile(path):
            return None
        stat = os.stat(path)
        since = self.headers.get("If-Modified-Since")
        if since and parsedate_to_datetime(since).timestamp() >= int(stat.st_mtime):
            self.send_response(304)  # the browser's copy is current, as the base class answers for other files
            self.end_headers()
            return b""
        body = gzipped(path, stat.st_mtime_ns, stat.st_size)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(stat.st_mtime))
        self.end_headers()
        return body

    def do_GET(self):
        body = self.compressed_body()
        if body is None:
            return super().do_GET()
        try:
            self.wfile.write(body)
        except ConnectionError:
            pass  # the browser closed the page before the file arrived

    def do_HEAD(self):
        if self.compressed_body() is None:
            return super().do_HEAD()

    def log_message(self, *args):
        pass


class NotIsolatedHandler(Handler):
    """The same host without cross-origin isolation (GitHub Pages sends no COOP/COEP headers)."""

    isolated = False


def serve(directory, isolated=True):
    """Serve ``directory`` on a free port of 127.0.0.1 in a background thread; ``server.shutdown()`` ends it."""
    handler = Handler if isolated else NotIsolatedHandler
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def chromium_path():
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None  # Playwright's own browser, on machines that could download it


def launch(playwright_instance, webgpu=False):
    return playwright_instance.chromium.launch(
        executable_path=chromium_path(), headless=True,
        args=CHROMIUM_ARGS + [BLOCK_OTHER_HOSTS] + (WEBGPU_ARGS if webgpu else []))


def persistent_context(playwright_instance, user_data_dir, **options):
    """A browser with a profile directory, so its HTTP cache lasts from one page to the next."""
    options.setdefault("viewport", {"width": 1280, "height": 900})
    return playwright_instance.chromium.launch_persistent_context(
        str(user_data_dir), executable_path=chromium_path(), headless=True,
        args=CHROMIUM_ARGS + [BLOCK_OTHER_HOSTS], **options)


def wait_for_state(el, states, timeout=120.0):
    """Poll the demo contract's data-state until it is one of `states`; return it."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        state = el.get_attribute("data-state")
        if state in states:
            return state
        time.sleep(0.2)
    raise AssertionError("demo stayed in state {!r} for {} s (wanted {})".format(
        el.get_attribute("data-state"), timeout, states))
