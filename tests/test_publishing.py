"""Publishing: the test server serves the site as a real host does (its _headers file, gzip), the _headers recipe
for Netlify / Cloudflare Pages covers the built site, and the GitHub Pages workflow builds and deploys it."""
import fnmatch
import gzip
import urllib.error
import urllib.request

import pytest
import yaml

from build_tools.browser import read_headers_file, serve
from support import ROOT

ISOLATION = {"Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp"}
# Rules for the runtime of the cdn profile (BOOK_RUNTIME=cdn), which the offline site under test does not have.
CDN_ONLY = {"/vendor/pyodide-cdn/*"}
DAY = 86400


def rules_for(rules, url_path):
    """The headers the rules give a path ({name: [values]}: a host sends every matching rule's headers)."""
    found = {}
    for pattern, headers in rules:
        if fnmatch.fnmatchcase(url_path, pattern):
            for name, value in headers:
                found.setdefault(name, []).append(value)
    return found


def max_age(values):
    ages = [int(part.split("=")[1]) for value in values for part in value.replace(" ", "").split(",")
            if part.startswith("max-age=")]
    return min(ages) if ages else 0


@pytest.fixture(scope="module")
def server(site_dir):
    srv = serve(site_dir)
    yield "http://127.0.0.1:{}/".format(srv.server_port)
    srv.shutdown()


def fetch(url, gzip_ok=True, method="GET"):
    request = urllib.request.Request(url, method=method, headers={"Accept-Encoding": "gzip" if gzip_ok else "identity"})
    with urllib.request.urlopen(request) as response:
        return response.headers, response.read()


def test_headers_file_is_in_the_site_and_covers_it(site_dir):
    assert (site_dir / "_headers").read_bytes() == (ROOT / "docs" / "_headers").read_bytes()
    rules = read_headers_file(site_dir / "_headers")
    files = ["/" + p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file()]
    for pattern, _ in rules:
        assert pattern in CDN_ONLY or any(fnmatch.fnmatchcase(f, pattern) for f in files), pattern
    for path in files:
        headers = rules_for(rules, path)
        assert {name: values[0] for name, values in headers.items() if name in ISOLATION} == ISOLATION, path
        if path.startswith("/vendor/") and path != "/vendor/runtime.json":
            assert max_age(headers.get("Cache-Control", [])) >= DAY, path
        else:
            assert "Cache-Control" not in headers, path  # pages and the runtime list: the host's revalidation


def test_server_sends_the_headers_file_and_compresses_like_a_host(site_dir, server):
    page = (site_dir / "math" / "losses" / "index.html").read_bytes()
    headers, body = fetch(server + "math/losses/")
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == page
    assert len(body) < len(page) / 3
    assert {name: headers[name] for name in ISOLATION} == ISOLATION
    assert headers["Cache-Control"] == "no-cache" and headers["Vary"] == "Accept-Encoding"
    plain_headers, plain = fetch(server + "math/losses/", gzip_ok=False)
    assert plain == page and plain_headers["Content-Encoding"] is None

    wasm = site_dir / "vendor" / "pyodide-0.17" / "pyodide.asm.wasm"
    headers, body = fetch(server + "vendor/pyodide-0.17/pyodide.asm.wasm")
    assert headers["Content-Type"] == "application/wasm" and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == wasm.read_bytes()
    assert headers["Cache-Control"] == "public, max-age=86400"
    head, empty = fetch(server + "vendor/pyodide-0.17/pyodide.asm.wasm", method="HEAD")
    assert empty == b"" and head["Content-Length"] == headers["Content-Length"]
    revalidate = urllib.request.Request(server + "math/losses/", headers={
        "Accept-Encoding": "gzip", "If-Modified-Since": fetch(server + "math/losses/")[0]["Last-Modified"]})
    with pytest.raises(urllib.error.HTTPError, match="304"):
        urllib.request.urlopen(revalidate)

    # compressed already: served as they are
    headers, body = fetch(server + "vendor/data/mnist.npz")
    assert headers["Content-Encoding"] is None and body == (site_dir / "vendor" / "data" / "mnist.npz").read_bytes()
    assert fetch(server + "vendor/runtime.json")[0]["Cache-Control"] == "no-cache"


def test_server_without_isolation_leaves_out_only_coop_and_coep(site_dir):
    srv = serve(site_dir, isolated=False)
    try:
        headers, _ = fetch("http://127.0.0.1:{}/vendor/ort/ort.wasm.min.mjs".format(srv.server_port))
    finally:
        srv.shutdown()
    assert not any(name in headers for name in ISOLATION)
    assert headers["Cache-Control"] == "public, max-age=86400" and headers["Content-Encoding"] == "gzip"


def test_github_pages_workflow_builds_with_the_site_url_and_deploys():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert workflow["permissions"]["pages"] == "write" and workflow["permissions"]["id-token"] == "write"
    build = workflow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in build]
    make = next(step for step in build if step.get("run") == "make build")
    assert "BOOK_SITE_URL" in make["env"] and "steps.pages.outputs.base_url" in make["env"]["BOOK_SITE_URL"]
    assert uses.index("actions/configure-pages") < build.index(make) < uses.index("actions/upload-pages-artifact")
    assert next(s for s in build if s.get("uses", "").startswith("actions/upload-pages-artifact"))["with"]["path"] == "site"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
