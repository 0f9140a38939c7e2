"""Support for the browser tests: build and serve the site, launch Chromium, guard pages."""
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

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
    subprocess.run([sys.executable, str(ROOT / "build_tools" / "vendor.py"), "--profile", profile], check=True, env=env)
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(dest)],
                   check=True, cwd=ROOT, env=env)


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with the headers a good host sends: cross-origin isolation (lets ONNX Runtime use threads)
    and long caching for the versioned runtimes."""

    def end_headers(self):
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        if self.path.startswith("/vendor/") and not self.path.endswith("runtime.json"):
            self.send_header("Cache-Control", "public, max-age=86400")
        else:
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, *args):
        pass


def serve(directory):
    handler = functools.partial(Handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


def chromium_path():
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None  # Playwright's own browser, on machines that could download it


def launch(playwright_instance, webgpu=False):
    return playwright_instance.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS + [BLOCK_OTHER_HOSTS] + (WEBGPU_ARGS if webgpu else []))


def persistent_context(playwright_instance, user_data_dir):
    return playwright_instance.chromium.launch_persistent_context(
        str(user_data_dir), executable_path=chromium_path(), headless=True,
        args=CHROMIUM_ARGS + [BLOCK_OTHER_HOSTS], viewport={"width": 1280, "height": 900})


class Guard:
    """Records what must not happen in a page: console errors, uncaught exceptions, failed requests and any
    request to a host other than 127.0.0.1. Such requests also fail: the browser resolves no other host name
    (BLOCK_OTHER_HOSTS). Requests are watched, not intercepted, because interception would disable the HTTP cache
    that the runtime relies on."""

    def __init__(self, context):
        self.problems = []
        self.expected_errors = []
        context.on("request", self._request)

    def _request(self, request):
        url = request.url
        if not url.startswith(("data:", "blob:")) and urlparse(url).hostname != "127.0.0.1":
            self.problems.append("request to another host: " + url)

    def watch(self, page):
        page.on("console", lambda m: m.type == "error" and self._console(m.text))
        page.on("pageerror", lambda e: self.problems.append("uncaught exception: {}".format(e)))
        page.on("requestfailed", self._failed)
        return page

    def _console(self, text):
        if not any(e in text for e in self.expected_errors):
            self.problems.append("console error: " + text)

    def _failed(self, request):
        if urlparse(request.url).hostname == "127.0.0.1":
            self.problems.append("failed request: {} ({})".format(request.url, request.failure))

    def check(self):
        assert not self.problems, "\n".join(self.problems)


def nav_pages():
    """The site paths of every page in the navigation, in order (e.g. 'concepts/cnn/')."""
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    pages = []

    def walk(items):
        for item in items:
            value = list(item.values())[0] if isinstance(item, dict) else item
            if isinstance(value, list):
                walk(value)
            else:
                pages.append("" if value == "index.md" else value[:-len(".md")] + "/")

    walk(config["nav"])
    return pages


def wait_for_state(el, states, timeout=120.0):
    """Poll the demo contract's data-state until it is one of `states`; return it."""
    import time

    deadline = time.time() + timeout
    while time.time() < deadline:
        state = el.get_attribute("data-state")
        if state in states:
            return state
        time.sleep(0.2)
    raise AssertionError("demo stayed in state {!r} for {} s (wanted {})".format(
        el.get_attribute("data-state"), timeout, states))


def open_demo(page, base_url, path, demo_id):
    """Open a chapter page and bring one of its demos into view (which starts the runtime download)."""
    page.goto(base_url + path)
    el = page.locator('[data-demo="{}"]'.format(demo_id))
    el.scroll_into_view_if_needed()
    return el


def run_to_end(el, timeout=180):
    """Click Train and wait for `done`; return the demo's data-result (fail with the page's own error message)."""
    import json

    el.locator("[data-action=train]").click()
    assert wait_for_state(el, {"done", "error"}, timeout=timeout) == "done", el.locator(".demo-error").inner_text()
    return json.loads(el.get_attribute("data-result"))


def stop_promptly(el, page):
    """Click Stop on a running demo: it must be idle within a second, and no more progress may arrive after."""
    import time

    clicked = time.time()
    el.locator("[data-action=stop]").click()
    wait_for_state(el, {"idle"}, timeout=1)
    assert time.time() - clicked < 1.0
    status = el.locator(".demo-status").inner_text()
    page.wait_for_timeout(700)
    assert el.locator(".demo-status").inner_text() == status, "progress still arrives after Stop"
