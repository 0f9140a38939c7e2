"""The losses demo in the page: the gradient of cross-entropy stays large when the model is confidently wrong."""
import json
import math

import pytest

from support import open_demo, run_to_end, wait_for_state

pytestmark = pytest.mark.browser
PAGE = "math/losses/"


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


@pytest.fixture
def demo(page, base_url):
    return open_demo(page, base_url, PAGE, "losses")


def compute(demo):
    return run_to_end(demo, timeout=120)


def test_confidently_wrong_prediction(demo, page):
    slider = demo.locator("input[name=z]")
    assert float(slider.input_value()) == -4  # the default the page promises
    slider.focus()
    page.keyboard.press("Home")  # z = -8: the model is sure of the wrong class (y = 1)
    result = compute(demo)
    assert result["z"] == -8 and result["target"] == 1
    p = sigmoid(-8)
    assert result["p"] == pytest.approx(p, rel=1e-9)
    mse_grad = result["values"]["mse"][1]
    assert mse_grad == pytest.approx(2 * (p - 1) * p * (1 - p), rel=1e-6)
    assert abs(mse_grad) < 0.001
    assert result["values"]["bce"][1] == pytest.approx(p - 1, rel=1e-9)
    assert abs(result["values"]["softmax_ce"][1]) > 0.99
    assert "自信地错了" in demo.inner_text()

    # moving z after the computation: the readout and data-result follow the grid
    slider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    moved = json.loads(demo.get_attribute("data-result"))
    assert moved["z"] == pytest.approx(-7.5)
    assert moved["values"]["bce"][1] == pytest.approx(sigmoid(-7.5) - 1, abs=1e-6)
    page.keyboard.press("End")
    assert "答对了" in demo.inner_text()

    # a new target recomputes by itself; now z = 8 is the confidently wrong end
    demo.locator("select[name=target]").select_option("0")
    wait_for_state(demo, {"loading", "running"}, timeout=5)
    assert wait_for_state(demo, {"done", "error"}, timeout=60) == "done"
    result = json.loads(demo.get_attribute("data-result"))
    assert result["target"] == 0 and result["z"] == 8
    assert result["values"]["bce"][1] == pytest.approx(sigmoid(8), rel=1e-9)
    assert abs(result["values"]["mse"][1]) < 0.001
    assert "自信地错了" in demo.inner_text()


def test_stop_and_reset(demo, page):
    demo.evaluate("el => { el.querySelector('[data-action=train]').click(); el.querySelector('[data-action=stop]').click(); }")
    assert demo.get_attribute("data-state") == "idle"
    page.wait_for_timeout(1500)
    assert demo.get_attribute("data-state") == "idle" and demo.get_attribute("data-result") is None
    compute(demo)
    demo.locator("[data-action=reset]").click()
    assert demo.get_attribute("data-state") == "idle" and demo.get_attribute("data-result") is None
    assert "—" in demo.locator("tbody").inner_text()


@pytest.mark.parametrize("value, words", [("abc", "类别数"), ("1", "2 到 10 之间"), ("２.５", "整数")])
def test_bad_class_count_is_explained(demo, value, words):
    demo.locator("input[name=classes]").fill(value)
    demo.locator("[data-action=train]").click()
    assert demo.get_attribute("data-state") == "error"
    error = demo.locator(".demo-error")
    assert error.is_visible() and words in error.inner_text()
    demo.locator("input[name=classes]").fill("4")
    assert compute(demo)["classes"] == 4
    assert not error.is_visible()
