"""Benchmark of the LLM lab: the same GPT code in the page (Pyodide 0.17, no BLAS) and natively (CPython + NumPy).

    OPENBLAS_NUM_THREADS=1 python -m build_tools.bench_llm [--seconds 3] [--skip-paths] [--skip-run]

0. A run: the `gpt` demo trained for its time budget (default 60 s) at its default settings, in the page and
   natively: steps made, validation loss reached, the unigram and bigram baselines (same targets), the share of the
   validation text the character vocabulary covers.
1. Training: steps per second of the `gpt` demo's training step at its default settings -> ratio page / native.
   The page has one thread; run natively with OPENBLAS_NUM_THREADS=1 for a like-for-like ratio (the line
   "native threads" says how many BLAS threads the native side had).
2. Generation: tokens per second with and without the KV cache -> ratio page / native.
3. NumPy paths in Pyodide: the products a GPT step is made of (x W of the layers, batched Q Kᵀ of the heads)
   through np.einsum, batched `@` (np.matmul) and reshaped 2-D np.dot, in GFLOP/s, page and native; and the
   exponential of a softmax-sized array through np.exp and through demos.backend's polynomial (the page's path).

The page side runs Pyodide in a page served from docs/ on 127.0.0.1 (run build_tools/vendor.py first, so that
docs/vendor holds the runtime and the current wheel of `demos`); the measuring code below is the same text for
both sides.
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from build_tools.browser import launch, serve

MEASURE = r'''
import json, time
import numpy as np


def _rate(fn, seconds):
    fn()  # warm up
    n, start = 0, time.perf_counter()
    while n < 2 or time.perf_counter() - start < seconds:
        fn()
        n += 1
    return n / (time.perf_counter() - start)


def trained_session(params):
    from demos.apps.gpt import Session
    session = Session(params)
    while session.model is None:  # BPE merges first
        session.advance(1.0)
    return session


def bench_training(params, seconds):
    """Steps/s over the measuring time, and 1 / the fastest single step (less sensitive to other jobs on the machine)."""
    step = trained_session(params).train_step
    times = []

    def timed():
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    rate = _rate(timed, seconds)
    return {"mean": rate, "fastest step": 1 / min(times)}


def bench_generation(params, seconds, n_tokens):
    from demos.gpt import generate
    from demos.sampling import greedy
    session = trained_session(params)
    prompt = [int(i) for i in session.val_ids[:4]]
    out = {}
    for use_cache in (True, False):
        rate = _rate(lambda: generate(session.model, prompt, n_tokens, greedy, use_cache), seconds)
        out["cache" if use_cache else "no_cache"] = rate * n_tokens
    return out


def bench_bmm(params, seconds):
    """Training steps/s with the attention's batched products through backend.bmm (np.matmul) and through einsum."""
    from demos import backend
    original = backend.bmm
    out = {"bmm = backend.bmm": bench_training(params, seconds)["mean"]}
    backend.bmm = lambda a, b: np.einsum("...ij,...jk->...ik", a, b)
    try:
        out["bmm = einsum"] = bench_training(params, seconds)["mean"]
    finally:
        backend.bmm = original
    return out


def train_run(params):
    """The demo trained for its own time budget, as the page runs it (slices of 0.1 s): the final figures."""
    from demos.apps import run
    reply, _ = run("gpt", params, timeout=3600)
    r = reply.get("result") or {"error": reply.get("message")}
    return {k: r.get(k) for k in ("steps", "seconds", "val_loss", "best_val_loss", "bigram_loss", "unigram_loss",
                                  "seconds_to_bigram", "vocab_size", "val_coverage", "error")}


def compare_tokens(params):
    """One full training run per tokenization (the session's own time budget): the final figures."""
    from demos.apps import run
    out = {}
    for tokens in ("char", "bpe"):
        reply, _ = run("gpt", dict(params, tokens=tokens), timeout=3600)
        r = reply.get("result") or {"error": reply.get("message")}
        out[tokens] = {k: r.get(k) for k in ("steps", "seconds", "val_loss", "bigram_loss", "unigram_loss",
                                             "seconds_to_bigram", "val_bits_per_char", "bigram_bits_per_char",
                                             "vocab_size", "error")}
    return out


def bench_paths(seconds):
    """GFLOP/s of the two kinds of product in a GPT step, three ways each."""
    rng = np.random.RandomState(0)
    x = rng.randn(512, 64).astype(np.float32)
    w = rng.randn(64, 256).astype(np.float32)
    q = rng.randn(8, 4, 64, 16).astype(np.float32)
    k = rng.randn(8, 4, 16, 64).astype(np.float32)
    dense_flops = 2 * 512 * 64 * 256
    heads_flops = 2 * 8 * 4 * 64 * 16 * 64
    options = {
        "dense einsum": (lambda: np.einsum("ij,jk->ik", x, w), dense_flops),
        "dense matmul (@)": (lambda: x @ w, dense_flops),
        "dense np.dot": (lambda: np.dot(x, w), dense_flops),
        "heads einsum": (lambda: np.einsum("...ij,...jk->...ik", q, k), heads_flops),
        "heads matmul (@)": (lambda: np.matmul(q, k), heads_flops),
        "heads 2-D dot loop": (lambda: [np.dot(q[b, h], k[b, h]) for b in range(8) for h in range(4)], heads_flops),
    }
    return {name: _rate(fn, seconds) * flops / 1e9 for name, (fn, flops) in options.items()}


def bench_exp(seconds):
    """Million float32 exponentials per second over a softmax-sized array: np.exp and demos.backend's polynomial."""
    from demos import backend
    z = -np.abs(np.random.RandomState(0).randn(512, 512)).astype(np.float32)
    return {name: _rate(lambda: fn(z), seconds) * z.size / 1e6
            for name, fn in (("np.exp", np.exp), ("polynomial (page path)", backend.exp_float32))}
