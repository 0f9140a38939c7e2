"""The `cdn` runtime profile (for publishing): Pyodide 314 core self-hosted, NumPy from the official Pyodide CDN.

The tests run offline, so NumPy cannot actually arrive; this checks that the self-hosted core boots (Python 3.14)
and that package loading asks the CDN for exactly the NumPy wheel of that Pyodide version, then fails clearly."""
import json
import shutil
import subprocess
import sys

import pytest

from support import ROOT, launch, serve, wait_for_state

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def cdn_site(site_dir, tmp_path_factory):
    site = tmp_path_factory.mktemp("cdn") / "site"
    shutil.copytree(site_dir, site, ignore=lambda d, names: ["vendor"] if d == str(site_dir) else [])
    subprocess.run([sys.executable, str(ROOT / "build_tools" / "vendor.py"), "--profile", "cdn",
                    "--out", str(site / "vendor")], check=True)
    server = serve(site)
    yield site, "http://127.0.0.1:{}/".format(server.server_port)
    server.shutdown()


def test_cdn_profile_boots_core_and_points_numpy_at_the_cdn(cdn_site, playwright_instance):
    site, base = cdn_site
    lock = json.loads((site / "vendor" / "pyodide-cdn" / "pyodide-lock.json").read_text())
    version = json.loads((ROOT / "node_modules" / "pyodide" / "package.json").read_text())["version"]
    numpy_url = "https://cdn.jsdelivr.net/pyodide/v{}/full/{}".format(version, lock["packages"]["numpy"]["file_name"])
    assert lock["packages"]["aibook-demos"]["depends"] == ["numpy"]

    browser = launch(playwright_instance)
    page = browser.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base + "training/loop/")
    demo = page.locator('[data-demo="regression"]')
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"error", "done"}, timeout=180) == "error"
    message = demo.locator(".demo-error").inner_text()
    browser.close()
    local = [u for u in requests if u.startswith(base)]
    assert any(u.endswith("vendor/pyodide-cdn/pyodide.asm.wasm") for u in local), "the core runtime was not loaded"
    assert any(u.endswith("vendor/py/" + lock["packages"]["aibook-demos"]["file_name"]) for u in local)
    assert numpy_url in requests, "NumPy was not requested from the CDN: {}".format(
        [u for u in requests if not u.startswith(base)])
    assert [u for u in requests if not u.startswith(base)] == [numpy_url]
    assert "NumPy 没有加载成功" in message and "cdn.jsdelivr.net/pyodide/v{}/full/".format(version) in message
