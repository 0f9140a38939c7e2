"""The foundation's demo through the whole pipe: y = 2x trained in the page by the NumPy core on Pyodide."""
import json

import pytest

from support import open_demo, run_to_end, stop_promptly, wait_for_state

pytestmark = pytest.mark.browser
PAGE = "training/loop/"


@pytest.fixture
def demo(page, base_url):
    return open_demo(page, base_url, PAGE, "regression")


def test_trains_to_small_loss(demo):
    result = run_to_end(demo, timeout=180)
    assert result["steps"] == 1000
    assert result["loss"] < 1e-3
    assert abs(result["prediction_at_4"] - 8) < 0.1
    assert "最终损失" in demo.locator(".demo-status").inner_text()


def test_stop_and_reset(demo, page):
    demo.locator("input[name=epochs]").fill("100000")
    demo.locator("[data-action=train]").click()
    wait_for_state(demo, {"running"}, timeout=180)
    page.wait_for_timeout(500)
    stop_promptly(demo, page)
    demo.locator("[data-action=reset]").click()
    assert demo.get_attribute("data-state") == "idle"
    assert demo.get_attribute("data-result") is None
    # and the demo still trains afterwards
    demo.locator("input[name=epochs]").fill("200")
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"done", "error"}, timeout=60) == "done"
    assert json.loads(demo.get_attribute("data-result"))["steps"] == 200


@pytest.mark.parametrize("lr, words", [("0", "学习率"), ("abc", "学习率"), ("NaN", "学习率"), ("5", "发散")])
def test_bad_learning_rate_is_explained(demo, lr, words):
    demo.locator("input[name=lr]").fill(lr)
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"error", "done"}, timeout=180) == "error"
    error = demo.locator(".demo-error")
    assert error.is_visible() and words in error.inner_text()
    demo.locator("input[name=lr]").fill("0.01")
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"done", "error"}, timeout=60) == "done"
    assert not error.is_visible()


@pytest.fixture
def profile_context(playwright_instance, tmp_path):
    """A browser profile with a disk cache, as a reader's browser has (test contexts keep only a small memory cache)."""
    from support import Guard, persistent_context

    ctx = persistent_context(playwright_instance, tmp_path / "profile")
    ctx.guard = Guard(ctx)
    yield ctx
    ctx.close()


def test_runtime_downloads_only_when_needed_and_once(profile_context, base_url):
    context = profile_context
    page = context.guard.watch(context.new_page())
    page.set_viewport_size({"width": 1280, "height": 400})
    runtime = []
    page.on("request", lambda r: "/vendor/pyodide" in r.url and runtime.append(r.url))
    page.goto(base_url + PAGE)
    el = page.locator('[data-demo="regression"]')
    if not el.is_visible() or el.bounding_box()["y"] > 400 + 200:
        page.wait_for_timeout(1000)
        assert runtime == [], "runtime downloaded before the demo came near the viewport"
    el.locator("[data-action=train]").click()
    assert wait_for_state(el, {"done", "error"}, timeout=180) == "done"
    assert runtime, "the demo trained without downloading the runtime?"
    first = json.loads(page.evaluate("document.documentElement.dataset.pythonRuntime"))
    assert first["python"].startswith("3.8") and first["numpy"] == "1.17.5"
    # each runtime file crossed the network once (the progress prefetch and Pyodide share the HTTP cache)
    assert first["network"]["size"] > 20e6
    # gzip (as real hosts send) makes the transfer smaller than the files, but never close to nothing
    assert 0.3 * first["network"]["size"] < first["network"]["transferred"] <= 1.01 * first["network"]["size"]
    # a second visit in the same browser profile is served from the cache
    page2 = context.guard.watch(context.new_page())
    page2.goto(base_url + PAGE)
    el2 = page2.locator('[data-demo="regression"]')
    el2.locator("[data-action=train]").click()
    assert wait_for_state(el2, {"done", "error"}, timeout=180) == "done"
    second = json.loads(page2.evaluate("document.documentElement.dataset.pythonRuntime"))
    assert second["network"]["transferred"] < 0.01 * first["network"]["transferred"]
    context.guard.check()
