"""The bpe demo on the tokens page: byte-level BPE learned in the page, then any sentence split with it."""
import json
import time

import pytest

from support import open_demo, run_to_end, stop_promptly, wait_for_state

pytestmark = pytest.mark.browser
PAGE = "llm/tokens/"


@pytest.fixture
def demo(page, base_url):
    return open_demo(page, base_url, PAGE, "bpe")


def wait_for_encoding(demo, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        state = demo.get_attribute("data-encode-state")
        if state in ("done", "error"):
            return state
        time.sleep(0.1)
    raise AssertionError("the sentence was not split within {} s".format(timeout))


def encode(demo, text):
    demo.evaluate("el => { delete el.dataset.encodeState; }")
    demo.locator("textarea[name=sentence]").fill(text)
    demo.locator("[data-action=encode]").click()
    return wait_for_encoding(demo)


def test_learns_merges_and_round_trips_the_book(demo):
    started = time.time()
    result = run_to_end(demo, timeout=300)
    print("\nbpe default settings: {} merges in {:.1f} s of training in the page ({:.1f} s from the click, "
          "runtime boot included)".format(result["merges"], result["seconds"], time.time() - started))
    assert result["corpus"] == "book" and result["vocab_size"] == 768 and result["merges"] == 512
    # the whole corpus: the training text decoded from its training ids, the validation text encoded afresh
    assert result["roundtrip"] is True
    assert result["bytes"] > 2 * result["chars"]  # mostly Chinese: 3 bytes a character
    assert result["tokens"] < result["chars"] * 1.1 and result["chars_per_token"] > 0.9
    assert result["validation_chars_per_token"] > 0.8
    merges = demo.locator(".bpe-merge-text").all_inner_texts()
    assert len(merges) == 60 and "的" not in merges[:10]  # newest first: late merges are longer than a character
    assert "完成" in demo.locator(".demo-status").inner_text()
    # after training the page splits its example sentence by itself
    assert wait_for_encoding(demo) == "done"
    sentence = demo.locator("textarea[name=sentence]").input_value()
    shown = json.loads(demo.get_attribute("data-encode-result"))
    assert shown["roundtrip"] is True and shown["chars"] == len(sentence)
    assert 0 < shown["count"] < len(sentence.encode("utf-8"))
    assert "".join(demo.locator(".bpe-token").all_inner_texts()).replace("␣", " ").count("模型") >= 1

    # any text, emoji and English included, round-trips; an empty one gets a message
    text = "Tokenizer 把“大语言模型”切成 token 😀，再拼回去。"
    assert encode(demo, text) == "done"
    shown = json.loads(demo.get_attribute("data-encode-result"))
    assert shown["roundtrip"] is True and shown["chars"] == len(text)
    assert encode(demo, "   ") == "error"
    assert "请先输入" in demo.locator(".bpe-encode-error").inner_text()
    assert encode(demo, "字" * 2001) == "error"
    assert "最多" in demo.locator(".bpe-encode-error").inner_text()
    assert demo.get_attribute("data-state") == "done"


def test_stop_and_reset(demo, page):
    demo.locator("input[name=vocab_size]").fill("2048")
    demo.locator("[data-action=train]").click()
    wait_for_state(demo, {"running"}, timeout=180)
    page.wait_for_timeout(1500)
    stop_promptly(demo, page)
    assert demo.locator(".bpe-merge-text").count() > 0
    demo.locator("[data-action=reset]").click()
    assert demo.get_attribute("data-state") == "idle"
    assert demo.get_attribute("data-result") is None
    assert demo.locator(".bpe-merge-text").count() == 0
    assert demo.locator("[data-action=encode]").is_disabled()


def test_pasted_text_is_used_and_checked(demo):
    demo.locator("input[name=vocab_size]").fill("300")
    demo.locator("select[name=corpus]").select_option("pasted")
    box = demo.locator("textarea[name=text]")
    assert box.is_visible()
    checks = [
        ("", "空"),
        ("短", "太短"),
        ("字" * 200001, "最多 200000 个字符"),
        ("一段文字\ud800后面还有更多的文字，足够长", "Unicode"),
    ]
    for text, words in checks:
        box.evaluate("(el, t) => { el.value = t; }", text)
        demo.locator("[data-action=train]").click()
        assert wait_for_state(demo, {"error", "done"}, timeout=180) == "error", text[:20]
        error = demo.locator(".demo-error")
        assert error.is_visible() and words in error.inner_text(), (words, error.inner_text())
    own = "\n".join("the cat sat on the mat, 猫坐在垫子上 {}".format(i) for i in range(40))
    box.fill(own)
    result = run_to_end(demo, timeout=120)
    assert result["corpus"] == "pasted" and result["roundtrip"] is True
    assert result["vocab_size"] <= 300 and result["chars"] < len(own)
    assert encode(demo, "the cat 坐在垫子上") == "done"
    assert json.loads(demo.get_attribute("data-encode-result"))["count"] <= 8


@pytest.mark.parametrize("value, words", [("abc", "必须是数字"), ("１００００", "257 到 2048"), ("300.5", "整数"),
                                          ("", "必须是数字")])
def test_bad_vocab_size_is_explained(demo, value, words):
    demo.locator("input[name=vocab_size]").fill(value)
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"error", "done"}, timeout=60) == "error"
    error = demo.locator(".demo-error")
    assert error.is_visible() and "词表大小" in error.inner_text() and words in error.inner_text()
