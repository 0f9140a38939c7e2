"""The rag demo on the products page: BM25 over the book's paragraphs in the page, passages with real links,
and the prompt a RAG system would send."""
import json
import re

import pytest

from support import open_demo, run_to_end, stop_promptly, wait_for_state

pytestmark = pytest.mark.browser
PAGE = "llm/products/"


@pytest.fixture
def demo(page, base_url):
    return open_demo(page, base_url, PAGE, "rag")


def test_finds_passages_that_link_to_their_sections(demo, page, base_url):
    demo.locator("input[name=question]").fill("LSTM 的遗忘门是做什么用的？")
    result = run_to_end(demo, timeout=180)
    assert result["top_k"] == 5 and len(result["passages"]) == 5
    assert "concepts/rnn/" in [p["page"] for p in result["passages"][:3]]
    links = demo.locator("a.rag-link")
    assert links.count() == 5
    first = result["passages"][0]
    href = links.first.get_attribute("href")
    assert href == base_url + first["link"]
    prompt = demo.locator("pre.rag-prompt").inner_text()
    assert "问题：LSTM 的遗忘门是做什么用的？" in prompt and first["text"] in prompt
    assert "找到 5 段" in demo.locator(".demo-status").inner_text()
    # the link leads to the section: the page exists and has the heading's anchor
    links.first.click()
    page.wait_for_load_state()
    assert page.url == href
    if first["anchor"]:
        assert page.locator("[id='{}']".format(first["anchor"])).count() == 1


def test_second_question_reuses_the_index(demo):
    run_to_end(demo, timeout=180)
    demo.locator("input[name=question]").fill("知识蒸馏")
    demo.locator("input[name=top_k]").fill("３")  # full-width digit, as a Chinese input method types it
    result = run_to_end(demo, timeout=60)
    assert len(result["passages"]) == 3 and result["seconds"]["index"] < 0.05
    assert demo.locator("li.rag-passage").count() == 3


def test_stop_and_reset(demo, page):
    demo.locator("[data-action=train]").click()
    wait_for_state(demo, {"loading", "running"}, timeout=10)
    stop_promptly(demo, page)
    assert demo.locator("li.rag-passage").count() == 0
    run_to_end(demo, timeout=180)
    assert demo.locator("li.rag-passage").count() == 5
    demo.locator("[data-action=reset]").click()
    assert demo.get_attribute("data-state") == "idle" and demo.get_attribute("data-result") is None
    assert demo.locator("li.rag-passage").count() == 0 and not demo.locator("pre.rag-prompt").is_visible()


@pytest.mark.parametrize("field, value, words", [
    ("question", "", "请先输入一个问题"),
    ("question", "？？？", "没有可以检索的文字"),
    ("question", "问" * 201, "最多 200 个字符"),
    ("top_k", "abc", "「取回段落数」必须是数字"),
    ("top_k", "11", "1 到 10"),
])
def test_bad_input_is_explained(demo, field, value, words):
    demo.locator("input[name={}]".format(field)).fill(value)
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"error", "done"}, timeout=180) == "error"
    error = demo.locator(".demo-error")
    assert error.is_visible() and words in error.inner_text(), error.inner_text()
