"""The decoding demo session (demos/apps/sampling.py): the distribution before and after the rules, its entropy and
samples, from the bundled model or from the GPT trained in the page."""
import json

import numpy as np
import pytest

from demos import sampling
from demos.apps import gpt as gpt_app
from demos.apps import sampling as app
from demos.apps import clean, start


def run(params):
    session = app.Session(params)
    while not session.done:
        session.advance(1.0)
    return session, clean(session.result())  # as the page gets it (JSON)


def test_bundled_model_is_small_and_loads():
    from pathlib import Path
    path = Path(app.asset_path(app.TINY_MODEL)).resolve()
    assert path.stat().st_size < 1_000_000
    model, vocab = app.tiny_model()
    assert model.vocab_size == vocab.size > 1000
    assert model.tok.params["W"].dtype == np.float32


def test_distribution_before_and_after_follows_the_rules():
    gpt_app.forget()
    session, r = run({"prompt": "大模型的", "temperature": 0.7, "top_k": 10, "top_p": 0.9, "samples": 3})
    assert r["source"] == "bundled"
    logits = session.model.forward(np.array([session.ids]), training=False)[0, -1].astype(np.float64)
    after = sampling.distribution(logits, 0.7, 10, 0.9)
    assert r["kept"] == int((after > 0).sum()) <= 10
    assert r["entropy_after"] == pytest.approx(sampling.entropy(after))
    assert r["entropy_after"] < r["entropy_before"] <= r["max_entropy"]
    assert r["p_before"] == sorted(r["p_before"], reverse=True)
    assert len(r["tokens"]) == len(r["p_after"]) == app.SHOWN
    assert len(r["samples"]) == 3 and all(len(s) == app.SAMPLE_TOKENS for s in r["samples"])
    # top-k 1 leaves a single token: every sample is the greedy continuation
    _, one = run({"prompt": "大模型的", "top_k": 1, "samples": 3})
    assert one["kept"] == 1 and one["entropy_after"] == 0 and len(set(one["samples"])) == 1


def test_uses_the_trained_model_when_there_is_one():
    text = "\n".join("第{}行：模型一个字接一个字地写。".format(i % 5) for i in range(40))
    trained = gpt_app.Session({"corpus": "pasted", "text": text, "layers": 1, "heads": 2, "width": 16,
                               "context": 16, "batch": 4, "seconds": 1})
    while not trained.done:
        trained.advance(0.2)
    _, r = run({"prompt": "第1行"})
    assert r["source"] == "trained" and r["vocab_size"] == trained.vocab.size
    gpt_app.forget()


@pytest.mark.parametrize("params,words", [({"prompt": ""}, "空"), ({"prompt": "€€"}, "不在词表"),
                                          ({"temperature": 0}, "温度"), ({"temperature": -1}, "温度"),
                                          ({"top_p": 0}, "top-p"), ({"top_p": 2}, "top-p")])
def test_bad_input_is_explained(params, words):
    gpt_app.forget()
    reply = json.loads(start("s", "sampling", json.dumps(params)))
    assert reply["state"] == "error" and words in reply["message"]
