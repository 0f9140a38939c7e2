"""The optimizer race in the page: the race's outcome, a diverging optimiser named and stopped, Stop, Reset, bad input."""
import json

import pytest

from support import open_demo, stop_promptly, wait_for_state

pytestmark = pytest.mark.browser
PAGE = "math/optimizers/"


@pytest.fixture
def demo(page, base_url):
    return open_demo(page, base_url, PAGE, "optimizers")


def race(demo, timeout=120):
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"done", "error"}, timeout=timeout) == "done", demo.locator(".demo-error").inner_text()
    return json.loads(demo.get_attribute("data-result"))


def test_race_and_a_diverging_optimiser(demo):
    result = race(demo)
    opts = result["optimizers"]
    assert result["surface"] == "quadratic" and result["steps"] == 150
    # GD on (x² + 50 y²)/2 multiplies x by (1 - η) per step: the closed form, independent of the page
    assert opts["gd"]["position"][0] == pytest.approx(-4 * (1 - 0.035) ** 150, rel=1e-9)
    assert opts["momentum"]["loss"] < opts["gd"]["loss"] / 10
    assert opts["adam"]["loss"] < opts["gd"]["loss"] / 10
    assert "最低的是" in demo.locator(".demo-status").inner_text()
    assert demo.locator(".demo-notices").inner_text().strip() == ""

    # GD above its stability limit 2/50: it is stopped and the page says why; the other two finish
    demo.locator("input[name=lr_gd]").fill("0.05")
    result = race(demo)
    assert result["optimizers"]["gd"]["diverged"] is True
    assert result["optimizers"]["momentum"]["steps"] == 150 and result["optimizers"]["adam"]["steps"] == 150
    notice = demo.locator(".demo-notices")
    assert notice.is_visible()
    assert "GD" in notice.inner_text() and "0.04" in notice.inner_text()
    assert "发散" in demo.locator("tbody").inner_text()
    assert not demo.locator(".demo-error").is_visible()


def test_surface_presets_and_all_diverging(demo):
    demo.locator("select[name=surface]").select_option("rosenbrock")
    assert demo.locator("input[name=lr_gd]").input_value() == "0.001"
    assert demo.locator("input[name=steps]").input_value() == "2000"
    result = race(demo)
    assert result["surface"] == "rosenbrock"
    assert result["optimizers"]["adam"]["loss"] < 1e-4 < result["optimizers"]["gd"]["loss"]
    for name in ("lr_gd", "lr_momentum"):
        demo.locator("input[name=%s]" % name).fill("0.01")
    demo.locator("input[name=lr_adam]").fill("50")
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"done", "error"}, timeout=60) == "error"
    error = demo.locator(".demo-error")
    assert error.is_visible() and "都发散" in error.inner_text()


def test_stop_and_reset(demo, page):
    demo.locator("select[name=surface]").select_option("rosenbrock")
    demo.locator("input[name=steps]").fill("20000")
    demo.locator("[data-action=train]").click()
    wait_for_state(demo, {"running"}, timeout=120)
    page.wait_for_timeout(500)
    stop_promptly(demo, page)
    table = demo.locator("tbody").inner_text()
    page.wait_for_timeout(300)
    assert demo.locator("tbody").inner_text() == table  # no more progress arrives in the table either
    assert page.evaluate("1 + 1") == 2
    demo.locator("[data-action=reset]").click()
    assert demo.get_attribute("data-state") == "idle" and demo.get_attribute("data-result") is None
    assert "e-" not in demo.locator("tbody").inner_text()  # the losses are cleared
    demo.locator("input[name=steps]").fill("100")
    assert race(demo, timeout=60)["steps"] == 100


@pytest.mark.parametrize("lr, words", [("0", "1e-08 到 100 之间"), ("abc", "必须是数字"), ("NaN", "必须是数字")])
def test_bad_learning_rate_is_explained(demo, lr, words):
    demo.locator("input[name=lr_adam]").fill(lr)
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"error", "done"}, timeout=60) == "error"
    error = demo.locator(".demo-error")
    assert error.is_visible() and "Adam 学习率" in error.inner_text() and words in error.inner_text()
    demo.locator("input[name=lr_adam]").fill("0.1")
    assert race(demo)["steps"] == 150
    assert not error.is_visible()
