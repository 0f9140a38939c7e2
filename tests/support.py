"""Helpers of the browser tests: guard pages, list the book's pages, drive a demo.

Building and serving the site and launching Chromium live in build_tools/browser.py (the benchmark uses them
too); they are imported here so that the tests find everything in one place.
"""
from urllib.parse import urlparse

from build_tools.browser import (ROOT, SITE, build_site, launch, persistent_context, serve,  # noqa: F401
                                 wait_for_state)


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
                folder, _, name = value[:-len(".md")].rpartition("/")
                # a folder's index.md is the folder itself
                pages.append((folder + "/" if folder else "") if name == "index" else value[:-len(".md")] + "/")

    walk(config["nav"])
    return pages


def open_demo(page, base_url, path, demo_id):
    """Open a chapter page and bring one of its demos into view (which starts the runtime download)."""
    page.goto(base_url + path)
    el = page.locator('[data-demo="{}"]'.format(demo_id))
    el.scroll_into_view_if_needed()
    # The page mounts the demo's module asynchronously (then data-state is set), and lays out the text blocks around
    # it once they near the screen: wait for both before the test reads or clicks anything.
    page.wait_for_function("id => { const e = document.querySelector('[data-demo=\"' + id + '\"]'); "
                           "return e && e.dataset.state; }", arg=demo_id)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
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
