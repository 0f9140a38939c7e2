"""The decoding demo in the page: with the bundled model (downloaded only when asked), the distribution before and
after temperature / top-k / top-p, its entropy and samples; bad settings are explained."""
import json

import pytest

from support import open_demo, run_to_end, wait_for_state

pytestmark = pytest.mark.browser
PAGE = "llm/language-modeling/"


@pytest.fixture
def demo(page, base_url):
    return open_demo(page, base_url, PAGE, "sampling")


def test_bundled_model_loads_only_when_asked_and_shows_the_distribution(demo, page):
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.wait_for_timeout(500)
    assert not any("tiny-gpt" in u for u in requested)
    demo.locator("[name=top_k]").fill("5")
    demo.locator("[name=samples]").fill("3")
    r = run_to_end(demo)
    assert any("tiny-gpt" in u for u in requested)
    assert r["source"] == "bundled" and r["kept"] <= 5
    assert r["entropy_after"] <= r["entropy_before"]
    assert demo.locator(".sampling-samples li").count() == 3
    assert "比特" in demo.locator(".sampling-info").inner_text()
    demo.locator("[name=top_k]").fill("1")
    r = run_to_end(demo)
    assert r["kept"] == 1 and r["entropy_after"] == 0


@pytest.mark.parametrize("field, value, words", [("temperature", "0", "温度"), ("top_p", "1.5", "top-p"),
                                                 ("prompt", "", "空")])
def test_bad_settings_are_explained(demo, field, value, words):
    demo.locator("[name={}]".format(field)).fill(value)
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"error", "done"}, timeout=180) == "error"
    assert words in demo.locator(".demo-error").inner_text()
