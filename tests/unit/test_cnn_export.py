"""The exported digit CNN (docs/models/) agrees with the NumPy core that trained it.

ONNX Runtime (Python, and onnxruntime-web's wasm backend under Node) runs the committed model; the NumPy
reference is demos.layers rebuilt from the committed weights file.
"""

import json
import os
import shutil
import subprocess

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import numpy_helper

from build_tools import cnn_spec, export_onnx
from build_tools.cnn_spec import ROOT, load_digits
from demos.layers import softmax

MODELS = cnn_spec.MODELS_DIR
ONNX_PATH = os.path.join(MODELS, cnn_spec.ONNX_FILE)
INT8_PATH = os.path.join(MODELS, cnn_spec.INT8_FILE)
WEIGHTS_PATH = os.path.join(MODELS, cnn_spec.WEIGHTS_FILE)
JSON_PATH = os.path.join(MODELS, cnn_spec.JSON_FILE)
REQUIRED_METADATA = ("held_out_accuracy", "dataset", "split", "training_date", "seed", "opset", "framework",
                     "preprocessing")
# Operators of the int8 model: static QDQ around float operators, all run by onnxruntime-web (wasm).
WEB_INT8_OPS = {"QuantizeLinear", "DequantizeLinear", "Conv", "Relu", "MaxPool", "Flatten", "Reshape", "Gemm",
                "MatMul", "Add", "Softmax"}


def session(path):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


@pytest.fixture(scope="module")
def model():
    return onnx.load(ONNX_PATH)


