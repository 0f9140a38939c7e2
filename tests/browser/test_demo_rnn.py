"""The RNN demo in the page: it learns the sine wave in the browser within the time the book promises, draws its
plots, can be stopped and reset, and explains bad settings and a diverging run."""
import json
import time

import pytest

from support import open_demo, run_to_end, stop_promptly, wait_for_state

pytestmark = pytest.mark.browser
PAGE = "concepts/rnn/"
SECONDS = 30  # the browser budget for reaching the target loss

# share of a canvas's pixels that are painted (0 for a cleared canvas)
PAINTED = """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n / (c.width * c.height); }"""


@pytest.fixture
def demo(page, base_url):
    return open_demo(page, base_url, PAGE, "rnn")


def heatmap(demo):
    return demo.locator("canvas").nth(3)


def test_learns_the_sine_wave_within_the_budget(demo):
    result = run_to_end(demo, timeout=180)
    assert result["steps"] == 500
    assert result["loss"] < result["target_loss"] == 1e-3
    assert result["seconds_to_target"] is not None and result["seconds_to_target"] < SECONDS
    assert result["seconds"] < 2 * SECONDS
    assert result["free_run_loss"] < 0.05
    assert "留出数据" in demo.locator(".demo-status").inner_text()
    assert demo.locator("canvas").count() == 4
    for k in range(4):
        assert demo.locator("canvas").nth(k).evaluate(PAINTED) > 0.01, k


def test_small_recurrent_weights_make_the_gradient_vanish(demo):
    demo.locator("select[name=rho]").select_option("0.5")
    demo.locator("input[name=length]").fill("40")
    demo.locator("input[name=steps]").fill("1")
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"done", "error"}, timeout=180) == "done"
    result = json.loads(demo.get_attribute("data-result"))
    assert result["steps"] == 1
    assert result["gradient_ratio"] < 1e-8


def test_stop_and_reset(demo, page):
    demo.locator("input[name=steps]").fill("5000")
    demo.locator("input[name=length]").fill("60")
    demo.locator("[data-action=train]").click()
    wait_for_state(demo, {"running"}, timeout=180)
    deadline = time.time() + 60  # the first picture comes with the first slice (later on a busy machine)
    while heatmap(demo).evaluate(PAINTED) <= 0.01 and time.time() < deadline:
        page.wait_for_timeout(250)
    assert heatmap(demo).evaluate(PAINTED) > 0.01
    assert demo.get_attribute("data-state") == "running"
    stop_promptly(demo, page)
    started = time.time()
    page.evaluate("1 + 1")  # the page still answers at once
    assert time.time() - started < 0.5
    demo.locator("[data-action=reset]").click()
    assert demo.get_attribute("data-state") == "idle"
    assert demo.get_attribute("data-result") is None
    assert heatmap(demo).evaluate(PAINTED) == 0
    demo.locator("input[name=steps]").fill("50")
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"done", "error"}, timeout=60) == "done"
    assert json.loads(demo.get_attribute("data-result"))["steps"] == 50


@pytest.mark.parametrize("field, value, words", [
    ("lr", "0", "学习率"), ("lr", "-1", "学习率"), ("lr", "abc", "学习率"), ("lr", "NaN", "学习率"),
    ("hidden", "100000", "隐藏单元数"), ("length", "1.5", "序列长度"),
    ("lr", "10", "发散"),
])
def test_bad_settings_are_explained_and_the_demo_recovers(demo, field, value, words):
    demo.locator("input[name={}]".format(field)).fill(value)
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"error", "done"}, timeout=180) == "error"
    error = demo.locator(".demo-error")
    assert error.is_visible() and words in error.inner_text()
    demo.locator("input[name=lr]").fill("0.01")
    demo.locator("input[name=hidden]").fill("16")
    demo.locator("input[name=length]").fill("20")
    demo.locator("input[name=steps]").fill("100")
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"done", "error"}, timeout=60) == "done"
    assert not error.is_visible()
