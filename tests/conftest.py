"""Fixtures of the browser tests: the built site served on 127.0.0.1, and headless Chromium pages that fail the
test on any console error, any failed request, and any request to a host other than the site's own."""
import os
from pathlib import Path

import pytest

from support import SITE, Guard, build_site, launch, serve


@pytest.fixture(scope="session")
def site_dir():
    """The offline site, as `make build` leaves it in site/ (or $BOOK_SITE); built here if it is missing."""
    site = Path(os.environ.get("BOOK_SITE", SITE))
    # (a site without _headers predates the test server's reading of it: it would be served without isolation)
    if not all((site / f).exists() for f in ("index.html", "vendor/runtime.json", "_headers")):
        build_site(site)
    return site


@pytest.fixture(scope="session")
def base_url(site_dir):
    server = serve(site_dir)
    yield "http://127.0.0.1:{}/".format(server.server_port)
    server.shutdown()


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    b = launch(playwright_instance)
    yield b
    b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.guard = Guard(ctx)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    p = context.guard.watch(context.new_page())
    yield p
    context.guard.check()
