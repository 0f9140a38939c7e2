"""Numbers of practice/digits.md (prefix ``dg_``): the exported CNN, read from its files.

* the layer table (output shapes, parameter counts, multiply-adds per digit) from docs/models/mnist-cnn.onnx,
  with ONNX shape inference;
* training record, held-out accuracy, confusion matrix, model sizes from docs/models/mnist-cnn.json, which
  build_tools/export_onnx.py writes next to the model;
* the augmentation ranges from build_tools/train_cnn.py, checked against the record in the json so that the
  page cannot describe a training run that did not make this model.

The model files are produced by ``make cnn``; the page describes a fixed architecture, so a model whose
operators differ stops the build instead of printing a table that no longer fits it.
"""
import json
from pathlib import Path

from .. import train_cnn
from . import fmt

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "docs" / "models"

# The page's layer table, row by row: (key, ONNX operator).
LAYERS = [("conv1", "Conv"), ("relu1", "Relu"), ("pool1", "MaxPool"), ("conv2", "Conv"), ("relu2", "Relu"),
          ("pool2", "MaxPool"), ("conv3", "Conv"), ("relu3", "Relu"), ("flat", "Flatten"), ("fc1", "Gemm"),
          ("relu4", "Relu"), ("fc2", "Gemm"), ("softmax", "Softmax")]

# Measured by the project on one NVIDIA H100 host with ONNX Runtime Web 1.30 in Chromium (the issue that
# asked for this page); quoted on the page as an outside measurement next to the reader's own.
# Values in ms, with the decimals they were reported with.
H100_MS = {"wasm_1_lo": (0.7, 1), "wasm_1_hi": (1.0, 1), "webgpu_1": (15.7, 1), "webgpu_64": (23, 0), "wasm_64": (52, 0)}
ORT_DIST = ROOT / "node_modules" / "onnxruntime-web" / "dist"
# What each build of ONNX Runtime Web downloads (docs/assets/js/demos/digits-engine.js)
ORT_BUILDS = {"wasm": ["ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm"],
              "webgpu": ["ort.webgpu.min.mjs", "ort-wasm-simd-threaded.asyncify.mjs",
                         "ort-wasm-simd-threaded.asyncify.wasm"]}


def grouped(n):
    return "{:,}".format(int(n))


def pct(x, digits=2):
    return fmt(100 * x, digits)


def shape_text(dims):
    return " × ".join(str(d) for d in dims)


