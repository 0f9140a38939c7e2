"""The GPT demo session (demos/apps/gpt.py): baselines, training progress, bad settings, generation with the model
kept after training."""
import json

import numpy as np
import pytest

from demos.apps import InputError, advance, start, stop
from demos.apps import gpt as app
from demos.gpt import cross_entropy

TEXT = "\n".join("第{}行：小模型学习预测下一个字，一个字接一个字地写。".format(i % 7) for i in range(60))
SMALL = {"corpus": "pasted", "text": TEXT, "layers": 1, "heads": 2, "width": 16, "context": 16, "batch": 8,
         "lr": 0.01, "seconds": 1}


def finish(session):
    updates = []
    while not session.done:
        updates.append(session.advance(0.2))
    return updates


def test_baselines_are_the_unigram_and_bigram_cross_entropy():
    train = np.array([0, 1, 0, 1, 2, 0, 1])
    x, y = np.array([0, 1, 2]), np.array([1, 0, 0])
    unigram, bigram = app.bigram_baselines(train, x, y, 3)
    counts = np.array([3, 3, 1])
    p = (counts + 1) / (7 + 3)
    assert unigram == pytest.approx(-np.mean(np.log(p[y])))
    # bigram counts: 0->1 three times, 1->0 once, 1->2 once, 2->0 once; the best α is at most the smallest tried
    best = min(-np.mean(np.log([(3 + a) / (3 + 3 * a), (1 + a) / (2 + 3 * a), (1 + a) / (1 + 3 * a)]))
               for a in app.BIGRAM_ALPHAS)
    assert bigram == pytest.approx(best)
    assert bigram < unigram


def test_training_reports_losses_baselines_samples_and_beats_the_bigram_on_repetitive_text():
    session = app.Session(dict(SMALL, seconds=6))
    updates = finish(session)
    assert updates[0]["setup"]["vocab_size"] == len(set(TEXT))
    losses = [l for u in updates for l in u.get("losses", [])]
    assert len(losses) == session.steps > 10
    assert losses[-1] < losses[0]
    val = [u["val_loss"] for u in updates if "val_loss" in u]
    assert len(val) >= 2 and val[-1] < val[0]
    assert any("sample" in u for u in updates)
    r = session.result()
    assert r["seconds"] >= 6 and r["val_loss"] == pytest.approx(
        cross_entropy(session.model.forward(session.val_x, training=False), session.val_y)[0])
    assert r["val_loss"] < r["bigram_loss"] < r["unigram_loss"]
    assert r["seconds_to_bigram"] is not None and r["seconds_to_bigram"] <= r["seconds"]
    assert app.trained() is session


def test_book_corpus_runs():
    session = app.Session({"seconds": 1, "layers": 1, "width": 16, "heads": 2, "context": 16, "batch": 4})
    assert session.vocab.size > 1000
    finish(session)
    assert session.result()["steps"] >= 1
    assert session.bigram < session.unigram


@pytest.mark.parametrize("params,words", [
    ({"context": 10 ** 6}, "上下文长度"), ({"layers": 10 ** 5}, "层数"), ({"width": 30, "heads": 4}, "整数倍"),
    ({"lr": "abc"}, "学习率"), ({"corpus": "pasted", "text": ""}, "空"), ({"corpus": "pasted", "text": "短"}, "太短"),
    ({"batch": 256, "context": 512, "width": 512, "layers": 8}, "内存"), ({"width": 512, "layers": 1}, "浮点运算"),
])
def test_bad_settings_are_explained(params, words):
    reply = json.loads(start("bad", "gpt", json.dumps(params)))
    assert reply["state"] == "error" and words in reply["message"]


def test_diverging_run_stops_with_a_message():
    reply = json.loads(start("div", "gpt", json.dumps(dict(SMALL, lr=1.0, seconds=5))))
    assert reply["state"] == "running"
    for _ in range(100):
        reply = json.loads(advance("div", 0.2))
        if reply["state"] != "running":
            break
    stop("div")
    # with clipping, Adam's steps stay bounded: the run may end normally; if it ends in error, it says why
    assert reply["state"] in ("done", "error")
    if reply["state"] == "error":
        assert "发散" in reply["message"]


def test_generate_streams_tokens_with_the_kept_model_and_rejects_bad_input():
    app.Forget({})
    with pytest.raises(InputError, match="训练"):
        app.Generate({"prompt": "第1行"})
    session = app.Session(dict(SMALL, seconds=3))
    finish(session)
    gen = app.Generate({"prompt": "第1行", "length": 30, "greedy": True})
    updates = []
    while not gen.done:
        updates.append(gen.advance(0.01))
    assert updates[-1]["tokens"] == 30 and len(updates) >= 1
    assert len(gen.result()["text"]) == 30
    att = updates[-1]["attention"]
    assert len(att["tokens"]) == len(att["weights"]) and sum(att["weights"]) == pytest.approx(1, abs=1e-3)
    greedy_again = app.Generate({"prompt": "第1行", "length": 30, "greedy": True})
    while not greedy_again.done:
        greedy_again.advance(1)
    assert greedy_again.result()["text"] == gen.result()["text"]
    for params, words in [({"prompt": ""}, "空"), ({"prompt": "€"}, "不在词表"), ({"prompt": "第", "temperature": 0}, "温度"),
                          ({"prompt": "第", "top_p": 0}, "top-p"), ({"prompt": "第", "top_p": 1.5}, "top-p")]:
        reply = json.loads(start("g", "gpt:Generate", json.dumps(params)))
        assert reply["state"] == "error" and words in reply["message"], params
    for params in ({"context": 10 ** 6}, {"corpus": "pasted", "text": ""}):
        assert json.loads(start("t", "gpt", json.dumps(params)))["state"] == "error"
    assert app.trained() is session  # bad input, for generating or for training, leaves the trained model in place
    reply = json.loads(start("f", "gpt:Forget", "{}"))
    assert reply["state"] == "running" and json.loads(advance("f", 0.1))["state"] == "done"
    assert app.trained() is None


def test_bpe_tokens_learn_merges_in_slices_then_train_and_generate_any_text():
    from demos.text import load_corpus
    text = load_corpus().train[:4000]
    session = app.Session(dict(SMALL, text=text, tokens="bpe", seconds=2))
    first = session.advance(0.001)
    assert first["phase"] == "tokenizer" and session.model is None
    updates = finish(session)
    assert session.vocab.kind == "bpe" and session.vocab.size == app.BPE_VOCAB
    assert session.vocab.decode(session.train_ids) == session.corpus.train
    assert any(u.get("phase") == "train" for u in updates)
    r = session.result()
    assert r["tokens"] == "bpe" and r["chars_per_token"] > 0.4 and r["val_bits_per_char"] > 0
    gen = app.Generate({"prompt": "€ 第", "length": 5})  # byte-level: any character encodes
    while not gen.done:
        gen.advance(1)
    assert gen.result()["tokens"] == 5
