"""The code cell (training/loop) in headless Chromium: it loads and runs the book's example, shows a traceback of
the reader's own lines for bad code, stops an endless loop within a second (also one stuck inside a C function, by
restarting its worker), restores the example, and becomes a CodeMirror editor only when the reader reaches for it."""
import json
import time

import pytest

from support import open_demo, wait_for_state

pytestmark = pytest.mark.browser

PAGE = "training/loop/"


EDITOR_BUNDLE = "vendor/codemirror/"


def open_cell(page, base_url):
    """The page with the example loaded into the plain text box (the editor is not loaded yet)."""
    demo = open_demo(page, base_url, PAGE, "code")
    area = demo.locator("textarea")
    page.wait_for_function("el => el.value.includes('def train(')", arg=area.element_handle(), timeout=120000)
    return demo, area


def open_editor(page, base_url):
    """The page with the example in CodeMirror (focusing the text box loads it)."""
    demo, area = open_cell(page, base_url)
    area.focus()
    demo.locator(".cm-editor .cm-content").wait_for(timeout=30000)
    return demo, demo.locator(".cm-content")


def code_of(page, demo):
    """The editor's whole document (the DOM shows only the lines in view)."""
    return page.evaluate("""async (el) => {
        const cm = await import(new URL('vendor/codemirror/codemirror.js', location.origin).href);
        return cm.EditorView.findFromDOM(el).state.doc.toString();
    }""", demo.locator(".cm-editor").element_handle())


def set_code(page, demo, text):
    """Replace the editor's content as a reader would: select all, then type (paste) the text."""
    demo.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)
    assert code_of(page, demo) == text


def run(demo, timeout=60):
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"done", "error"}, timeout=timeout) == "done", demo.locator(".demo-error").inner_text()
    return json.loads(demo.get_attribute("data-result"))


def test_runs_the_example_and_shows_its_output(page, base_url):
    demo, area = open_cell(page, base_url)
    assert demo.get_attribute("data-example") == "training_loop"
    assert demo.get_attribute("data-state") == "idle"  # loading the example is not a run
    result = run(demo)
    print("\ncode cell, training_loop example in the browser: {:.2f} s".format(result["seconds"]))
    assert result["ok"] is True
    assert "gradient check" in result["output"] and "sin(1.0)" in result["output"]
    shown = demo.locator("pre.demo-output").inner_text()
    assert "epoch  4000" in shown and "sin(1.0)" in shown


def test_errors_show_a_traceback_of_the_readers_code(page, base_url):
    demo, editor = open_editor(page, base_url)
    set_code(page, demo, "print('before')\ndef half(x):\n    return x / zero\n\nhalf(4)\n")
    result = run(demo)
    assert result["ok"] is False
    assert result["output"] == "before\n"
    error = result["error"]
    assert "NameError" in error and "zero" in error
    assert 'File "<cell>", line 5' in error and 'line 3, in half' in error
    assert "demos/apps" not in error and "exec(" not in error  # the runner's own frames are left out
    assert "NameError" in demo.locator("pre.demo-output").inner_text()

    set_code(page, demo, "print('unclosed'\n")
    result = run(demo)
    assert result["ok"] is False and "SyntaxError" in result["error"]

    set_code(page, demo, "   \n")
    demo.locator("[data-action=train]").click()
    assert demo.get_attribute("data-state") == "error"
    assert "代码是空的" in demo.locator(".demo-error").inner_text()


def test_stop_ends_an_endless_loop_within_a_second_and_reset_restores(page, base_url):
    demo, editor = open_editor(page, base_url)
    example = code_of(page, demo)
    set_code(page, demo, "i = 0\nwhile True:\n    i += 1\n    if i % 1000000 == 0:\n        print(i)\n")
    demo.locator("[data-action=train]").click()
    wait_for_state(demo, {"running"}, timeout=30)
    page.wait_for_timeout(1500)
    demo.locator("[data-action=stop]").click()
    start = time.time()
    wait_for_state(demo, {"idle"}, timeout=1.0)
    assert time.time() - start < 1.0
    assert page.evaluate("() => 6 * 7") == 42
    # the worker answered the Stop (no restart) and is free again at once: a new run answers quickly
    assert "重启" not in demo.locator(".demo-status").inner_text()
    set_code(page, demo, "print('after the loop')\n")
    start = time.time()
    result = run(demo, timeout=10)
    assert result["ok"] and result["output"] == "after the loop\n"
    assert time.time() - start < 5

    demo.locator("[data-action=reset]").click()
    assert demo.get_attribute("data-state") == "idle"
    assert code_of(page, demo) == example
    assert demo.locator("pre.demo-output").inner_text() == ""


