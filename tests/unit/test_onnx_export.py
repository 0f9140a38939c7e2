"""The GPT's ONNX graph description (demos/onnx_export.py), written with the ``onnx`` package, passes the ONNX checker
and ONNX Runtime computes the same logits as the NumPy forward."""
import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from demos.gpt import GPT
from demos.onnx_export import OPSET, gpt_graph

TYPES = {"int64": TensorProto.INT64, "float32": TensorProto.FLOAT}


def decode(t):
    import base64
    return np.frombuffer(base64.b64decode(t["data"]), t["dtype"]).reshape(t["shape"])


def to_onnx(graph):
    """What the page does with protobufjs, done with the onnx package."""
    nodes = [helper.make_node(op, inputs, outputs, name="n{}".format(i), **attrs)
             for i, (op, inputs, outputs, attrs) in enumerate(graph["nodes"])]
    inits = [numpy_helper.from_array(a, name) for name, a in graph["initializers"].items()]
    inputs = [helper.make_tensor_value_info(n, TYPES[t], s) for n, t, s in graph["inputs"]]
    outputs = [helper.make_tensor_value_info(n, TYPES[t], s) for n, t, s in graph["outputs"]]
    g = helper.make_graph(nodes, "gpt", inputs, outputs, inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", graph["opset"])], ir_version=8)


@pytest.mark.parametrize("layers, heads, width, context, t", [(2, 4, 32, 16, 16), (1, 2, 16, 24, 10), (3, 1, 8, 8, 8)])
def test_onnx_runtime_computes_the_numpy_logits(layers, heads, width, context, t):
    rng = np.random.RandomState(layers)
    model = GPT(50, context, width, layers, heads, rng)
    for _, p, _ in model.parameters():  # trained-looking weights, not the tiny initial ones
        p += rng.normal(0, 0.1, p.shape).astype(p.dtype)
    proto = to_onnx(gpt_graph(model, t))
    onnx.checker.check_model(proto, full_check=True)
    ids = rng.randint(0, 50, size=(1, t)).astype(np.int64)
    expected = model.forward(ids, training=False)
    got = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, {"ids": ids})[0]
    assert got.shape == (1, t, 50)
    np.testing.assert_allclose(got, expected, atol=1e-4, rtol=1e-4)


def test_uses_the_promised_operators_and_opset():
    graph = gpt_graph(GPT(20, 8, 16, 1, 2, np.random.RandomState(0)))
    ops = {n[0] for n in graph["nodes"]}
    assert {"Gather", "MatMul", "Add", "LayerNormalization", "Softmax", "Reshape", "Transpose", "Relu"} <= ops
    assert graph["opset"] == OPSET == 17
    mask = graph["initializers"]["causal_mask"]
    assert mask[0, 1] < -1e8 and mask[1, 0] == 0 and mask[3, 3] == 0


def test_export_session_sends_weights_graph_and_a_sample_and_loads_weights_back():
    import base64
    from demos.apps import InputError, model_export, scaling

    session = scaling.Session({"sizes": "width", "steps": 10, "budget": 0.02})
    while not session.done:
        session.advance(1.0)
    model = scaling.trained_model()
    out = model_export.Session({"demo": "scaling"}).result()
    g = out["graph"]
    graph = {"opset": g["opset"], "inputs": g["inputs"], "outputs": g["outputs"], "nodes": g["nodes"],
             "initializers": {k: decode(v) for k, v in g["initializers"].items()}}
    proto = to_onnx(graph)
    onnx.checker.check_model(proto)
    ids = decode(out["sample"]["input"])
    assert ids.dtype == np.int64
    expected = decode(out["sample"]["output"])
    got = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, {"ids": ids})[0]
    np.testing.assert_allclose(got, expected, atol=1e-4)
    # the weights come back: changed parameters are restored from the file
    before = model.forward(ids, training=False)
    for _, p, _ in model.parameters():
        p *= 0.5
    model_export.Load({"demo": "scaling", "npz": out["npz"]})
    np.testing.assert_allclose(model.forward(ids, training=False), before, atol=1e-6)
    # a corrupt or foreign file is refused and the model stays as it is
    for bad in (base64.b64encode(b"not a zip file").decode(), base64.b64encode(base64.b64decode(out["npz"])[:200]).decode()):
        with pytest.raises(InputError) as err:
            model_export.Load({"demo": "scaling", "npz": bad})
        assert "无法读取" in str(err.value)
    import io
    buffer = io.BytesIO()
    np.savez(buffer, x=np.zeros(3))
    with pytest.raises(InputError) as err:
        model_export.Load({"demo": "scaling", "npz": base64.b64encode(buffer.getvalue()).decode()})
    assert "不是本书导出的" in str(err.value)
    np.testing.assert_allclose(model.forward(ids, training=False), before, atol=1e-6)


@pytest.mark.parametrize("activation", ["ReLU", "Sigmoid", "Tanh"])
def test_mlp_export_matches_numpy_and_its_weights_come_back(activation, monkeypatch):
    import base64
    import types
    from demos import layers
    from demos.apps import InputError, model_export

    rng = np.random.RandomState(0)
    act = getattr(layers, activation)
    model = layers.Sequential([layers.Dense(6, 5, rng), act(), layers.Dense(5, 4, rng), act(), layers.Dense(4, 3, rng)])
    fake = types.ModuleType("demos.apps.fake_mlp")
    fake.trained_model = lambda: model
    monkeypatch.setitem(__import__("sys").modules, "demos.apps.fake_mlp", fake)
    out = model_export.Session({"demo": "fake-mlp"}).result()
    g = out["graph"]
    proto = to_onnx({"opset": g["opset"], "inputs": g["inputs"], "outputs": g["outputs"], "nodes": g["nodes"],
                     "initializers": {k: decode(v) for k, v in g["initializers"].items()}})
    onnx.checker.check_model(proto, full_check=True)
    x = decode(out["sample"]["input"])
    got = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    np.testing.assert_allclose(got, model.forward(x, training=False), atol=1e-5)
    np.testing.assert_allclose(got, decode(out["sample"]["output"]), atol=1e-5)
    before = model.forward(x, training=False)
    model.layers[0].params["W"] *= 3
    model_export.Load({"demo": "fake-mlp", "npz": out["npz"]})
    np.testing.assert_allclose(model.forward(x, training=False), before, atol=1e-6)


def test_no_trained_model_is_explained():
    from demos.apps import InputError, model_export, scaling
    scaling._kept = None
    with pytest.raises(InputError) as err:
        model_export.Session({"demo": "scaling"})
    assert "还没有训练好的模型" in str(err.value)
    with pytest.raises(InputError):
        model_export.Session({"demo": "regression-nothing"})
