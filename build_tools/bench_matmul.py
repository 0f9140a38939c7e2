"""Benchmark of the matrix products a GPT training step is made of, in the page (Pyodide 0.17, NumPy without BLAS)
and natively (CPython + NumPy with BLAS), each option's ratio page / native in the same run.

    python -m build_tools.bench_matmul [--seconds 1] [--batch 16] [--context 64] [--width 64] [--heads 4]

Products (B batch, T context, C width, H heads, d = C / H):
    dense   (B*T, C) @ (C, 4C)        the feed-forward layer's first product
    heads   (B, H, T, d) @ (B, H, d, T)  the attention scores Q Kᵀ
Options in Python: np.dot, `@` (np.matmul), np.einsum (what demos.backend uses in the page), and a blocked variant
(the right operand transposed to rows once, then blocks of 64 rows of the left operand through einsum).
Option in JavaScript: ONNX Runtime Web's WASM MatMul (SIMD) on a one-node ONNX model, timed with the copies of both
operands out of Python and of the result back into a NumPy array (what a backend in the worker would pay).

The page side runs Pyodide in a page served from docs/ on 127.0.0.1 (run build_tools/vendor.py first).
"""
import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from build_tools.bench_llm import BOOT, launch, serve

MEASURE = r'''
import json, time
import numpy as np


def _seconds_per_call(fn, seconds):
    fn()  # warm up
    n, start = 0, time.perf_counter()
    while n < 3 or time.perf_counter() - start < seconds:
        fn()
        n += 1
    return (time.perf_counter() - start) / n


def blocked(a, b, rows=64):
    """a @ b with b transposed to rows once, then blocks of `rows` rows of a: out[i, j] = sum_k a[i, k] bt[j, k]."""
    bt = np.ascontiguousarray(b.T)
    out = np.empty((a.shape[0], b.shape[1]), dtype=a.dtype)
    for i in range(0, a.shape[0], rows):
        out[i:i + rows] = np.einsum("ik,jk->ij", a[i:i + rows], bt)
    return out


def operands(B, T, C, H):
    rng = np.random.RandomState(0)
    d = C // H
    return {
        "dense": (rng.randn(B * T, C).astype(np.float32), rng.randn(C, 4 * C).astype(np.float32), 2 * B * T * C * 4 * C),
        "heads": (rng.randn(B, H, T, d).astype(np.float32), rng.randn(B, H, d, T).astype(np.float32), 2 * B * H * T * d * T),
    }


def bench_python(B, T, C, H, seconds):
    out = {}
    for kind, (a, b, flops) in operands(B, T, C, H).items():
        if kind == "dense":
            options = {"np.dot": lambda: np.dot(a, b), "@": lambda: a @ b,
                       "einsum": lambda: np.einsum("ij,jk->ik", a, b), "blocked": lambda: blocked(a, b)}
        else:
            options = {"np.dot loop": lambda: [np.dot(a[i, j], b[i, j]) for i in range(a.shape[0]) for j in range(a.shape[1])],
                       "@": lambda: a @ b, "einsum": lambda: np.einsum("...ij,...jk->...ik", a, b)}
        for name, fn in options.items():
            out["{} {}".format(kind, name)] = _seconds_per_call(fn, seconds)
    return out


def check(B, T, C, H):
    a, b, _ = operands(B, T, C, H)["dense"]
    return float(np.max(np.abs(blocked(a, b) - a @ b)))
'''

# ONNX Runtime Web's WASM MatMul on a one-node model, with the operands copied out of Pyodide and the result copied
# back into a NumPy array, per call. The model is written with onnx.helper natively and passed as bytes.
ORT_BENCH = """async ([ortUrl, models, seconds]) => {
  const ort = await import(ortUrl + "ort.wasm.min.mjs");
  ort.env.wasm.wasmPaths = ortUrl;
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = "error";
  const py = window.py;
  const out = {};
  for (const [kind, b64, aShape, bShape] of models) {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
    py.runPython(`_a, _b, _ = operands(*_shape)["${kind}"]`);
    const call = async () => {
      const a = py.globals.get("_a").getBuffer("f32"), b = py.globals.get("_b").getBuffer("f32");
      const feeds = { a: new ort.Tensor("float32", a.data.slice(), aShape), b: new ort.Tensor("float32", b.data.slice(), bShape) };
      a.release(); b.release();
      const y = (await session.run(feeds)).y;
      window._y = y.data;
      py.runPython("import js\\n_y = np.asarray(js._y.to_py() if hasattr(js._y, 'to_py') else list(js._y), dtype=np.float32)");
    };
    const computeOnly = async () => {
      await session.run({ a: new ort.Tensor("float32", new Float32Array(aShape.reduce((x, y) => x * y)), aShape),
                          b: new ort.Tensor("float32", new Float32Array(bShape.reduce((x, y) => x * y)), bShape) });
    };
    for (const [name, fn] of [["ORT WASM with copies", call], ["ORT WASM compute only", computeOnly]]) {
      await fn();
      let n = 0; const start = performance.now();
      while (n < 3 || performance.now() - start < seconds * 1000) { await fn(); n++; }
      out[`${kind} ${name}`] = (performance.now() - start) / 1000 / n;
    }
    await session.release();
  }
  return out;
}"""