@pytest.fixture(scope="module")
def summary():
    with open(JSON_PATH, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def held_out():
    _, (images, labels) = load_digits()
    return images, labels


def run_logits(path, images, batch=500):
    sess = session(path)
    return np.concatenate([sess.run(["logits"], {"image": images[i:i + batch]})[0]
                           for i in range(0, len(images), batch)])


def output_step(path):
    """One quantisation step of the int8 model's logits: the scale of the DequantizeLinear that makes them."""
    quantised = onnx.load(path)
    scales = {t.name: numpy_helper.to_array(t) for t in quantised.graph.initializer}
    last = next(n for n in quantised.graph.node if n.op_type == "DequantizeLinear" and n.output[0] == "logits")
    return float(scales[last.input[1]])


def changeable(logits, labels, shift):
    """(right answers that could turn wrong, wrong ones that could turn right) if every logit moved by up to
    ``shift``: a digit's answer can change only where the top logit is within 2 * shift of another one."""
    top = logits.max(axis=1)
    right = logits.argmax(axis=1) == labels
    second = np.sort(logits, axis=1)[:, -2]
    true = logits[np.arange(len(labels)), labels]
    return int((right & (top - second <= 2 * shift)).sum()), int((~right & (top - true <= 2 * shift)).sum())


def test_model_passes_the_onnx_checker(model):
    onnx.checker.check_model(model, full_check=True)
    assert [op.version for op in model.opset_import if op.domain in ("", "ai.onnx")] == [export_onnx.OPSET]


def test_input_and_outputs_have_a_dynamic_batch_dimension(model, held_out):
    graph = model.graph
    assert [i.name for i in graph.input] == ["image"]
    assert [o.name for o in graph.output] == ["logits", "probabilities"]
    dims = graph.input[0].type.tensor_type.shape.dim
    assert dims[0].dim_param and not dims[0].HasField("dim_value")
    assert [d.dim_value for d in dims[1:]] == [1, 28, 28]
    sess = session(ONNX_PATH)
    for n in (1, 7):
        logits, probs = sess.run(None, {"image": held_out[0][:n]})
        assert logits.shape == probs.shape == (n, 10)


def test_metadata_describes_training_and_preprocessing(model, summary):
    props = {p.key: p.value for p in model.metadata_props}
    for key in REQUIRED_METADATA:
        assert props.get(key), key
        assert str(summary[key]) == props[key] or key == "held_out_accuracy", key
    assert props["opset"] == str(export_onnx.OPSET)
    assert "NumPy" in props["framework"]
    assert "28x28" in props["preprocessing"] and "0..1" in props["preprocessing"]
    assert abs(float(props["held_out_accuracy"]) - summary["held_out_accuracy"]) < 5e-5


def test_onnxruntime_matches_the_numpy_core_on_a_held_out_batch(held_out):
    images = held_out[0][:64]
    reference = cnn_spec.load_model(WEIGHTS_PATH).forward(images, training=False)
    logits, probs = session(ONNX_PATH).run(None, {"image": images})
    assert np.abs(logits - reference).max() < 1e-4
    assert np.abs(probs - softmax(reference.astype(np.float64))).max() < 1e-4
    # The batch must exercise the model: a constant output would also "agree".
    assert len(set(reference.argmax(axis=1))) == 10


def test_held_out_accuracy_measured_by_onnxruntime_equals_the_metadata(held_out, summary, model):
    images, labels = held_out
    predicted = run_logits(ONNX_PATH, images).argmax(axis=1)
    correct = int((predicted == labels).sum())
    assert len(labels) == summary["held_out_size"] == 2000
    # Runtimes and processors sum the float products in other orders (FMA or not, SIMD width), which moves
    # logits by far less than 1e-3; no digit's answer is that close to a tie, so every runtime must count
    # exactly the recorded number.
    assert changeable(run_logits(ONNX_PATH, images), labels, 1e-3) == (0, 0)
    assert correct / len(labels) >= 0.985
    assert correct == summary["held_out_correct"]
    props = {p.key: p.value for p in model.metadata_props}
    assert props["held_out_accuracy"] == "%.4f" % (correct / len(labels))
    confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(confusion, (labels, predicted), 1)
    assert confusion.tolist() == summary["confusion_matrix"]
    per_class = confusion.diagonal() / confusion.sum(axis=1)
    assert np.allclose(per_class, summary["per_class_accuracy"], atol=5e-5)


def test_exporting_the_saved_weights_again_gives_the_same_bytes(tmp_path):
    arch, params, info = cnn_spec.load_weights(WEIGHTS_PATH)
    again = export_onnx.to_onnx(arch, params, info).SerializeToString()
    with open(ONNX_PATH, "rb") as f:
        assert again == f.read()
    assert os.path.getsize(ONNX_PATH) < 500 * 1024


def test_summary_sizes_match_the_files(summary):
    assert summary["model_bytes"] == os.path.getsize(ONNX_PATH)
    if summary["int8"] is None:
        assert not os.path.exists(INT8_PATH)
    else:
        assert summary["int8"]["model_bytes"] == os.path.getsize(INT8_PATH)
        assert summary["int8"]["model_bytes"] < summary["model_bytes"] / 2


def test_int8_model_keeps_the_accuracy_and_uses_web_operators(summary, held_out):
    if summary["int8"] is None:
        assert not os.path.exists(INT8_PATH)
        return
    quantised = onnx.load(INT8_PATH)
    onnx.checker.check_model(quantised)
    ops = {node.op_type for node in quantised.graph.node}
    assert {"QuantizeLinear", "DequantizeLinear"} <= ops <= WEB_INT8_OPS
    images, labels = held_out
    logits = run_logits(INT8_PATH, images)
    correct = int((logits.argmax(axis=1) == labels).sum())
    # The recorded count comes from the machine that exported the model. With uint8 weights the integer sums
    # are exact on every processor (no saturation, see export_onnx.quantize_int8); what a runtime may still
    # do differently is round a re-quantised value that lies near the middle between two steps, which moves a
    # logit by one output step. Only digits whose top two logits are within two steps can change their answer.
    could_lose, could_gain = changeable(logits, labels, output_step(INT8_PATH))
    assert correct - could_lose <= summary["int8"]["held_out_correct"] <= correct + could_gain
    assert 100.0 * (summary["held_out_correct"] - correct) / len(labels) <= export_onnx.INT8_MAX_DROP_POINTS


NODE_SCRIPT = r"""
import * as ort from '%(ort)s';
import fs from 'fs';
ort.env.wasm.numThreads = 1;
const buf = fs.readFileSync(process.argv[3]);
const x = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
const sess = await ort.InferenceSession.create(fs.readFileSync(process.argv[2]), {executionProviders: ['wasm']});
const out = await sess.run({image: new ort.Tensor('float32', x, [x.length / 784, 1, 28, 28])});
process.stdout.write(JSON.stringify(Array.from(out.logits.data)));
"""


def test_onnxruntime_web_wasm_runs_the_committed_models(summary, held_out, tmp_path):
    ort_web = os.path.join(ROOT, "node_modules", "onnxruntime-web", "dist", "ort.node.min.mjs")
    assert shutil.which("node") and os.path.exists(ort_web), "node and node_modules/onnxruntime-web are needed"
    script = tmp_path / "run.mjs"
    script.write_text(NODE_SCRIPT % {"ort": ort_web})
    images = np.ascontiguousarray(held_out[0][:16])
    images.tofile(str(tmp_path / "x.bin"))
    # fp32: the runtimes sum float products in other orders (well under 1e-3). int8: the logits are multiples
    # of one output step, and a value rounded near the middle between two steps may land on either: one step.
    tolerances = {ONNX_PATH: 1e-3}
    if summary["int8"] is not None:
        tolerances[INT8_PATH] = output_step(INT8_PATH) * (1 + 1e-4)
    for path, tolerance in tolerances.items():
        done = subprocess.run(["node", str(script), path, str(tmp_path / "x.bin")], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr[-2000:]
        web = np.array(json.loads(done.stdout), dtype=np.float32).reshape(16, 10)
        native = run_logits(path, images)
        assert np.abs(web - native).max() <= tolerance, path
