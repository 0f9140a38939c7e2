"""The scaling demo in the page: four sizes train on the same characters, the plots are drawn, the exponent and the
budget winner are reported; Stop within a second, Reset, bad settings explained."""
import json
import time

import pytest

from support import open_demo, run_to_end, stop_promptly, wait_for_state

pytestmark = pytest.mark.browser
PAGE = "llm/scaling/"
BUDGET_SECONDS = 120  # the whole experiment at its default settings, in the page

PAINTED = """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n / (c.width * c.height); }"""


@pytest.fixture
def demo(page, base_url):
    return open_demo(page, base_url, PAGE, "scaling")


def test_short_experiment_fits_a_power_law_and_names_the_budget_winner(demo):
    demo.locator("input[name=steps]").fill("20")
    demo.locator("input[name=budget]").fill("0.03")
    result = run_to_end(demo, timeout=300)
    assert [s["params"] for s in result["sizes"]] == sorted(s["params"] for s in result["sizes"])
    assert result["tokens"] == 20 * 16 * 32
    assert result["alpha"] is not None and result["fit"]["rmse"] < 0.5
    measured = [loss for loss in result["budget_losses"] if loss is not None]
    assert len(measured) >= 2 and result["budget_losses"][result["winner"]] == min(measured)
    assert "α =" in demo.locator(".demo-status").inner_text()
    assert demo.locator(".scaling-winner").count() == 1
    for k in range(2):
        assert demo.locator("canvas").nth(k).evaluate(PAINTED) > 0.005, k


def test_default_experiment_within_two_minutes(demo):
    started = time.time()
    result = run_to_end(demo, timeout=600)
    wall = time.time() - started
    print("scaling default: {:.1f} s in Python, {:.1f} s wall, alpha {:.3f}".format(result["seconds"], wall, result["alpha"]))
    assert result["seconds"] < BUDGET_SECONDS


def test_stop_and_reset(demo, page):
    demo.locator("[data-action=train]").click()
    wait_for_state(demo, {"running"}, timeout=180)
    page.wait_for_timeout(3000)
    stop_promptly(demo, page)
    demo.locator("[data-action=reset]").click()
    assert demo.get_attribute("data-state") == "idle"
    assert demo.get_attribute("data-result") is None
    assert demo.locator(".demo-status").inner_text() == ""


@pytest.mark.parametrize("field, value, words", [
    ("steps", "abc", "训练步数"), ("steps", "5", "训练步数"), ("steps", "NaN", "训练步数"),
    ("budget", "100000", "计算预算"), ("budget", "0", "计算预算"), ("seed", "-3", "随机种子"),
])
def test_bad_settings_are_explained(demo, field, value, words):
    demo.locator("input[name={}]".format(field)).fill(value)
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"error"}, timeout=180) == "error"
    error = demo.locator(".demo-error")
    assert error.is_visible() and words in error.inner_text()