'''

BOOT = """async ([vendor, wheel]) => {
  const py = await loadPyodide({ indexURL: vendor + "pyodide-0.17/" });
  await py.loadPackage(["numpy"]);
  const bytes = new Uint8Array(await (await fetch(vendor + wheel)).arrayBuffer());
  (py.FS || py._module.FS).writeFile("/tmp/demos.whl", bytes);
  py.runPython("import sys, zipfile, importlib\\nzipfile.ZipFile('/tmp/demos.whl').extractall("
    + "[p for p in sys.path if p.endswith('site-packages')][0])\\nimportlib.invalidate_caches()");
  const corpus = new Uint8Array(await (await fetch(vendor + "data/corpus.json")).arrayBuffer());
  const FS = py.FS || py._module.FS;
  FS.mkdir("/assets"); FS.mkdir("/assets/data");
  FS.writeFile("/assets/data/corpus.json", corpus);
  py.runPython("import demos.apps\\ndemos.apps.ASSET_DIR = '/assets'");
  window.py = py;
  return py.runPython("import numpy, sys\\nsys.version.split()[0] + ' / NumPy ' + numpy.__version__");
}"""


class Pyodide:
    """Pyodide 0.17 in a headless Chromium page, with the current `demos` wheel installed."""

    def __init__(self, playwright_instance):
        runtime = json.loads((ROOT / "docs" / "vendor" / "runtime.json").read_text())
        self.server = serve(ROOT / "docs")
        base = "http://127.0.0.1:{}/".format(self.server.server_port)
        self.browser = launch(playwright_instance)
        self.page = self.browser.new_page()
        self.page.goto(base + "vendor/")
        self.page.add_script_tag(url=base + "vendor/pyodide-0.17/pyodide.js")
        self.version = self.page.evaluate(BOOT, [base + "vendor/", runtime["wheel"]["path"]])
        self.page.evaluate("code => window.py.runPython(code)", MEASURE)

    def call(self, expression):
        """Evaluate a Python expression that returns JSON text."""
        return json.loads(self.page.evaluate("code => window.py.runPython(code)", expression))

    def close(self):
        self.browser.close()
        self.server.shutdown()


class Native:
    def __init__(self):
        self.namespace = {}
        exec(MEASURE, self.namespace)

    def call(self, expression):
        return json.loads(eval(expression, self.namespace))


def _f(x):
    return "—" if x is None else "{:.3f}".format(x)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="measuring time per figure")
    parser.add_argument("--tokens", type=int, default=30, help="tokens per generation run")
    parser.add_argument("--params", default="{}", help="JSON settings of the gpt session (default: its defaults)")
    parser.add_argument("--skip-paths", action="store_true")
    parser.add_argument("--skip-run", action="store_true", help="skip the full training run (0.)")
    parser.add_argument("--compare-tokens", action="store_true",
                        help="also train the demo to its time budget with characters and with BPE, in the page and natively")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    params = json.loads(args.params)
    calls = [("training steps/s", "json.dumps(bench_training({!r}, {}))".format(params, args.seconds)),
             ("generation tokens/s", "json.dumps(bench_generation({!r}, {}, {}))".format(params, args.seconds, args.tokens))]
    if not args.skip_paths:
        calls.append(("products GFLOP/s", "json.dumps(bench_paths({}))".format(args.seconds / 3)))
        calls.append(("exponential, million numbers/s", "json.dumps(bench_exp({}))".format(args.seconds / 3)))
        calls.append(("training steps/s by attention product", "json.dumps(bench_bmm({!r}, {}))".format(params, args.seconds)))
    native = Native()
    with sync_playwright() as p:
        page = Pyodide(p)
        print("page: Pyodide, Python {}; native: Python {} / NumPy {}".format(
            page.version, sys.version.split()[0], __import__("numpy").__version__))
        print("native threads: OPENBLAS_NUM_THREADS={}".format(os.environ.get("OPENBLAS_NUM_THREADS", "unset (all cores)")))
        try:
            if not args.skip_run:
                expression = "json.dumps(train_run({!r}))".format(params)
                print("\n== a full training run (the demo's time budget) ==")
                for where, side in (("page", page), ("native", native)):
                    r = side.call(expression)
                    print("{:<7} {} steps in {} s; validation loss {} (best {}), bigram {:.3f}, unigram {:.3f}; "
                          "below the bigram after {} s; vocabulary {} ({:.1%} of the validation text){}".format(
                              where, r["steps"], r["seconds"], _f(r["val_loss"]), _f(r["best_val_loss"]),
                              r["bigram_loss"], r["unigram_loss"], r["seconds_to_bigram"], r["vocab_size"],
                              r["val_coverage"] or 1.0, " ERROR " + r["error"] if r.get("error") else ""))
            for title, expression in calls:
                here, there = native.call(expression), page.call(expression)
                print("\n== {} ==".format(title))
                if not isinstance(here, dict):
                    here, there = {"": here}, {"": there}
                print("{:<22} {:>10} {:>10} {:>7}".format("", "page", "native", "ratio"))
                for key in here:
                    print("{:<22} {:>10.3g} {:>10.3g} {:>7.3f}".format(key, there[key], here[key], there[key] / here[key]))
            if args.compare_tokens:
                expression = "json.dumps(compare_tokens({!r}))".format(params)
                for where, side in (("page", page), ("native", native)):
                    print("\n== characters vs BPE, {} ==".format(where))
                    for tokens, figures in side.call(expression).items():
                        print(tokens, json.dumps(figures))
        finally:
            page.close()


if __name__ == "__main__":
    main()