def layer_table(model_path):
    """[(key, op, output dims, parameter count, multiply-adds per digit, parameter shapes)], node by node."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(model_path))
    inferred = onnx.shape_inference.infer_shapes(model)
    shapes = {}
    for v in list(inferred.graph.value_info) + list(inferred.graph.output) + list(inferred.graph.input):
        shapes[v.name] = [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
    weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    ops = [node.op_type for node in model.graph.node]
    if ops != [op for _, op in LAYERS]:
        raise ValueError("{}: operators {} differ from the layer table of practice/digits.md ({}); update the page"
                         .format(model_path, ops, [op for _, op in LAYERS]))
    rows = []
    for (key, op), node in zip(LAYERS, model.graph.node):
        out = shapes[node.output[0]]
        params = sum(int(weights[name].size) for name in node.input if name in weights)
        macs = 0
        if op == "Conv":
            w = weights[node.input[1]]  # (out, in, k, k): each output value takes in * k * k multiply-adds
            macs = out[1] * out[2] * out[3] * w.shape[1] * w.shape[2] * w.shape[3]
        elif op == "Gemm":
            w = weights[node.input[1]]  # (in, out)
            macs = w.shape[0] * w.shape[1]
        rows.append((key, op, out, params, macs, [tuple(weights[n].shape) for n in node.input if n in weights]))
    return rows


def per_class(confusion):
    """The number of held-out digits of each class (the split is stratified: the same for every class)."""
    sizes = {sum(row) for row in confusion}
    if len(sizes) != 1:
        raise ValueError("the held-out set is not stratified ({} digits per class); update practice/digits.md"
                         .format(sorted(sizes)))
    return sizes.pop()


def numbers():
    meta = json.loads((MODELS / "mnist-cnn.json").read_text(encoding="utf-8"))
    if not meta["split"].endswith("(build_tools/pack_mnist.py)"):
        raise ValueError("docs/models/mnist-cnn.json: the model was not trained on the packed digits of "
                         "build_tools/pack_mnist.py ({}); practice/digits.md describes that data set".format(meta["split"]))
    rows = layer_table(MODELS / meta["model_file"])
    out = {"dg_in_shape": shape_text(["N", 1, 28, 28])}
    total_params = total_macs = 0
    for key, op, dims, params, macs, wshapes in rows:
        out["dg_{}_out".format(key)] = shape_text(dims)
        out["dg_{}_params".format(key)] = grouped(params)
        total_params += params
        total_macs += macs
        if op == "Conv":
            (c_out, c_in, k, _), _bias = wshapes
            out.update({"dg_{}_k".format(key): str(k), "dg_{}_in".format(key): str(c_in),
                        "dg_{}_ch".format(key): str(c_out), "dg_{}_weights".format(key): grouped(c_out * c_in * k * k),
                        "dg_{}_macs".format(key): grouped(macs)})
        elif op == "Gemm":
            (n_in, n_out), _bias = wshapes
            out.update({"dg_{}_nin".format(key): str(n_in), "dg_{}_nout".format(key): str(n_out),
                        "dg_{}_macs".format(key): grouped(macs)})
    conv_macs = sum(r[4] for r in rows if r[1] == "Conv")
    # the side of the feature maps through the convolutions and poolings, e.g. 28 -> 26 -> 13 -> ...
    sides = [28] + [dims[2] for _, op, dims, _, _, _ in rows if op in ("Conv", "MaxPool")]
    out["dg_sides"] = " → ".join(str(x) for x in sides)
    for key, op, dims, _, _, _ in rows:
        if op == "Conv":
            out["dg_{}_chw".format(key)] = shape_text(dims[1:])
    out.update({
        "dg_params": grouped(total_params),
        "dg_params_kb": fmt(4 * total_params / 1024, 0),
        "dg_macs": grouped(total_macs),
        "dg_macs_m": fmt(total_macs / 1e6, 1),
        "dg_macs_conv_pct": fmt(100 * conv_macs / total_macs, 0),
        "dg_macs_64_m": fmt(64 * total_macs / 1e6, 0),
    })

    # training record
    training = meta.get("training", {})
    out.update({
        "dg_acc": pct(meta["held_out_accuracy"]),
        "dg_correct": grouped(meta["held_out_correct"]),
        "dg_heldout": grouped(meta["held_out_size"]),
        "dg_heldout_per_class": grouped(per_class(meta["confusion_matrix"])),
        "dg_errors": grouped(meta["held_out_size"] - meta["held_out_correct"]),
        "dg_train": grouped(meta["train_size"]),
        "dg_total": grouped(meta["train_size"] + meta["held_out_size"]),
        "dg_epochs": str(meta["epochs"]),
        "dg_seed": str(meta["seed"]),
        "dg_batch": str(training["batch_size"]),
        "dg_lr": "{:g}".format(training["peak_lr"]),
        "dg_steps": grouped(meta["epochs"] * (meta["train_size"] // training["batch_size"])),
        "dg_train_minutes": fmt(training["training_seconds"] / 60, 1),
        "dg_opset": str(meta["opset"]),
    })
    out.update(augmentation_numbers(training.get("augmentation")))

    # confusion matrix and its largest off-diagonal cells
    cm = meta["confusion_matrix"]
    for t, row in enumerate(cm):
        out["dg_pc_{}".format(t)] = pct(row[t] / sum(row), 1)
        for p, count in enumerate(row):
            out["dg_cm_{}_{}".format(t, p)] = str(count)
    mistakes = sorted(((cm[t][p], t, p) for t in range(10) for p in range(10) if t != p and cm[t][p]), reverse=True)
    top = mistakes[0] if mistakes else (0, 0, 0)
    out.update({"dg_top_count": str(top[0]), "dg_top_true": str(top[1]), "dg_top_pred": str(top[2])})
    worst = min(range(10), key=lambda d: (cm[d][d] / sum(cm[d]), d))
    out.update({"dg_worst_class": str(worst), "dg_worst_acc": pct(cm[worst][worst] / sum(cm[worst]), 1)})

    # model compression: fp32 against int8
    out.update({"dg_fp32_kb": fmt(meta["model_bytes"] / 1024, 0), "dg_fp32_acc": pct(meta["held_out_accuracy"])})
    int8 = meta.get("int8")
    if int8:
        out.update({
            "dg_int8_kb": fmt(int8["model_bytes"] / 1024, 0),
            "dg_int8_acc": pct(int8["held_out_accuracy"]),
            "dg_int8_correct": grouped(int8["held_out_correct"]),
            "dg_int8_ratio": fmt(meta["model_bytes"] / int8["model_bytes"], 1),
            "dg_int8_delta": fmt(100 * (int8["held_out_accuracy"] - meta["held_out_accuracy"]), 2),
        })

    out.update({"dg_h100_" + k: fmt(v, d) for k, (v, d) in H100_MS.items()})
    out["dg_h100_64_ratio"] = fmt(H100_MS["wasm_64"][0] / H100_MS["webgpu_64"][0], 1)
    out["dg_h100_1_ratio_lo"] = fmt(H100_MS["webgpu_1"][0] / H100_MS["wasm_1_hi"][0], 0)
    out["dg_h100_1_ratio_hi"] = fmt(H100_MS["webgpu_1"][0] / H100_MS["wasm_1_lo"][0], 0)
    out["dg_h100_per_digit_64"] = fmt(H100_MS["webgpu_64"][0] / 64, 2)
    for build, files in ORT_BUILDS.items():
        out["dg_ort_{}_mb".format(build)] = fmt(sum((ORT_DIST / f).stat().st_size for f in files) / 1e6, 0)
    return out


def augmentation_numbers(recorded):
    """The augmentation ranges of build_tools/train_cnn.py, if they are the ones the model was trained with."""
    if recorded != train_cnn.AUGMENTATION:
        raise ValueError("docs/models/mnist-cnn.json records an augmentation that build_tools/train_cnn.py no "
                         "longer uses; retrain with `make cnn` so the page describes the model it serves")
    return {
        "dg_aug_deg": "{:g}".format(train_cnn.MAX_DEGREES),
        "dg_aug_scale_lo": "{:g}".format(1 - train_cnn.MAX_SCALE),
        "dg_aug_scale_hi": "{:g}".format(1 + train_cnn.MAX_SCALE),
        "dg_aug_shift": "{:g}".format(train_cnn.MAX_SHIFT),
        "dg_aug_p_stroke": "{:g}".format(train_cnn.P_STROKE),
    }
