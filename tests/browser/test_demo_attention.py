"""The attention demo in the page: the Transformer block learns to reverse within the browser budget, its
attention heatmap ends on the anti-diagonal, it can be stopped and reset, and bad settings are explained."""
import json
import time

import pytest

from support import open_demo, run_to_end, stop_promptly, wait_for_state

pytestmark = pytest.mark.browser
PAGE = "concepts/transformer/"
SECONDS = 60  # the browser budget for reaching 90 % per-token accuracy

PAINTED = """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n / (c.width * c.height); }"""


@pytest.fixture
def demo(page, base_url):
    return open_demo(page, base_url, PAGE, "attention")


def heatmap(demo):
    return demo.locator("canvas").first


def test_learns_to_reverse_within_the_budget(demo):
    result = run_to_end(demo, timeout=240)
    assert result["task"] == "reverse" and result["steps"] == 300
    assert result["accuracy"] >= 0.9
    assert result["seconds_to_target"] is not None and result["seconds_to_target"] < SECONDS
    assert 0 <= result["sequence_accuracy"] <= result["accuracy"]
    assert result["attention_on_needed"] > 0.5
    assert "逐词准确率" in demo.locator(".demo-status").inner_text()
    assert heatmap(demo).evaluate(PAINTED) > 0.1
    if result["sequence_accuracy"] == 1:  # then the example shown has no token marked wrong
        assert demo.locator("span", has_text="✗").count() == 0


def test_the_readers_example_is_offered_and_shown(demo):
    demo.locator("select[name=task]").select_option("sort")
    demo.locator("input[name=example]").fill("3 1 4 1 5 2")
    demo.locator("input[name=steps]").fill("20")
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"done", "error"}, timeout=240) == "done", demo.locator(".demo-error").inner_text()
    pick = demo.locator("select").last
    assert pick.locator("option").count() == 5
    assert "3 1 4 1 5 2" in pick.locator("option").first.inner_text()
    assert "正确答案112345" in demo.inner_text()  # the right answer to the reader's example (tokens are separate cells)
    before = heatmap(demo).evaluate("c => c.toDataURL()")
    pick.select_option("2")
    assert heatmap(demo).evaluate("c => c.toDataURL()") != before


def test_stop_and_reset(demo, page):
    demo.locator("input[name=steps]").fill("5000")
    demo.locator("[data-action=train]").click()
    wait_for_state(demo, {"running"}, timeout=240)
    deadline = time.time() + 60  # the first picture comes with the first slice (later on a busy machine)
    while heatmap(demo).evaluate(PAINTED) <= 0.1 and time.time() < deadline:
        page.wait_for_timeout(250)
    assert heatmap(demo).evaluate(PAINTED) > 0.1
    assert demo.get_attribute("data-state") == "running"
    stop_promptly(demo, page)
    started = time.time()
    page.evaluate("1 + 1")
    assert time.time() - started < 0.5
    demo.locator("[data-action=reset]").click()
    assert demo.get_attribute("data-state") == "idle"
    assert demo.get_attribute("data-result") is None
    assert heatmap(demo).evaluate(PAINTED) == 0
    demo.locator("input[name=steps]").fill("30")
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"done", "error"}, timeout=60) == "done"
    assert json.loads(demo.get_attribute("data-result"))["steps"] == 30


@pytest.mark.parametrize("field, value, words", [
    ("lr", "0", "学习率"), ("lr", "abc", "学习率"), ("lr", "NaN", "学习率"),
    ("d_model", "100000", "d_model"),
    ("example", "1 2 3", "要有 6 个数"), ("example", "9 9 9 9 9 9", "0 到 7 的整数"),
    ("lr", "10", "发散"),
])
def test_bad_settings_are_explained_and_the_demo_recovers(demo, field, value, words):
    demo.locator("input[name={}]".format(field)).fill(value)
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"error", "done"}, timeout=240) == "error"
    error = demo.locator(".demo-error")
    assert error.is_visible() and words in error.inner_text()
    demo.locator("input[name=lr]").fill("0.01")
    demo.locator("input[name=d_model]").fill("32")
    demo.locator("input[name=example]").fill("")
    demo.locator("input[name=steps]").fill("30")
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"done", "error"}, timeout=60) == "done"
    assert not error.is_visible()
