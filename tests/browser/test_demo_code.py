"""The code cell (training/loop) in headless Chromium: it loads and runs the book's example, shows a traceback of
the reader's own lines for bad code, stops an endless loop within a second, and restores the example."""
import json
import time

import pytest

from support import open_demo, wait_for_state

pytestmark = pytest.mark.browser

PAGE = "training/loop/"


def open_cell(page, base_url):
    demo = open_demo(page, base_url, PAGE, "code")
    editor = demo.locator("textarea")
    page.wait_for_function("el => el.value.includes('def train(')", arg=editor.element_handle(), timeout=120000)
    return demo, editor


def run(demo, timeout=60):
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"done", "error"}, timeout=timeout) == "done", demo.locator(".demo-error").inner_text()
    return json.loads(demo.get_attribute("data-result"))


def test_runs_the_example_and_shows_its_output(page, base_url):
    demo, editor = open_cell(page, base_url)
    assert demo.get_attribute("data-example") == "training_loop"
    assert demo.get_attribute("data-state") == "idle"  # loading the example is not a run
    result = run(demo)
    print("\ncode cell, training_loop example in the browser: {:.2f} s".format(result["seconds"]))
    assert result["ok"] is True
    assert "gradient check" in result["output"] and "sin(1.0)" in result["output"]
    shown = demo.locator("pre.demo-output").inner_text()
    assert "epoch  4000" in shown and "sin(1.0)" in shown


def test_errors_show_a_traceback_of_the_readers_code(page, base_url):
    demo, editor = open_cell(page, base_url)
    editor.fill("print('before')\ndef half(x):\n    return x / zero\n\nhalf(4)\n")
    result = run(demo)
    assert result["ok"] is False
    assert result["output"] == "before\n"
    error = result["error"]
    assert "NameError" in error and "zero" in error
    assert 'File "<cell>", line 5' in error and 'line 3, in half' in error
    assert "demos/apps" not in error and "exec(" not in error  # the runner's own frames are left out
    assert "NameError" in demo.locator("pre.demo-output").inner_text()

    editor.fill("print('unclosed'\n")
    result = run(demo)
    assert result["ok"] is False and "SyntaxError" in result["error"]

    editor.fill("   \n")
    demo.locator("[data-action=train]").click()
    assert demo.get_attribute("data-state") == "error"
    assert "代码是空的" in demo.locator(".demo-error").inner_text()


def test_stop_ends_an_endless_loop_within_a_second_and_reset_restores(page, base_url):
    demo, editor = open_cell(page, base_url)
    example = editor.input_value()
    editor.fill("i = 0\nwhile True:\n    i += 1\n    if i % 1000000 == 0:\n        print(i)\n")
    demo.locator("[data-action=train]").click()
    wait_for_state(demo, {"running"}, timeout=30)
    page.wait_for_timeout(1500)
    demo.locator("[data-action=stop]").click()
    start = time.time()
    wait_for_state(demo, {"idle"}, timeout=1.0)
    assert time.time() - start < 1.0
    assert page.evaluate("() => 6 * 7") == 42
    # the worker is free again at once: a new run answers quickly
    editor.fill("print('after the loop')\n")
    start = time.time()
    result = run(demo, timeout=10)
    assert result["ok"] and result["output"] == "after the loop\n"
    assert time.time() - start < 5

    demo.locator("[data-action=reset]").click()
    assert demo.get_attribute("data-state") == "idle"
    assert editor.input_value() == example
    assert demo.locator("pre.demo-output").inner_text() == ""


def test_time_limit_and_keyboard(page, base_url):
    demo, editor = open_cell(page, base_url)
    # an endless loop inside a function cannot pause: the time limit ends it
    editor.fill("def spin():\n    while True:\n        pass\n\nspin()\n")
    demo.locator("input[name=time_limit]").fill("2")
    result = run(demo, timeout=20)
    assert result["ok"] is False and result.get("timed_out") is True
    assert "运行超时" in demo.locator("pre.demo-output").inner_text()

    editor.fill("for k in range(3):")
    editor.press("End")
    editor.press("Enter")
    editor.press("Tab")
    editor.type("print(k * k)")
    assert editor.input_value() == "for k in range(3):\n    print(k * k)"
    editor.press("Control+Enter")
    assert wait_for_state(demo, {"done", "error"}, timeout=20) == "done"
    assert json.loads(demo.get_attribute("data-result"))["output"] == "0\n1\n4\n"
