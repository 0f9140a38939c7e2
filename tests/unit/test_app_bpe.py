"""The bpe demo's sessions (demos/apps/bpe.py), run natively as the page runs them."""
import pytest

from demos.apps import bpe as app
from demos.apps import run


def test_training_reports_every_merge_once_and_round_trips():
    reply, updates = run("bpe", {"vocab_size": 320})
    assert reply["state"] == "done"
    r = reply["result"]
    assert r["vocab_size"] == 320 and r["merges"] == 64 and r["roundtrip"] is True
    ids = [m["id"] for u in updates for m in u["merges"]]
    assert ids == list(range(256, 320))
    points = [p for u in updates for p in u["points"]]
    assert [p[0] for p in points] == list(range(256, 321))
    cpt = [p[1] for p in points]
    assert all(b > a for a, b in zip(cpt, cpt[1:]))  # every merge shortens the text
    assert abs(cpt[-1] - r["chars_per_token"]) < 1e-12 and r["chars"] / r["tokens"] == r["chars_per_token"]
    first = updates[0]["merges"][0]
    assert first["parts"] == [app.tokenizer().piece_text(p) for p in first["pair"]]


def test_encode_uses_the_trained_tokenizer():
    run("bpe", {"vocab_size": 400})
    reply, _ = run("bpe:Encode", {"text": "模型的训练 😀"})
    r = reply["result"]
    assert r["roundtrip"] is True and r["chars"] == 7 and r["bytes"] == len("模型的训练 😀".encode("utf-8"))
    assert "".join(t["text"] for t in r["tokens"] if "\\x" not in t["text"]).startswith("模型")
    assert sum(t["bytes"] for t in r["tokens"]) == r["bytes"]


def test_encode_before_training_is_explained(monkeypatch):
    monkeypatch.setitem(app._trained, "tokenizer", None)
    reply, _ = run("bpe:Encode", {"text": "你好"})
    assert reply["state"] == "error" and "请先点「训练」" in reply["message"]


def test_pasted_text():
    text = "\n".join("第 {} 行：the cat sat on the mat.".format(i) for i in range(30))
    reply, _ = run("bpe", {"vocab_size": 300, "corpus": "pasted", "text": text})
    assert reply["state"] == "done" and reply["result"]["corpus"] == "pasted" and reply["result"]["roundtrip"]


@pytest.mark.parametrize("params, words", [
    ({"vocab_size": "abc"}, "「词表大小」必须是数字"),
    ({"vocab_size": 100000}, "257 到 2048"),
    ({"vocab_size": "１００００"}, "257 到 2048"),
    ({"vocab_size": 256}, "257 到 2048"),
    ({"corpus": "web"}, "「训练文本」必须是"),
    ({"corpus": "pasted", "text": " \n "}, "粘贴的文本是空的"),
    ({"corpus": "pasted", "text": "字" * 200001}, "最多 200000 个字符"),
    ({"corpus": "pasted", "text": "足够长的一段文字\ud83d，后面还有很多很多字"}, "Unicode"),
])
def test_bad_settings_are_explained(params, words):
    reply, _ = run("bpe", params)
    assert reply["state"] == "error" and words in reply["message"], reply


@pytest.mark.parametrize("text, words", [("", "请先输入"), ("字" * 2001, "最多切分 2,000"), ("a\udc00b", "Unicode")])
def test_bad_sentences_are_explained(text, words):
    run("bpe", {"vocab_size": 260})
    reply, _ = run("bpe:Encode", {"text": text})
    assert reply["state"] == "error" and words in reply["message"], reply
