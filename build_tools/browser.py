"""Headless Chromium and the static server that the browser tests and the benchmark share.

* ``build_site``: the offline site as ``make build`` makes it;
* ``serve``: the built site on 127.0.0.1 with the headers a good host sends (``Handler``);
* ``launch`` / ``persistent_context``: Chromium with no host but 127.0.0.1 (``BLOCK_OTHER_HOSTS``), optionally
  with a software WebGPU adapter (``WEBGPU_ARGS``);
* ``wait_for_state``: waits on a demo's ``data-state`` (the demo contract, see README).
"""
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
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


def serve(directory, handler=Handler):
    """Serve ``directory`` on a free port of 127.0.0.1 in a background thread; ``server.shutdown()`` ends it."""
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
