"""The digit recogniser (practice/digits): digits drawn with the mouse, gallery digits, the empty pad, batch mode,
WASM and WebGPU giving the same probabilities, the fallback when WebGPU is forced but missing, the automatic choice (a software WebGPU adapter is not tried), the
benchmark hook. Loading on intent, save-data mode and the keyboard: test_digits_light.py.

WebGPU runs in a second Chromium started with the software adapter (SwiftShader); the `page` fixture's
Chromium has no WebGPU adapter at all.
"""
import json
import math
import time
from pathlib import Path

import numpy as np
import pytest

from support import Guard, launch, open_demo, wait_for_state

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "docs" / "models"
PAGE = "practice/digits/"

# Strokes in pad coordinates (0..1 across, 0..1 down), drawn as a reader would.
ONE = [[(0.52, 0.12), (0.50, 0.88)]]
ZERO = [[(0.5 + 0.22 * math.sin(t), 0.5 - 0.34 * math.cos(t)) for t in np.linspace(0, 2 * math.pi, 41)]]
SEVEN = [[(0.25, 0.18), (0.75, 0.18), (0.42, 0.88)]]
SHAPES = {1: ONE, 0: ZERO, 7: SEVEN}


@pytest.fixture(scope="module")
def meta():
    return json.loads((MODELS / "mnist-cnn.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def native():
    """Reference: onnxruntime (Python) on the same model, and the held-out digits from the packed data."""
    import onnxruntime

    session = onnxruntime.InferenceSession(str(MODELS / "mnist-cnn.onnx"), providers=["CPUExecutionProvider"])
    with np.load(ROOT / "docs" / "vendor" / "data" / "mnist.npz") as data:
        images, labels = data["x_test"].astype(np.float32) / 255, data["y_test"]

    def probabilities(indices):
        x = images[indices].reshape(-1, 1, 28, 28)
        return session.run(["probabilities"], {"image": x})[0]

    return {"images": images, "labels": labels, "probabilities": probabilities}


@pytest.fixture(scope="module")
def gpu_browser(playwright_instance):
    b = launch(playwright_instance, webgpu=True)
    yield b
    b.close()


@pytest.fixture
def gpu_page(gpu_browser):
    ctx = gpu_browser.new_context(viewport={"width": 1280, "height": 900})
    guard = Guard(ctx)
    p = guard.watch(ctx.new_page())
    yield p
    guard.check()
    ctx.close()


def open_digits(page, base_url, gallery=False):
    """The demo mounted; with `gallery`, its held-out digits loaded (they download only on that button)."""
    el = open_demo(page, base_url, PAGE, "digits")
    el.locator("canvas.digits-pad").wait_for()
    if gallery:
        el.locator(".digits-gallery-load").click()
        el.locator(".digits-gallery button").first.wait_for(timeout=60000)
    return el


def draw(page, el, strokes):
    box = el.locator("canvas.digits-pad").bounding_box()
    for stroke in strokes:
        points = [(box["x"] + u * box["width"], box["y"] + v * box["height"]) for u, v in stroke]
        page.mouse.move(*points[0])
        page.mouse.down()
        for x, y in points[1:]:
            page.mouse.move(x, y, steps=6)
        page.mouse.up()


def result(el):
    return json.loads(el.get_attribute("data-result"))


def recognise(page, el, strokes):
    el.locator("[data-action=reset]").click()
    assert el.get_attribute("data-state") == "idle"
    draw(page, el, strokes)
    assert wait_for_state(el, {"done", "error"}, 120) == "done", el.locator(".demo-error").inner_text()
    return result(el)


def model_input(el):
    """The 28 x 28 input the page shows (its enlarged view's canvas), as a 0..1 array."""
    rgba = el.locator("canvas[aria-label^='模型的 28']").evaluate(
        "c => Array.from(c.getContext('2d').getImageData(0, 0, 28, 28).data)")
    return np.array(rgba[0::4], dtype=np.float64).reshape(28, 28) / 255


def test_empty_pad_gives_no_prediction_and_no_error(page, base_url):
    el = open_digits(page, base_url)
    hint = el.locator(".digits-hint")
    assert el.get_attribute("data-state") == "idle"
    assert hint.is_visible() and hint.inner_text() == "请在上面写一个数字"
    el.locator("[data-action=train]").click()  # 识别 with nothing written: a message, nothing else
    page.wait_for_timeout(500)
    assert el.get_attribute("data-state") == "idle"
    assert el.get_attribute("data-result") is None
    assert not el.locator(".demo-error").is_visible()
    assert "先在方框里写一个数字" in el.locator(".demo-status").inner_text()

    draw(page, el, ONE)
    assert wait_for_state(el, {"done", "error"}) == "done"
    assert not hint.is_visible()
    el.locator("[data-action=reset]").click()  # 清除
    assert el.get_attribute("data-state") == "idle"
    assert el.get_attribute("data-result") is None
    assert hint.is_visible()
    assert el.locator(".demo-status").inner_text() == ""
    assert el.locator(".digits-prob").all_inner_texts() == ["—"] * 10
    assert model_input(el).max() == 0


@pytest.mark.parametrize("digit", sorted(SHAPES))
def test_mouse_drawn_digit_is_recognised_on_wasm(page, base_url, digit):
    el = open_digits(page, base_url)
    el.locator("select[name=provider]").select_option("wasm")
    r = recognise(page, el, SHAPES[digit])
    assert r["digit"] == digit, r["probabilities"]
    assert r["provider"] == "wasm"
    assert len(r["probabilities"]) == 10 and abs(sum(r["probabilities"]) - 1) < 1e-4
    assert r["digit"] == int(np.argmax(r["probabilities"]))
    assert r["latency_ms"] > 0
    assert el.locator(".digits-provider").get_attribute("data-provider") == "wasm"
    # what the model saw: MNIST-style, longer side 20 pixels, centre of mass near the middle
    x = model_input(el)
    rows, cols = np.flatnonzero(x.max(axis=1) > 0.02), np.flatnonzero(x.max(axis=0) > 0.02)
    assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 == 20
    grid = np.arange(28)  # whole-pixel shifts: within half a pixel, plus the view's 8-bit rounding
    assert abs((x.sum(axis=1) * grid).sum() / x.sum() - 14) <= 0.51
    assert abs((x.sum(axis=0) * grid).sum() / x.sum() - 14) <= 0.51
    assert x.max() == 1.0
    assert not el.locator(".demo-error").is_visible()


def test_gallery_digits_are_predicted_as_their_labels(page, base_url, native):
    el = open_digits(page, base_url, gallery=True)
    buttons = el.locator(".digits-gallery button")
    indices = json.loads(el.locator(".digits-gallery").get_attribute("data-indices"))
    assert buttons.count() == len(indices) == 20
    assert sorted(native["labels"][indices].tolist()) == sorted(list(range(10)) * 2)
    expected = native["probabilities"](indices)
    correct = 0
    for k, index in enumerate(indices):
        buttons.nth(k).click()
        assert wait_for_state(el, {"done", "error"}) == "done"
        r = result(el)
        assert r["index"] == index and r["label"] == native["labels"][index]
        np.testing.assert_allclose(r["probabilities"], expected[k], atol=1e-4)
        assert r["digit"] == int(np.argmax(expected[k]))
        correct += r["digit"] == r["label"]
        # the model got the held-out digit unchanged
        np.testing.assert_allclose(model_input(el), native["images"][index], atol=1 / 255)
    assert correct >= 19  # a model with ~99% held-out accuracy; a miss here would show in the batch mode's list


def test_preprocessing_reproduces_mnist_digits_from_a_small_off_centre_drawing(page, base_url, native):
    """A held-out digit enlarged 5x into a corner of the 280 x 280 pad comes back as the original 28 x 28."""
    open_digits(page, base_url)
    index = 7
    got = page.evaluate("""async ([url, digit]) => {
        const { preprocess } = await import(url);
        const W = 280, S = 5, left = 11, top = 140, gray = new Float32Array(W * W);
        for (let y = 0; y < 28 * S; y++) for (let x = 0; x < 28 * S; x++)
            gray[(top + y) * W + left + x] = digit[Math.floor(y / S) * 28 + Math.floor(x / S)];
        return Array.from(preprocess(gray, W, W).input);
    }""", [base_url + "assets/js/demos/digits-preprocess.js", native["images"][index].ravel().tolist()])
    original = native["images"][index]
    np.testing.assert_allclose(np.array(got).reshape(28, 28), original / original.max(), atol=1e-5)


def test_batch_mode_reports_the_recorded_held_out_accuracy(page, base_url, meta):
    el = open_digits(page, base_url)
    panel = el.locator(".digits-batch")
    assert panel.locator("input[name=batch-webgpu]").is_disabled()  # no adapter in this browser
    panel.locator("select[name=batch]").select_option("500")
    panel.locator("button.digits-batch-start").click()
    assert wait_for_state(panel, {"done", "error"}, 300) == "done"
    runs = json.loads(panel.get_attribute("data-result"))["runs"]
    expected = {"fp32": meta["held_out_accuracy"]}
    if meta.get("int8"):
        expected["int8"] = meta["int8"]["held_out_accuracy"]
    assert sorted(r["model"] for r in runs) == sorted(expected)
    for r in runs:
        assert r["provider"] == "wasm" and r["batch"] == 500 and r["total"] == meta["held_out_size"]
        assert abs(100 * r["accuracy"] - 100 * expected[r["model"]]) <= 0.1, r
        assert r["seconds"] > 0
    table = panel.locator("table").inner_text()
    assert "{:.2f}%".format(100 * runs[0]["accuracy"]) in table
    errors = meta["held_out_size"] - runs[0]["correct"]
    assert panel.locator(".digits-wrong button").count() == min(errors, 40)
    assert el.get_attribute("data-state") == "idle"  # the batch gave the demo back


def test_stop_ends_a_batch_run(page, base_url):
    el = open_digits(page, base_url)
    panel = el.locator(".digits-batch")
    panel.locator("select[name=batch]").select_option("64")
    panel.locator("button.digits-batch-start").click()
    wait_for_state(el, {"running"}, 30)
    el.locator("[data-action=stop]").click()
    started = time.time()
    wait_for_state(panel, {"idle"}, 10)
    assert time.time() - started < 5
    assert panel.get_attribute("data-result") is None
    draw(page, el, ONE)  # the demo still works
    assert wait_for_state(el, {"done"}) == "done" and result(el)["digit"] == 1


def test_forcing_webgpu_without_an_adapter_falls_back_with_a_message(page, base_url):
    el = open_digits(page, base_url)
    el.locator("select[name=provider]").select_option("webgpu")
    r = recognise(page, el, ONE)
    error = el.locator(".demo-error")
    assert error.is_visible() and "WebGPU" in error.inner_text() and "WASM" in error.inner_text()
    assert r["provider"] == "wasm" and r["digit"] == 1


def test_benchmark_hook(page, base_url):
    page.goto(base_url + PAGE)
    page.wait_for_function("() => window.bookDigits")  # defined when the demo module has mounted
    figures = page.evaluate("async () => await window.bookDigits.benchmark({ minMs: 100 })")
    assert figures["firstPredictionMs"] > 0
    assert set(figures["providers"]) == {"wasm"}
    wasm = figures["providers"]["wasm"]
    assert 0 < wasm["1"] < wasm["64"]


@pytest.mark.parametrize("digit", [7, 0])
def test_webgpu_and_wasm_agree_on_a_drawn_digit(gpu_page, base_url, digit):
    el = open_digits(gpu_page, base_url)  # a software adapter: WebGPU only when the reader asks for it
    el.locator("select[name=provider]").select_option("webgpu")
    on_gpu = recognise(gpu_page, el, SHAPES[digit])
    assert on_gpu["provider"] == "webgpu" and on_gpu["digit"] == digit
    el.locator("select[name=provider]").select_option("wasm")  # the same drawing, again
    wait_for_state(el, {"done"})
    deadline = time.time() + 60
    while result(el)["provider"] != "wasm" and time.time() < deadline:
        time.sleep(0.1)
    on_cpu = result(el)
    assert on_cpu["provider"] == "wasm" and on_cpu["digit"] == digit
    np.testing.assert_allclose(on_gpu["probabilities"], on_cpu["probabilities"], atol=1e-3)
    assert not el.locator(".demo-error").is_visible()


def test_automatic_mode_skips_a_software_gpu_without_downloading_its_runtime(gpu_browser, base_url):
    """SwiftShader's adapter is a software one: the automatic mode uses WASM and never fetches the WebGPU build."""
    ctx = gpu_browser.new_context(viewport={"width": 1280, "height": 900})
    guard = Guard(ctx)
    urls = []
    ctx.on("request", lambda r: urls.append(r.url))
    page = guard.watch(ctx.new_page())
    el = open_digits(page, base_url)
    assert el.locator("select[name=provider]").input_value() == "auto"
    assert page.evaluate("async () => !!(await navigator.gpu.requestAdapter())")  # there is an adapter
    r = recognise(page, el, ONE)
    assert r["provider"] == "wasm" and r["digit"] == 1
    line = el.locator(".digits-measure")
    deadline = time.time() + 60
    while line.get_attribute("data-measured") is None and time.time() < deadline:
        time.sleep(0.2)
    measured = json.loads(line.get_attribute("data-measured"))
    assert measured == {"times": {}, "chosen": "wasm"}
    assert "软件" in line.inner_text()
    assert not any("asyncify" in u or "ort.webgpu" in u for u in urls)
    guard.check()
    ctx.close()


def test_automatic_mode_uses_the_provider_it_measured_faster_on_a_real_gpu(gpu_browser, base_url):
    """An adapter that is not a software one (here SwiftShader presented as a hardware GPU) is timed against WASM."""
    ctx = gpu_browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.add_init_script("""(() => {
        const real = GPU.prototype.requestAdapter;
        GPU.prototype.requestAdapter = async function (...args) {
            const adapter = await real.apply(this, args);
            if (!adapter) return adapter;
            const info = { vendor: "example", architecture: "discrete", device: "", description: "a GPU",
                           isFallbackAdapter: false };
            Object.defineProperty(adapter, "info", { get: () => info });
            Object.defineProperty(adapter, "isFallbackAdapter", { get: () => false });
            return adapter;
        };
    })();""")
    guard = Guard(ctx)
    page = guard.watch(ctx.new_page())
    el = open_digits(page, base_url)
    r = recognise(page, el, ONE)
    assert r["digit"] == 1
    line = el.locator(".digits-measure")
    deadline = time.time() + 120
    while line.get_attribute("data-measured") is None and time.time() < deadline:
        time.sleep(0.2)
    measured = json.loads(line.get_attribute("data-measured"))
    times = measured["times"]
    assert set(times) == {"wasm", "webgpu"} and all(t > 0 for t in times.values())
    assert measured["chosen"] == min(times, key=times.get)
    r = recognise(page, el, ONE)
    assert r["provider"] == measured["chosen"] and r["digit"] == 1
    figures = page.evaluate("async () => await window.bookDigits.benchmark({ batches: [1], minMs: 50 })")
    assert set(figures["providers"]) == {"wasm", "webgpu"}
    assert figures["providers"]["webgpu"]["1"] > 0
    guard.check()
    ctx.close()
