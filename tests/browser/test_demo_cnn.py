"""The small CNN demo (concepts/cnn) in headless Chromium: it reaches 90 % on the held-out digits within its
45-second budget, its filters and feature maps are drawn and change while it trains; Stop, Reset, bad settings."""
import json
import time

import pytest

from support import open_demo, wait_for_state

pytestmark = pytest.mark.browser

PAGE = "concepts/cnn/"



def first_filter_pixels(demo):
    return demo.locator("figure canvas").first.evaluate("c => c.toDataURL()")


def test_default_run_learns_and_shows_filters(page, base_url):
    demo = open_demo(page, base_url, PAGE, "cnn")
    demo.locator("[data-action=train]").click()
    wait_for_state(demo, {"running"}, timeout=120)
    demo.locator("figure canvas").first.wait_for(timeout=30000)
    before = first_filter_pixels(demo)
    page.wait_for_timeout(3000)
    changed = demo.get_attribute("data-state") == "running" and first_filter_pixels(demo) != before
    assert wait_for_state(demo, {"done", "error"}, timeout=180) == "done", demo.locator(".demo-error").inner_text()
    result = json.loads(demo.get_attribute("data-result"))
    print("\ncnn in the browser:", result)
    assert changed, "the filters were not redrawn while training"
    assert result["filters"] == 8
    assert result["test_accuracy"] >= 0.90
    assert result["seconds"] <= 46
    # 8 filters, the chosen digit, 8 feature maps
    assert demo.locator("figure canvas").count() == 8 + 1 + 8
    assert "网络现在认为是" in demo.inner_text()


def test_stop_reset_and_bad_settings(page, base_url):
    demo = open_demo(page, base_url, PAGE, "cnn")
    demo.locator("input[name=seconds]").fill("600")
    demo.locator("[data-action=train]").click()
    wait_for_state(demo, {"running"}, timeout=120)
    demo.locator("figure canvas").first.wait_for(timeout=30000)
    demo.locator("[data-action=stop]").click()
    start = time.time()
    wait_for_state(demo, {"idle"}, timeout=1.0)
    assert time.time() - start < 1.0
    assert page.evaluate("() => 6 * 7") == 42

    demo.locator("[data-action=reset]").click()
    assert demo.get_attribute("data-state") == "idle"
    assert demo.locator("figure").count() == 0

    demo.locator("input[name=digit]").fill("2000")
    demo.locator("[data-action=train]").click()
    assert demo.get_attribute("data-state") == "error"
    assert demo.locator(".demo-error").is_visible()
    demo.locator("input[name=digit]").fill("7")
    demo.locator("input[name=lr]").fill("-0.1")
    demo.locator("[data-action=train]").click()
    assert demo.locator(".demo-error").is_visible()
    assert "学习率" in demo.locator(".demo-error").inner_text()

    demo.locator("input[name=lr]").fill("0.005")
    demo.locator("input[name=filters]").fill("4")
    demo.locator("input[name=seconds]").fill("8")
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"done", "error"}, timeout=120) == "done"
    result = json.loads(demo.get_attribute("data-result"))
    assert result["filters"] == 4 and result["digit"] == 7
    assert result["finished_by"] in ("time", "epochs") and result["seconds"] <= 9
    assert demo.locator("figure canvas").count() == 4 + 1 + 4
