"""Take the model with you: after training, the page offers the weights (.npz) and an ONNX model it writes itself,
runs that model with ONNX Runtime Web next to the NumPy forward (equal to 1e-4); the downloaded file passes the ONNX
checker and native ONNX Runtime computes the session's NumPy output; weights come back, a bad file is refused."""
import base64
import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from support import open_demo, run_to_end

pytestmark = pytest.mark.browser


@pytest.fixture
def trained(page, base_url):
    demo = open_demo(page, base_url, "llm/scaling/", "scaling")
    demo.locator("input[name=steps]").fill("12")
    demo.locator("input[name=budget]").fill("0.02")
    run_to_end(demo, timeout=300)
    panel = demo.locator(".model-export")
    assert panel.is_visible()
    return demo, panel


def wait_panel(panel, page, timeout=120):
    page.wait_for_function("el => ['done', 'error'].includes(el.dataset.state)", arg=panel.element_handle(),
                           timeout=timeout * 1000)
    return panel.get_attribute("data-state")


def test_onnx_made_in_the_page_matches_numpy_there_and_natively(trained, page, tmp_path):
    demo, panel = trained
    assert page.evaluate("() => typeof self.protobuf") == "undefined"  # nothing heavy before the click
    with page.expect_download(timeout=120000) as info:
        panel.locator("[data-action=download-onnx]").click()
    path = tmp_path / "model.onnx"
    info.value.save_as(path)
    assert wait_panel(panel, page) == "done", panel.locator(".model-export-error").inner_text()
    result = json.loads(panel.get_attribute("data-result"))
    assert result["equal"] and result["max_abs_diff"] <= 1e-4
    assert panel.locator("tr.numpy td").count() == 7 and panel.locator("tr.ort td").count() == 7
    # the file itself, natively
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    assert model.opset_import[0].version == 17
    assert "LayerNormalization" in {n.op_type for n in model.graph.node}
    sample = json.loads(panel.get_attribute("data-sample"))
    decode = lambda t: np.frombuffer(base64.b64decode(t["data"]), t["dtype"]).reshape(t["shape"])  # noqa: E731
    ids, numpy_out = decode(sample["input"]), decode(sample["output"])
    native = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"ids": ids})[0]
    np.testing.assert_allclose(native, numpy_out, atol=1e-4)


def test_weights_download_and_come_back_and_a_bad_file_is_refused(trained, page, tmp_path):
    demo, panel = trained
    with page.expect_download(timeout=120000) as info:
        panel.locator("[data-action=download-npz]").click()
    path = tmp_path / "weights.npz"
    info.value.save_as(path)
    with np.load(path) as npz:
        assert str(npz["format"]) == "aibook-weights-1" and str(npz["kind"]) == "gpt"
        assert any(k.startswith("param.block0") for k in npz.files)
    assert wait_panel(panel, page) == "done"
    panel.locator("input[name=load-weights]").set_input_files(str(path))
    page.wait_for_function("el => el.textContent.includes('已载入')", arg=panel.locator(".model-export-status").element_handle())
    # a corrupt file and a foreign .npz: a clear message, the trained model stays
    corrupt = tmp_path / "corrupt.npz"
    corrupt.write_bytes(path.read_bytes()[:300])
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, x=np.zeros(3))
    for bad, words in ((corrupt, "无法读取"), (foreign, "不是本书导出的")):
        panel.locator("input[name=load-weights]").set_input_files(str(bad))
        assert wait_panel(panel, page) == "error"
        error = panel.locator(".model-export-error")
        assert error.is_visible() and words in error.inner_text()
    with page.expect_download(timeout=120000) as info:
        panel.locator("[data-action=download-onnx]").click()
    assert wait_panel(panel, page) == "done"
    assert json.loads(panel.get_attribute("data-result"))["equal"]


@pytest.mark.parametrize("path, demo_id, settings, params", [
    ("concepts/neural-networks/", "playground", {"dataset": "xor", "target": "0.9"}, 16 * 2 + 16 + 16 * 16 + 16 + 16 * 2 + 2),
    ("math/backprop/", "mnist-mlp", {}, None),
])
def test_the_mlp_demos_export_what_they_trained(page, base_url, tmp_path, path, demo_id, settings, params):
    """The playground's and the MNIST MLP's trained networks go out as ONNX that the page, the checker and native
    ONNX Runtime all agree on."""
    demo = open_demo(page, base_url, path, demo_id)
    for name, value in settings.items():
        field = demo.locator("[name={}]".format(name))
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    run_to_end(demo, timeout=300)
    panel = demo.locator(".model-export")
    with page.expect_download(timeout=120000) as info:
        panel.locator("[data-action=download-onnx]").click()
    out = tmp_path / "model.onnx"
    info.value.save_as(out)
    assert wait_panel(panel, page) == "done", panel.locator(".model-export-error").inner_text()
    assert json.loads(panel.get_attribute("data-result"))["max_abs_diff"] <= 1e-4
    model = onnx.load(str(out))
    onnx.checker.check_model(model, full_check=True)
    if params is not None:  # the default playground network, 2 -> 16 -> 16 -> 2
        assert sum(int(np.prod(t.dims)) for t in model.graph.initializer) == params
    sample = json.loads(panel.get_attribute("data-sample"))
    decode = lambda t: np.frombuffer(base64.b64decode(t["data"]), t["dtype"]).reshape(t["shape"])  # noqa: E731
    native = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"]).run(None, {"x": decode(sample["input"])})[0]
    np.testing.assert_allclose(native, decode(sample["output"]), atol=1e-4)
