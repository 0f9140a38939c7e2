"""The rag demo's session (demos/apps/rag.py), run natively as the page runs it."""
import pytest

from demos.apps import run


def test_finds_passages_with_links_and_builds_the_prompt():
    reply, _ = run("rag", {"question": "Adam 优化器为什么要做偏差修正？", "top_k": 3})
    assert reply["state"] == "done"
    r = reply["result"]
    assert len(r["passages"]) == 3 and [p["rank"] for p in r["passages"]] == [1, 2, 3]
    scores = [p["score"] for p in r["passages"]]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    assert "math/optimizers/" in [p["page"] for p in r["passages"]]
    for p in r["passages"]:
        assert p["link"] == p["page"] + ("#" + p["anchor"] if p["anchor"] else "")
    prompt = r["prompt"]
    assert prompt.index("[1]") < prompt.index("[2]") < prompt.index("[3]") < prompt.index("问题：Adam")
    assert all(p["text"] in prompt for p in r["passages"])
    assert r["terms"] and all(a["idf"] >= b["idf"] for a, b in zip(r["terms"], r["terms"][1:]))


@pytest.mark.parametrize("params, words", [
    ({"question": "   "}, "请先输入一个问题"),
    ({"question": "？？？！！"}, "没有可以检索的文字"),
    ({"question": "字" * 201}, "「问题」最多 200 个字符"),
    ({"question": "损失\udc80函数"}, "Unicode"),
    ({"top_k": "0"}, "「取回段落数」必须在 1 到 10 之间"),
    ({"top_k": "５０"}, "「取回段落数」必须在 1 到 10 之间"),
])
def test_bad_input_is_explained(params, words):
    reply, _ = run("rag", params)
    assert reply["state"] == "error" and words in reply["message"], reply
