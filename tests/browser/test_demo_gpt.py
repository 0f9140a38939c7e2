"""The GPT demo in the page: it trains on the book's text with live losses, baselines and samples; Stop is prompt;
after training the prompt box streams a continuation with the attention of the last token; bad input is explained
and leaves the trained model in place; Reset clears."""
import json
import time

import pytest

from support import open_demo, stop_promptly, wait_for_state

pytestmark = pytest.mark.browser
PAGE = "llm/language-modeling/"

PAINTED = """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n / (c.width * c.height); }"""


@pytest.fixture
def demo(page, base_url):
    return open_demo(page, base_url, PAGE, "gpt")


def settings(demo, **values):
    for name, value in values.items():
        field = demo.locator(".demo-controls [name={}]".format(name)).first
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(str(value))
        else:
            field.fill(str(value))


def generate(demo, **values):
    gen = demo.locator(".gpt-generate")
    for name, value in values.items():
        gen.locator("[name={}]".format(name)).fill(str(value))
    gen.locator("[data-action=generate]").click()
    deadline = time.time() + 60
    while gen.get_attribute("data-state") == "running" and time.time() < deadline:
        time.sleep(0.1)
    return gen


def test_trains_on_the_book_then_generates_with_attention(demo, page):
    settings(demo, seconds=8, layers=1, width=32, heads=2, context=32, batch=8)
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"done", "error"}, timeout=240) == "done", demo.locator(".demo-error").inner_text()
    r = json.loads(demo.get_attribute("data-result"))
    assert r["tokens"] == "char" and r["vocab_size"] == 512 and 0.9 < r["val_coverage"] < 1
    assert "覆盖验证文本" in demo.locator(".demo-status").inner_text()
    assert r["steps"] >= 2 and r["seconds"] >= 8
    assert r["unigram_loss"] > r["bigram_loss"] > 0
    assert r["val_loss"] < r["unigram_loss"] + 2 and r["sample"]
    assert demo.locator("canvas").first.evaluate(PAINTED) > 0.01
    assert demo.locator(".gpt-sample").inner_text().strip()
    gen = generate(demo, prompt="大模型", length=12)
    assert gen.get_attribute("data-state") == "done"
    result = json.loads(gen.get_attribute("data-result"))
    assert result["tokens"] == 12
    assert demo.locator(".gpt-output").inner_text().startswith("大模型")
    cells = demo.locator(".gpt-attention span")
    assert cells.count() >= 3
    weights = [float(cells.nth(i).get_attribute("data-weight")) for i in range(cells.count())]
    assert sum(weights) == pytest.approx(1, abs=0.01)
    assert demo.locator(".gpt-rare-note").is_hidden()
    # a character outside the vocabulary: read as the shared "rare" token, and the page says so
    gen = generate(demo, prompt="大模型€", length=3)
    assert gen.get_attribute("data-state") == "done" and json.loads(gen.get_attribute("data-result"))["rare_chars"] == ["€"]
    note = demo.locator(".gpt-rare-note")
    assert note.is_visible() and "€" in note.inner_text() and "罕见字" in note.inner_text()
    # bad generation input: a clear message, the model stays
    for values, words in [({"prompt": ""}, "空"), ({"prompt": "大", "temperature": "0"}, "温度"),
                          ({"prompt": "大", "temperature": "0.8", "top_p": "1.5"}, "top-p")]:
        gen = generate(demo, **values)
        assert gen.get_attribute("data-state") == "error"
        assert words in demo.locator(".gpt-generate-error").inner_text()
    gen = generate(demo, prompt="模型", temperature="０.５", top_p="0.9", length=5)  # full-width digits read
    assert gen.get_attribute("data-state") == "done"
    demo.locator("[data-action=reset]").click()
    assert demo.locator(".gpt-generate").is_hidden()
    assert demo.get_attribute("data-result") is None


def test_stop_is_prompt_and_keeps_the_model(demo, page):
    settings(demo, seconds=600)
    demo.locator("[data-action=train]").click()
    wait_for_state(demo, {"running"}, timeout=180)
    page.wait_for_function("el => el.querySelector('.gpt-generate') && !el.querySelector('.gpt-generate').hidden",
                           arg=demo.element_handle(), timeout=120000)
    stop_promptly(demo, page)
    gen = generate(demo, prompt="数据", length=5)
    assert gen.get_attribute("data-state") == "done"
    # a long generation stops within a second too
    gen.locator("[name=length]").fill("500")
    before = demo.locator(".gpt-output").inner_text()
    gen.locator("[data-action=generate]").click()
    # stop as soon as the first tokens stream in (on a quiet machine 500 tokens take only a couple of seconds)
    page.wait_for_function("([el, text]) => el.textContent !== text", arg=[demo.locator(".gpt-output").element_handle(), before],
                           timeout=60000)
    assert gen.get_attribute("data-state") == "running"
    clicked = time.time()
    gen.locator("[data-action=stop-generate]").click()
    while gen.get_attribute("data-state") == "running" and time.time() - clicked < 2:
        time.sleep(0.05)
    assert gen.get_attribute("data-state") == "idle" and time.time() - clicked < 1.0
    shown = demo.locator(".gpt-output").inner_text()
    page.wait_for_timeout(700)
    assert demo.locator(".gpt-output").inner_text() == shown, "tokens still arrive after Stop"


@pytest.mark.parametrize("field, value, words", [
    ("context", "1000000", "上下文长度"), ("layers", "100000", "层数"), ("width", "33", "整数倍"), ("lr", "abc", "学习率"),
])
def test_bad_settings_are_explained(demo, field, value, words):
    settings(demo, **{field: value})
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"error", "done"}, timeout=180) == "error"
    error = demo.locator(".demo-error").first
    assert error.is_visible() and words in error.inner_text()


def test_pasted_text_that_is_empty_is_explained(demo):
    settings(demo, corpus="pasted", text="")
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"error", "done"}, timeout=180) == "error"
    assert "空" in demo.locator(".demo-error").first.inner_text()