def matmul_model(a_shape, b_shape):
    """A one-node ONNX model y = MatMul(a, b), as bytes."""
    from onnx import TensorProto, helper

    out_shape = list(a_shape[:-1]) + [b_shape[-1]]
    graph = helper.make_graph([helper.make_node("MatMul", ["a", "b"], ["y"])], "matmul",
                              [helper.make_tensor_value_info("a", TensorProto.FLOAT, list(a_shape)),
                               helper.make_tensor_value_info("b", TensorProto.FLOAT, list(b_shape))],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8).SerializeToString()


def main():
    import base64

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="measuring time per figure")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--context", type=int, default=64)
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--heads", type=int, default=4)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    import numpy as np

    B, T, C, H = args.batch, args.context, args.width, args.heads
    shape = (B, T, C, H)
    native = {}
    exec(MEASURE, native)
    assert native["check"](*shape) < 1e-3
    here = native["bench_python"](B, T, C, H, args.seconds)
    flops = {k: v[2] for k, v in native["operands"](*shape).items()}
    models = [["dense", [B * T, C], [C, 4 * C]], ["heads", [B, H, T, C // H], [B, H, C // H, T]]]
    with sync_playwright() as p:
        server = serve(ROOT / "docs")
        base = "http://127.0.0.1:{}/".format(server.server_port)
        browser = launch(p)
        try:
            page = browser.new_page()
            page.goto(base + "vendor/")
            page.add_script_tag(url=base + "vendor/pyodide-0.17/pyodide.js")
            runtime = json.loads((ROOT / "docs" / "vendor" / "runtime.json").read_text())
            version = page.evaluate(BOOT, [base + "vendor/", runtime["wheel"]["path"]])
            run = lambda code: page.evaluate("code => window.py.runPython(code)", code)  # noqa: E731
            run(MEASURE)
            run("_shape = {!r}".format(shape))
            there = json.loads(run("json.dumps(bench_python({}, {}, {}, {}, {}))".format(B, T, C, H, args.seconds)))
            ort_models = [[kind, base64.b64encode(matmul_model(a, b)).decode(), a, b] for kind, a, b in models]
            there.update(page.evaluate(ORT_BENCH, [base + "vendor/ort/", ort_models, args.seconds]))
        finally:
            browser.close()
            server.shutdown()
    print("page: Pyodide, Python {}; native: Python {} / NumPy {} (OPENBLAS_NUM_THREADS as set)".format(
        version, sys.version.split()[0], np.__version__))
    print("B={} T={} C={} H={}; dense ({}x{}) @ ({}x{}); heads ({},{},{},{}) @ ({},{},{},{})".format(
        B, T, C, H, B * T, C, C, 4 * C, B, H, T, C // H, B, H, C // H, T))
    best_native = {kind: min(v for k, v in here.items() if k.startswith(kind)) for kind in flops}
    print("{:<30} {:>10} {:>10} {:>10} {:>12}".format("", "page ms", "native ms", "ratio", "page GFLOP/s"))
    for key in sorted(there):
        kind = key.split()[0]
        ref = here.get(key, best_native[kind])
        ratio = ref / there[key]
        print("{:<30} {:>10.3f} {:>10.3f} {:>10.3f} {:>12.3f}".format(
            key, there[key] * 1e3, ref * 1e3, ratio, flops[kind] / there[key] / 1e9))
    print("(ratio = native time / page time; for the ORT rows, against the fastest native NumPy option)")


if __name__ == "__main__":
    main()
