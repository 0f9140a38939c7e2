"""Serving: the same text generated with and without the KV cache, timed token by token.

Without the cache, every new token runs the whole window of t tokens through the model again (work grows with t);
with it, only the new token's query, key and value are computed and the keys and values of the earlier positions
are read from memory (demos/gpt.py). Greedy decoding, so both runs must give the same tokens. The cache costs

    2 × layers × heads × head_dim × context × bytes per number   (per sequence)

The model is the GPT trained in the page if there is one, else the small bundled GPT (see demos/apps/sampling.py).
"""
import time

import numpy as np

from demos.apps.sampling import current_model, encode_prompt
from demos.apps.settings import Number, Settings, Text
from demos.gpt import Generator, cache_bytes
from demos.sampling import greedy

SETTINGS = Settings(
    Text("prompt", "提示词", "大模型", max_length=200),
    Number("tokens", "生成的词元数", 200, 1, 500, integer=True),
)


class Session:
    def __init__(self, params):
        v = SETTINGS.read(params)
        self.model, self.vocab, self.source = current_model()
        self.prompt = encode_prompt(self.vocab, v["prompt"])
        self.n = v["tokens"]
        self.runs = {}
        self.order = ["cache", "no_cache"]
        self.generators = {mode: Generator(self.model, self.prompt, greedy, use_cache=(mode == "cache"))
                           for mode in self.order}
        self.done = False

    def advance(self, seconds):
        start = time.perf_counter()
        progress = {}
        for mode in self.order:
            gen = self.generators[mode]
            run = self.runs.setdefault(mode, {"positions": [], "ms": []})
            new = {"positions": [], "ms": []}
            while len(run["ms"]) < self.n and time.perf_counter() - start < seconds:
                position = len(gen.ids) - gen.window + 1  # tokens the model reads for this one (window + new)
                t0 = time.perf_counter()
                gen.step()
                ms = 1000 * (time.perf_counter() - t0)
                for target in (run, new):
                    target["positions"].append(position)
                    target["ms"].append(ms)
            if new["ms"]:
                progress[mode] = new
            if len(run["ms"]) < self.n:
                break
        self.done = all(len(self.runs.get(m, {"ms": []})["ms"]) >= self.n for m in self.order)
        return progress

    def result(self):
        m = self.model
        head_dim = m.d_model // m.n_heads
        tokens = {mode: self.generators[mode].ids[len(self.prompt):] for mode in self.order}
        ms = {mode: float(np.mean(self.runs[mode]["ms"])) for mode in self.order}
        tail = max(1, self.n // 4)  # the last quarter: the longest windows, where the difference is largest
        ms_tail = {mode: float(np.mean(self.runs[mode]["ms"][-tail:])) for mode in self.order}
        return {
            "source": self.source,
            "same_tokens": tokens["cache"] == tokens["no_cache"],
            "text": self.vocab.decode(tokens["cache"]),
            "text_no_cache": self.vocab.decode(tokens["no_cache"]),
            "tokens": self.n,
            "ms_per_token_cache": ms["cache"],
            "ms_per_token_no_cache": ms["no_cache"],
            "speedup": ms["no_cache"] / max(ms["cache"], 1e-9),
            "ms_last_quarter_cache": ms_tail["cache"],
            "ms_last_quarter_no_cache": ms_tail["no_cache"],
            "layers": m.n_layers, "heads": m.n_heads, "head_dim": head_dim, "context": m.context, "bytes_per_number": 4,
            "cache_bytes": cache_bytes(m.n_layers, m.n_heads, head_dim, m.context, 4),
            "cache_bytes_measured": self.generators["cache"].cache.nbytes,
        }
