"""The serving demo session (demos/apps/kv_cache.py): the same tokens with and without the KV cache, times per
token, and the cache's memory by the formula."""
import json

from demos.apps import gpt as gpt_app
from demos.apps import kv_cache as app
from demos.apps import start
from demos.gpt import generate
from demos.sampling import greedy


def test_same_tokens_times_and_memory():
    gpt_app.forget()
    session = app.Session({"prompt": "大模型", "tokens": 80})
    updates = []
    while not session.done:
        updates.append(session.advance(0.1))
    r = session.result()
    assert r["same_tokens"] and r["text"] == r["text_no_cache"] and len(r["text"]) == 80
    expected = generate(session.model, session.prompt, 80, greedy, use_cache=False)
    assert r["text"] == session.vocab.decode(expected)
    for mode in ("cache", "no_cache"):
        positions = [p for u in updates for p in u.get(mode, {}).get("positions", [])]
        assert len(positions) == 80 and positions[0] == len(session.prompt) + 1
    m = session.model
    assert r["cache_bytes"] == 2 * m.n_layers * m.n_heads * (m.d_model // m.n_heads) * m.context * 4
    assert r["cache_bytes_measured"] == r["cache_bytes"]
    assert r["ms_per_token_cache"] > 0 and r["ms_per_token_no_cache"] > 0


def test_bad_input():
    for params, words in [({"prompt": ""}, "空"), ({"tokens": 10 ** 6}, "词元数"), ({"tokens": "１０.５"}, "整数")]:
        reply = json.loads(start("k", "kv-cache", json.dumps(params)))
        assert reply["state"] == "error" and words in reply["message"], params
