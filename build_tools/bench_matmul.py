"""Benchmark of the matrix products a GPT training step is made of, in the page (Pyodide 0.17, NumPy without BLAS)
and natively (CPython + NumPy with BLAS), each option's ratio page / native in the same run.

    python -m build_tools.bench_matmul [--seconds 1] [--batch B] [--context T] [--width C] [--heads H] [--vocab V]

(the shapes default to the gpt demo's default settings)

Products (B batch, T context, C width, H heads, d = C / H, V vocabulary):
    dense   (B*T, C) @ (C, 4C)        the feed-forward layer's first product
    heads   (B, H, T, d) @ (B, H, d, T)  the attention scores Q Kᵀ
    head    (B*T, C) @ (C, V)         the output layer's logits (the largest product of the gpt demo)
Options in Python: np.dot, `@` (np.matmul), np.einsum (what demos.backend uses in the page), and a blocked variant
(the right operand transposed to rows once, then blocks of 64 rows of the left operand through einsum).
Options in JavaScript, the two WebAssembly SIMD matrix products on npm that the page could call:
  - ONNX Runtime Web's WASM MatMul on a one-node ONNX model, timed with the copies of both operands out of Python
    and of the result back into a NumPy array (what a backend in the worker would pay); it is asynchronous, so
    Python in the worker could not even wait for it inside a training step;
  - TensorFlow.js's WASM backend (XNNPACK, SIMD, one thread; a development dependency, never shipped with the book),
    synchronous: called from Python with the operands' addresses in Pyodide's memory, copied in, multiplied, and
    the result copied into a NumPy array; and its product alone on tensors already in its memory.

The page side runs Pyodide in a page served from the repository on 127.0.0.1 (run build_tools/vendor.py first).
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


def operands(B, T, C, H, V):
    rng = np.random.RandomState(0)
    d = C // H
    return {
        "dense": (rng.randn(B * T, C).astype(np.float32), rng.randn(C, 4 * C).astype(np.float32), 2 * B * T * C * 4 * C),
        "heads": (rng.randn(B, H, T, d).astype(np.float32), rng.randn(B, H, d, T).astype(np.float32), 2 * B * H * T * d * T),
        "head": (rng.randn(B * T, C).astype(np.float32), rng.randn(C, V).astype(np.float32), 2 * B * T * C * V),
    }


def bench_python(B, T, C, H, V, seconds):
    out = {}
    for kind, (a, b, flops) in operands(B, T, C, H, V).items():
        if kind in ("dense", "head"):
            options = {"np.dot": lambda: np.dot(a, b), "@": lambda: a @ b,
                       "einsum": lambda: np.einsum("ij,jk->ik", a, b), "blocked": lambda: blocked(a, b)}
        else:
            options = {"np.dot loop": lambda: [np.dot(a[i, j], b[i, j]) for i in range(a.shape[0]) for j in range(a.shape[1])],
                       "@": lambda: a @ b, "einsum": lambda: np.einsum("...ij,...jk->...ik", a, b)}
        for name, fn in options.items():
            out["{} {}".format(kind, name)] = _seconds_per_call(fn, seconds)
    return out


def check(B, T, C, H, V):
    a, b, _ = operands(B, T, C, H, V)["dense"]
    return float(np.max(np.abs(blocked(a, b) - a @ b)))
'''

# TensorFlow.js's WASM backend called synchronously from Python: operands by their addresses in Pyodide's memory.
TFJS_SETUP = """async (dist) => {
  for (const file of ["tfjs-core/dist/tf-core.min.js", "tfjs-backend-wasm/dist/tf-backend-wasm.min.js"]) {
    await new Promise((ok, fail) => {
      const s = document.createElement("script"); s.src = dist + file; s.onload = ok; s.onerror = fail;
      document.head.appendChild(s);
    });
  }
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);  // one thread, like the page's NumPy
  tf.wasm.setWasmPaths(dist + "tfjs-backend-wasm/dist/");
  await tf.setBackend("wasm");
  const M = window.py._module, size = (shape) => shape.reduce((x, y) => x * y, 1);
  window.tfMatmul = (aPtr, aShape, bPtr, bShape, outPtr) => {
    const as = aShape.split(",").map(Number), bs = bShape.split(",").map(Number);
    const c = tf.tidy(() => tf.matMul(tf.tensor(M.HEAPF32.subarray(aPtr >> 2, (aPtr >> 2) + size(as)), as),
                                      tf.tensor(M.HEAPF32.subarray(bPtr >> 2, (bPtr >> 2) + size(bs)), bs)));
    M.HEAPF32.set(c.dataSync(), outPtr >> 2);  // HEAPF32 read again: Pyodide's memory may have grown
    c.dispose();
  };
  window.tfComputeOnly = (aShape, bShape, seconds) => {
    const a = tf.randomNormal(aShape.split(",").map(Number)), b = tf.randomNormal(bShape.split(",").map(Number)), once = () => tf.tidy(() => { tf.matMul(a, b).dataSync(); });
    once();
    let n = 0; const start = performance.now();
    while (n < 3 || performance.now() - start < seconds * 1000) { once(); n++; }
    a.dispose(); b.dispose();
    return (performance.now() - start) / 1000 / n;
  };
  return tf.getBackend() + " " + tf.version_core;
}"""

TFJS_MEASURE = '''
import js


def tfjs_matmul(a, b):
    a, b = np.ascontiguousarray(a, dtype=np.float32), np.ascontiguousarray(b, dtype=np.float32)
    out = np.full(a.shape[:-1] + (b.shape[-1],), np.nan, dtype=np.float32)  # NaN if it were not written
    js.tfMatmul(a.__array_interface__["data"][0], ",".join(map(str, a.shape)),
                b.__array_interface__["data"][0], ",".join(map(str, b.shape)), out.__array_interface__["data"][0])
    return out


def bench_tfjs(shape, seconds):
    out, err = {}, 0.0
    for kind, (a, b, _) in operands(*shape).items():
        err = max(err, float(np.max(np.abs(tfjs_matmul(a, b) - np.matmul(a, b)))))
        out["{} TF.js WASM with copies".format(kind)] = _seconds_per_call(lambda: tfjs_matmul(a, b), seconds)
        out["{} TF.js WASM compute only".format(kind)] = js.tfComputeOnly(",".join(map(str, a.shape)),
                                                                          ",".join(map(str, b.shape)), seconds)
    return out, err
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

    from demos.apps.gpt import CHAR_VOCAB, SETTINGS

    gpt = SETTINGS.read({})  # the shapes default to the gpt demo's default settings
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="measuring time per figure")
    parser.add_argument("--batch", type=int, default=gpt["batch"])
    parser.add_argument("--context", type=int, default=gpt["context"])
    parser.add_argument("--width", type=int, default=gpt["width"])
    parser.add_argument("--heads", type=int, default=gpt["heads"])
    parser.add_argument("--vocab", type=int, default=CHAR_VOCAB)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    import numpy as np

    B, T, C, H, V = args.batch, args.context, args.width, args.heads, args.vocab
    shape = (B, T, C, H, V)
    native = {}
    exec(MEASURE, native)
    assert native["check"](*shape) < 1e-3
    here = native["bench_python"](B, T, C, H, V, args.seconds)
    flops = {k: v[2] for k, v in native["operands"](*shape).items()}
    models = [["dense", [B * T, C], [C, 4 * C]], ["heads", [B, H, T, C // H], [B, H, C // H, T]], ["head", [B * T, C], [C, V]]]
    with sync_playwright() as p:
        server = serve(ROOT)  # the book's docs/ and, for TensorFlow.js, node_modules/
        base = "http://127.0.0.1:{}/docs/".format(server.server_port)
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
            there = json.loads(run("json.dumps(bench_python({}, {}, {}, {}, {}, {}))".format(B, T, C, H, V, args.seconds)))
            ort_models = [[kind, base64.b64encode(matmul_model(a, b)).decode(), a, b] for kind, a, b in models]
            there.update(page.evaluate(ORT_BENCH, [base + "vendor/ort/", ort_models, args.seconds]))
            tfjs = page.evaluate(TFJS_SETUP, base.replace("/docs/", "/node_modules/@tensorflow/"))
            run(TFJS_MEASURE)
            tfjs_times, tfjs_error = json.loads(run("json.dumps(bench_tfjs(_shape, {}))".format(args.seconds)))
            there.update(tfjs_times)
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
    print("(ratio = native time / page time; for the ORT and TF.js rows, against the fastest native NumPy option)")
    print("TensorFlow.js {}: largest difference from NumPy's product {:.2g}".format(tfjs, tfjs_error))


if __name__ == "__main__":
    main()
