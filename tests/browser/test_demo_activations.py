"""The activations demo in the page: Python computes the curves once, the reader moves x by keyboard or by dragging."""
import json
import math

import pytest

from support import open_demo, wait_for_state

pytestmark = pytest.mark.browser
PAGE = "math/activations/"


def formulas(x):
    s = 1 / (1 + math.exp(-x))
    return {"sigmoid": [s, s * (1 - s)], "relu": [max(x, 0.0), 1.0 if x > 0 else 0.0],
            "tanh": [math.tanh(x), 1 - math.tanh(x) ** 2]}


def check_values(result, tol):
    for name, (f, df) in formulas(result["x"]).items():
        assert result["values"][name] == pytest.approx([f, df], abs=tol), name


@pytest.fixture
def demo(page, base_url):
    return open_demo(page, base_url, PAGE, "activations")


def test_values_follow_x_by_keyboard_and_by_drag(demo, page):
    train = demo.locator("[data-action=train]")
    assert train.inner_text() == "计算"
    train.click()
    assert wait_for_state(demo, {"done", "error"}, timeout=120) == "done", demo.locator(".demo-error").inner_text()
    result = json.loads(demo.get_attribute("data-result"))
    assert result["x"] == 1 and result["points"] == 241
    check_values(result, 1e-12)

    # keyboard: four steps of 0.05 to the right; the readout and data-result follow (grid lookup in the page)
    slider = demo.locator("input[name=x]")
    slider.focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    result = json.loads(demo.get_attribute("data-result"))
    assert result["x"] == pytest.approx(1.2)
    check_values(result, 1e-6)
    row = demo.locator("tbody tr").filter(has_text="tanh").inner_text()
    assert "{:.4f}".format(math.tanh(1.2)) in row and "{:.4f}".format(1 - math.tanh(1.2) ** 2) in row

    # drag on the derivative chart to about x = -2 (plot area: 52 px left padding, 12 px right, x from -6 to 6)
    canvas = demo.locator("canvas").nth(1)
    box = canvas.bounding_box()
    target_x = box["x"] + 52 + (4 / 12) * (box["width"] - 64)
    page.mouse.move(box["x"] + box["width"] - 20, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(target_x, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    result = json.loads(demo.get_attribute("data-result"))
    assert result["x"] == pytest.approx(-2, abs=0.11)
    assert float(slider.input_value()) == pytest.approx(result["x"])
    check_values(result, 1e-6)
    assert result["values"]["relu"] == [0, 0]


def test_stop_and_reset(demo, page):
    # Train and Stop in one task: the run is stopped while the page is still preparing it
    demo.evaluate("el => { el.querySelector('[data-action=train]').click(); el.querySelector('[data-action=stop]').click(); }")
    assert demo.get_attribute("data-state") == "idle"
    page.wait_for_timeout(1500)
    assert demo.get_attribute("data-state") == "idle" and demo.get_attribute("data-result") is None
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"done", "error"}, timeout=120) == "done"
    assert "0.7311" in demo.locator("tbody").inner_text()
    demo.locator("[data-action=reset]").click()
    assert demo.get_attribute("data-state") == "idle"
    assert demo.get_attribute("data-result") is None
    assert "0.7311" not in demo.locator("tbody").inner_text() and "—" in demo.locator("tbody").inner_text()
    # moving x after a reset does not bring a result back
    demo.locator("input[name=x]").focus()
    page.keyboard.press("ArrowLeft")
    assert demo.get_attribute("data-result") is None