def test_time_limit(page, base_url):
    demo, editor = open_editor(page, base_url)
    # an endless loop inside a function cannot pause: the time limit ends it
    set_code(page, demo, "def spin():\n    while True:\n        pass\n\nspin()\n")
    demo.locator("input[name=time_limit]").fill("2")
    result = run(demo, timeout=20)
    assert result["ok"] is False and result.get("timed_out") is True
    assert "运行超时" in demo.locator("pre.demo-output").inner_text()


def test_the_editor_loads_on_focus_and_ctrl_enter_runs_what_is_typed(page, base_url):
    requested = []
    page.on("request", lambda r: EDITOR_BUNDLE in r.url and requested.append(r.url))
    demo, area = open_cell(page, base_url)
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(500)
    assert requested == [], "the editor was downloaded before the reader reached for it"
    assert demo.locator(".cm-editor").count() == 0

    area.focus()
    content = demo.locator(".cm-editor .cm-content")
    content.wait_for(timeout=30000)
    assert len(requested) == 1 and requested[0].endswith("codemirror.js")
    assert area.is_hidden()
    assert "def train(" in code_of(page, demo)  # the example moved into the editor
    assert page.evaluate("document.activeElement.classList.contains('cm-content')")  # focus followed
    assert demo.locator(".cm-gutters .cm-lineNumbers").count() == 1  # line numbers
    assert content.locator("span[class]").count() > 10  # Python highlighting

    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("for k in range(3):")
    page.keyboard.press("Enter")  # the editor indents the loop body by itself
    page.keyboard.type("print(k * k)")
    assert code_of(page, demo) == "for k in range(3):\n    print(k * k)"
    page.keyboard.press("Control+Enter")
    assert wait_for_state(demo, {"done", "error"}, timeout=30) == "done"
    assert json.loads(demo.get_attribute("data-result"))["output"] == "0\n1\n4\n"
    assert demo.locator("pre.demo-output").inner_text() == "0\n1\n4\n"
    assert code_of(page, demo) == "for k in range(3):\n    print(k * k)"  # Ctrl+Enter inserted no line

    # Tab indents; Esc then Tab leaves the editor for the next control
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type("pass")
    assert code_of(page, demo).endswith("\n        pass")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert not page.evaluate("document.activeElement.classList.contains('cm-content')")


def test_stop_restarts_python_stuck_inside_a_c_function(page, base_url):
    """sum(range(10**12)) runs in C: no slice ends and no Stop message is read. Stop still ends it within a second:
    the page replaces the code cell's worker, says so, and the code cell and the other demos keep working."""
    demo, editor = open_editor(page, base_url)
    regression = page.locator('[data-demo="regression"]')
    set_code(page, demo, "print('summing')\nprint(sum(range(10 ** 12)))\n")
    demo.locator("[data-action=train]").click()
    wait_for_state(demo, {"running"}, timeout=60)
    page.wait_for_timeout(1500)
    assert demo.get_attribute("data-state") == "running"
    clicked = time.time()
    demo.locator("[data-action=stop]").click()
    wait_for_state(demo, {"idle"}, timeout=1.0)
    assert time.time() - clicked < 1.0
    status = demo.locator(".demo-status")
    page.wait_for_function("el => el.textContent.includes('已重启 Python 运行环境')", arg=status.element_handle(),
                           timeout=3000)
    print("\nstuck code cell: Stop to restart message {:.2f} s".format(time.time() - clicked))
    assert status.inner_text() == "代码卡在计算里没有响应，已重启 Python 运行环境。"

    # the same code cell runs again, in the fresh worker
    set_code(page, demo, "print('after the restart')\n")
    result = run(demo, timeout=120)
    assert result["ok"] and result["output"] == "after the restart\n"

    # and another demo on the page trains
    regression.scroll_into_view_if_needed()
    regression.locator("input[name=epochs]").fill("50")
    regression.locator("[data-action=train]").click()
    assert wait_for_state(regression, {"done", "error"}, timeout=180) == "done", regression.locator(".demo-error").inner_text()
    assert json.loads(regression.get_attribute("data-result"))["steps"] == 50
