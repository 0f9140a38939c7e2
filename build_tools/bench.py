"""Benchmark: in-browser figures against native references measured in the same run (machines are noisy, so
every speed is also printed as a ratio).

    python -m build_tools.bench [--site DIR] [--demos regression,playground,mnist-mlp,cnn] [--skip-digits]

1. Runtime: time from opening a demo page to the first training step, cold (empty browser cache) and warm
   (second visit), and the bytes the page downloads (runtime + page).
2. Demos: steps per second of the same session with the same settings in the page (Pyodide 0.17, offline profile)
   and natively (CPython + NumPy) -> ratio; and the time from clicking Train to the first plotted step, warm cache.
3. Digit recogniser: ONNX Runtime Web latency per inference (batch 1 and 64) for WASM and WebGPU against native
   onnxruntime -> ratios; time from page open to the first prediction.
"""
import argparse
import json
import tempfile
import time
from pathlib import Path

from .browser import ROOT, SITE, launch, persistent_context, serve, wait_for_state

DEMO_PAGES = {
    "regression": "training/loop/",
    "playground": "concepts/neural-networks/",
    "mnist-mlp": "math/backprop/",
    "cnn": "concepts/cnn/",
}


def page_bytes(page):
    """Bytes the page itself transferred (document, scripts, styles, fonts), from Resource Timing."""
    return page.evaluate("""() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
        .reduce((n, e) => n + (e.transferSize || 0), 0)""")


def control_values(el):
    return el.evaluate("""el => Object.fromEntries([...el.querySelectorAll('.demo-controls [name]')].map(
        i => [i.name, i.type === 'checkbox' ? i.checked : i.value]))""")


def open_and_train(context, base, path, demo):
    page = context.new_page()
    page.goto(base + path)
    el = page.locator('[data-demo="{}"]'.format(demo))
    el.scroll_into_view_if_needed()
    el.locator("[data-action=train]").click()
    state = wait_for_state(el, {"done", "error"}, 600)
    if state != "done":
        raise RuntimeError("{}: {}".format(demo, el.locator(".demo-error").inner_text()))
    return page, el


def bench_runtime(p, base):
    print("\n== Runtime: open the regression page, click Train at once ==")
    with tempfile.TemporaryDirectory() as profile:
        context = persistent_context(p, profile)
        for label in ("cold", "warm"):
            page, el = open_and_train(context, base, DEMO_PAGES["regression"], "regression")
            info = json.loads(page.evaluate("document.documentElement.dataset.pythonRuntime"))
            first = int(el.get_attribute("data-first-step-at"))
            print("{:5s}: open -> first training step {:6.2f} s (runtime ready in {:.2f} s); runtime transferred "
                  "{:5.1f} MB of {:.1f} MB; page itself {:.0f} kB".format(
                      label, first / 1000, info["seconds"], info["network"]["transferred"] / 1e6,
                      info["network"]["size"] / 1e6, page_bytes(page) / 1e3))
            page.close()
        context.close()


def bench_demos(p, base, demos):
    from demos.apps import run

    print("\n== Demos: same session, same settings, in the page vs native CPython+NumPy ==")
    print("{:12s} {:>10s} {:>12s} {:>8s} {:>22s} {:>16s}".format(
        "demo", "page st/s", "native st/s", "ratio", "click->1st step (boot)", "(runtime ready)"))
    with tempfile.TemporaryDirectory() as profile:
        context = persistent_context(p, profile)
        warm, _ = open_and_train(context, base, DEMO_PAGES["regression"], "regression")  # fills the cache
        warm.close()
        for demo in demos:
            page, el = open_and_train(context, base, DEMO_PAGES[demo], demo)
            result = json.loads(el.get_attribute("data-result"))
            click = int(el.get_attribute("data-train-clicked-at"))
            first = int(el.get_attribute("data-first-step-at"))
            params = control_values(el)
            # Train again on the same page: the runtime is up, so this is the reader's usual wait
            el.locator("[data-action=train]").click()
            wait_for_state(el, {"running", "done"}, 60)
            page.wait_for_function("el => el.dataset.firstStepAt", arg=el.element_handle())
            again = int(el.get_attribute("data-first-step-at")) - int(el.get_attribute("data-train-clicked-at"))
            el.locator("[data-action=stop]").click() if el.get_attribute("data-state") == "running" else None
            page.close()
            native, _ = run(demo, params)
            if native["state"] != "done":
                raise RuntimeError("native {}: {}".format(demo, native))
            page_rate = result["steps"] / result["seconds"]
            native_rate = native["result"]["steps"] / native["result"]["seconds"]
            print("{:12s} {:10.1f} {:12.1f} {:8.3f} {:19.0f} ms {:13.0f} ms".format(
                demo, page_rate, native_rate, page_rate / native_rate, first - click, again))
        context.close()


def bench_digits(p, base):
    import numpy as np
    import onnxruntime

    print("\n== Digit recogniser (ONNX Runtime Web) vs native onnxruntime, per inference ==")
    model = ROOT / "docs" / "models" / "mnist-cnn.onnx"
    session = onnxruntime.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    native = {}
    for batch in (1, 64):
        x = np.random.RandomState(0).rand(batch, 1, 28, 28).astype(np.float32)
        session.run(None, {"image": x})
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < 2.0:
            session.run(None, {"image": x})
            n += 1
        native[batch] = (time.perf_counter() - t0) / n * 1000
    browser = launch(p, webgpu=True)
    page = browser.new_page()
    page.goto(base + "practice/digits/")
    el = page.locator('[data-demo="digits"]')
    el.scroll_into_view_if_needed()
    page.wait_for_function("() => window.bookDigits")
    figures = page.evaluate("async () => await window.bookDigits.benchmark()")
    print("first prediction {:.0f} ms after page open".format(figures["firstPredictionMs"]))
    for provider, rows in figures["providers"].items():
        for batch in ("1", "64"):
            if batch in rows:
                ms = rows[batch]
                print("{:7s} batch {:>2s}: {:7.2f} ms/inference   native {:6.3f} ms   ratio page/native {:6.1f}".format(
                    provider, batch, ms, native[int(batch)], ms / native[int(batch)]))
    browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=SITE)
    parser.add_argument("--demos", default="regression,playground,mnist-mlp,cnn")
    parser.add_argument("--skip-digits", action="store_true")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server = serve(args.site)
    base = "http://127.0.0.1:{}/".format(server.server_port)
    with sync_playwright() as p:
        bench_runtime(p, base)
        bench_demos(p, base, [d for d in args.demos.split(",") if d])
        if not args.skip_digits:
            bench_digits(p, base)
    server.shutdown()


if __name__ == "__main__":
    main()
