"""Take the model with you: the trained model of a demo as weights (.npz bytes written by NumPy) and as an ONNX graph
description (demos/onnx_export.py) that the page writes into an .onnx file; and weights given back to the page.

    "model_export"        params {"demo": "gpt" | "scaling" | "mnist-mlp" | "playground"}
                          -> result {"npz": base64, "graph": ..., "sample": {"input", "output"}}
    "model_export:Load"   params {"demo": ..., "npz": base64}  -> loads the weights into the kept model, or an
                          InputError that says what is wrong with the file (the trained model stays as it was)

Arrays travel as base64 of their little-endian bytes; ``sample`` is a fixed input with the NumPy forward's output,
which the page compares with ONNX Runtime's.
"""
import base64
import importlib
import io

import numpy as np

from demos.apps import InputError
from demos.gpt import GPT
from demos.onnx_export import gpt_graph, mlp_graph

FORMAT = "aibook-weights-1"
NO_MODEL = "还没有训练好的模型：请先点“训练”，等训练结束后再下载。"


def trained_model(demo):
    """The model that the demo's last training left in Python, or InputError. A session module offers it as
    ``trained_model()``."""
    try:
        module = importlib.import_module("demos.apps." + str(demo).replace("-", "_"))
    except ImportError:
        module = None
    if module is not None and hasattr(module, "trained_model"):
        model = module.trained_model()
    else:
        raise InputError("这个演示没有可以导出的模型：{}".format(demo))
    if model is None:
        raise InputError(NO_MODEL)
    return model


def encode(array):
    """{dtype, shape, data: base64 of the little-endian bytes}."""
    array = np.ascontiguousarray(array)
    return {"dtype": str(array.dtype), "shape": list(array.shape),
            "data": base64.b64encode(array.astype(array.dtype.newbyteorder("<")).tobytes()).decode("ascii")}


def describe(model):
    """(graph description, sample input, kind, sizes) of a GPT or of an MLP (Sequential of Dense layers)."""
    if isinstance(model, GPT):
        t = model.context
        ids = (np.arange(t, dtype=np.int64)[None, :] * 7 + 3) % model.vocab_size
        sizes = [model.vocab_size, model.context, model.d_model, model.n_layers, model.n_heads]
        return gpt_graph(model), ids, "gpt", sizes
    dense = [layer for layer in getattr(model, "layers", []) if "W" in layer.params]
    if not dense:
        raise InputError("这个模型没有 ONNX 导出。")
    n_in = dense[0].params["W"].shape[0]
    try:
        graph = mlp_graph(model, n_in)
    except ValueError:
        raise InputError("这个模型里有 ONNX 导出不支持的层。")
    x = np.random.RandomState(0).uniform(0, 1, size=(1, n_in)).astype(np.float32)
    sizes = [n_in] + [layer.params["W"].shape[1] for layer in dense]
    return graph, x, "mlp", sizes


def npz_bytes(model, kind, sizes):
    arrays = {"param." + k: p.astype(np.float32) for k, p in model.state_dict().items()}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, format=np.array(FORMAT), kind=np.array(kind), config=np.array(sizes, dtype=np.int64),
                        **arrays)
    return buffer.getvalue()


class Session:
    """"model_export": weights, ONNX graph description and a sample of the demo's trained model."""

    def __init__(self, params):
        self.model = trained_model(params.get("demo"))
        self.done = False

    def advance(self, seconds):
        self.done = True
        return {}

    def result(self):
        model = self.model
        graph, x, kind, sizes = describe(model)
        y = model.forward(x, training=False).astype(np.float32)
        return {
            "npz": base64.b64encode(npz_bytes(model, kind, sizes)).decode("ascii"),
            "graph": {"opset": graph["opset"], "inputs": graph["inputs"], "outputs": graph["outputs"],
                      "nodes": [[op, i, o, a] for op, i, o, a in graph["nodes"]],
                      "initializers": {k: encode(v) for k, v in graph["initializers"].items()}},
            "sample": {"input": encode(x), "output": encode(y)},
            "kind": kind,
            "params": model.n_params(),
        }


def read_npz(data, model):
    """{parameter key: float32 array} from the bytes of a file ``npz_bytes`` wrote for a model of this size."""
    _, _, kind, sizes = describe(model)
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            files = set(npz.files)
            if "format" not in files or str(npz["format"]) != FORMAT:
                raise InputError("这个文件不是本书导出的权重（缺少格式标记）。请选“下载权重”得到的 .npz 文件。训练好的模型没有改变。")
            config = [int(v) for v in npz["config"]]
            if str(npz["kind"]) != kind or config != sizes:
                raise InputError("权重的模型（{}，大小 {}）和现在的模型（{}，大小 {}）不一样，不能载入。训练好的模型没有改变。".format(
                    str(npz["kind"]), config, kind, sizes))
            state = {}
            for key, p, _ in model.parameters():
                name = "param." + key
                if name not in files or npz[name].shape != p.shape:
                    raise InputError("权重文件缺少参数 {} 或形状不对，不能载入。训练好的模型没有改变。".format(key))
                state[key] = npz[name].astype(np.float32)
                if not np.all(np.isfinite(state[key])):
                    raise InputError("权重文件里的参数 {} 有非有限的数（NaN 或无穷大），不能载入。训练好的模型没有改变。".format(key))
    except InputError:
        raise
    except Exception:
        raise InputError("无法读取这个文件：它不是有效的 .npz 权重文件（可能已损坏，或是别的文件）。训练好的模型没有改变。")
    return state


class Load:
    def __init__(self, params):
        model = trained_model(params.get("demo"))
        try:
            data = base64.b64decode(params.get("npz") or "", validate=True)
        except (ValueError, TypeError):
            raise InputError("无法读取这个文件。训练好的模型没有改变。")
        if not data:
            raise InputError("文件是空的。训练好的模型没有改变。")
        model.load_state_dict(read_npz(data, model))
        self.params = model.n_params()
        self.done = False

    def advance(self, seconds):
        self.done = True
        return {}

    def result(self):
        return {"loaded": True, "params": self.params}
