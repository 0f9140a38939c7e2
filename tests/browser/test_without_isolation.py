"""The site on a host that sends no cross-origin isolation headers, as GitHub Pages: the page is not
cross-origin isolated (no SharedArrayBuffer), so ONNX Runtime Web runs its WebAssembly on one thread; Pyodide needs
no isolation. Both must work there as they do with the headers."""
import json

import pytest

from support import open_demo, run_to_end, serve, wait_for_state

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def plain_url(site_dir):
    server = serve(site_dir, isolated=False)
    yield "http://127.0.0.1:{}/".format(server.server_port)
    server.shutdown()


def test_digit_recogniser_predicts_on_one_thread(page, plain_url):
    el = open_demo(page, plain_url, "practice/digits/", "digits")
    el.locator(".digits-gallery-load").click()  # the held-out digits download on this button
    buttons = el.locator(".digits-gallery button")
    buttons.first.wait_for(timeout=60000)
    assert page.evaluate("self.crossOriginIsolated") is False
    for k in range(3):
        buttons.nth(k).click()
        assert wait_for_state(el, {"done", "error"}) == "done", el.locator(".demo-error").inner_text()
        r = json.loads(el.get_attribute("data-result"))
        assert r["provider"] == "wasm" and r["digit"] == r["label"], r
        assert abs(sum(r["probabilities"]) - 1) < 1e-4
    figures = page.evaluate("async () => await window.bookDigits.benchmark({ minMs: 100 })")
    assert figures["crossOriginIsolated"] is False and figures["wasmThreads"] == 1
    assert figures["providers"]["wasm"]["1"] > 0


def test_python_demo_trains(page, plain_url):
    demo = open_demo(page, plain_url, "training/loop/", "regression")
    result = run_to_end(demo, timeout=180)
    assert page.evaluate("self.crossOriginIsolated") is False
    assert result["steps"] == 1000 and result["loss"] < 1e-3
