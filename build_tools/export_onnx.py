"""Export the digit CNN trained by ``build_tools/train_cnn.py`` to ONNX.

The weights file (``docs/models/mnist-cnn-weights.npz``, format in ``build_tools/cnn_spec.py``) is the single
source of truth: it holds the architecture, every parameter array and the training record (held-out accuracy,
confusion matrix, seed, data set, date). From it this module

* translates the same layer list into an ONNX graph (``to_onnx``): Conv, Relu, MaxPool, Flatten, Gemm
  and a final Softmax, opset 17, input ``image`` [N, 1, 28, 28] with a dynamic batch dimension N,
  outputs ``logits`` and ``probabilities`` [N, 10];
* optionally writes an int8 variant with static QDQ quantisation (QuantizeLinear / DequantizeLinear
  around float operators, which onnxruntime-web's wasm backend runs) calibrated on training digits,
  with uint8 activations and uint8 weights (see ``quantize_int8`` for why not int8 weights);
* writes ``mnist-cnn.json`` with the metadata, the confusion matrix and the per-class accuracy.

The export is a pure function of the weights file, so exporting twice gives byte-identical models.

    python -m build_tools.export_onnx [--weights docs/models/mnist-cnn-weights.npz] [--out-dir docs/models]
                                      [--no-int8]
"""

import argparse
import json
import logging
import os
import re
import sys

import numpy as np

from .cnn_spec import INT8_FILE, JSON_FILE, MODELS_DIR, ONNX_FILE, WEIGHTS_FILE, load_digits, load_weights

OPSET = 17
# IR version 8 is the one that goes with opset 17; the onnx package would otherwise stamp its newest IR
# version, which older runtimes (onnxruntime-web in the page) refuse to load.
IR_VERSION = 8
FRAMEWORK = "this book's NumPy core (demos/layers.py)"
PREPROCESSING = (
    "28x28 grey image, ink white (1.0) on black (0.0), float32 values in 0..1, "
    "MNIST-style: the digit fitted into a 20x20 box and centred by its centre of mass in the 28x28 frame; "
    "tensor layout NCHW [N, 1, 28, 28]"
)
# Largest int8 accuracy loss (in accuracy points, i.e. fraction * 100) for the quantised model to be kept.
INT8_MAX_DROP_POINTS = 0.5


# ---------------------------------------------------------------- ONNX graph

def metadata(info):
    """The model's metadata_props: strings only, in a fixed order."""
    return [
        ("held_out_accuracy", "%.4f" % info["held_out_accuracy"]),
        ("held_out_correct", "%d/%d" % (info["held_out_correct"], info["held_out_size"])),
        ("dataset", info["dataset"]),
        ("split", info["split"]),
        ("training_date", info["training_date"]),
        ("seed", str(info["seed"])),
        ("epochs", str(info["epochs"])),
        ("opset", str(OPSET)),
        ("framework", FRAMEWORK),
        ("preprocessing", PREPROCESSING),
        ("classes", "0,1,2,3,4,5,6,7,8,9"),
        ("outputs", "logits [N,10]; probabilities [N,10] = softmax(logits)"),
    ]


def to_onnx(arch, params, info):
    """Translate the layer list and its parameters into an ``onnx.ModelProto``."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes, initializers = [], []
    current = "image"
    for i, (kind, args, kwargs) in enumerate(arch):
        out = "%s_%d" % (kind.lower(), i)
        if kind == "Conv2D":
            k = int(args[2])
            stride, pad = int(kwargs.get("stride", 1)), int(kwargs.get("padding", 0))
            w, b = "conv%d.W" % i, "conv%d.b" % i
            initializers += [numpy_helper.from_array(params["%d.W" % i], w),
                             numpy_helper.from_array(params["%d.b" % i], b)]
            nodes.append(helper.make_node("Conv", [current, w, b], [out], name="conv_%d" % i,
                                          kernel_shape=[k, k], strides=[stride, stride],
                                          pads=[pad, pad, pad, pad]))
        elif kind == "MaxPool2D":
            size = int(args[0]) if args else int(kwargs.get("size", 2))
            nodes.append(helper.make_node("MaxPool", [current], [out], name="maxpool_%d" % i,
                                          kernel_shape=[size, size], strides=[size, size]))
        elif kind == "ReLU":
            nodes.append(helper.make_node("Relu", [current], [out], name="relu_%d" % i))
        elif kind == "Flatten":
            nodes.append(helper.make_node("Flatten", [current], [out], name="flatten_%d" % i, axis=1))
        elif kind == "Dense":
            # Dense computes x W + b with W of shape (n_in, n_out): Gemm with transB = 0.
            w, b = "dense%d.W" % i, "dense%d.b" % i
            initializers += [numpy_helper.from_array(params["%d.W" % i], w),
                             numpy_helper.from_array(params["%d.b" % i], b)]
            nodes.append(helper.make_node("Gemm", [current, w, b], [out], name="gemm_%d" % i))
        else:
            raise ValueError("no ONNX translation for layer %s" % kind)
        current = out
    # Rename the last output so the page reads "logits" and "probabilities" by name.
    nodes[-1].output[0] = "logits"
    nodes.append(helper.make_node("Softmax", ["logits"], ["probabilities"], name="softmax", axis=-1))

    n_classes = int(params["%d.b" % (len(arch) - 1)].shape[0])
    graph = helper.make_graph(
        nodes, "mnist_cnn",
        inputs=[helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 1, 28, 28])],
        outputs=[helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", n_classes]),
                 helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", n_classes])],
        initializer=initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="aibook build_tools/export_onnx.py", producer_version="1")
    model.ir_version = IR_VERSION
    model.doc_string = ("Handwritten digit classifier (MNIST), trained with %s. Input: %s."
                        % (FRAMEWORK, PREPROCESSING))
    for key, value in metadata(info):
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model, full_check=True)
    return model


# ---------------------------------------------------------------- int8 variant

def quantize_int8(fp32_path, int8_path, calibration_images):
    """Static QDQ 8-bit quantisation (per-tensor, MinMax calibration) of the fp32 model.

    Activations and weights both become uint8 ("U8U8") behind QuantizeLinear / DequantizeLinear pairs; the
    final Softmax stays float so the probabilities keep their precision.

    Why not int8 weights (onnxruntime's default U8S8, or S8S8, which its x86 kernels turn into U8S8): on x86
    processors without AVX-512 VNNI, onnxruntime multiplies uint8 by int8 with an instruction that adds
    pairs of products into a saturating 16-bit sum (255 * 127 * 2 > 32767), so the same model gives other
    answers there than with VNNI, in WebAssembly or on ARM. onnxruntime's quantisation guide names two
    ways out: 7-bit weights (reduce_range) or U8U8, whose kernels widen to 16 bits before multiplying and
    cannot saturate. U8U8 keeps the fp32 model's held-out accuracy here; 7-bit weights lost a digit.
    Checked by running onnxruntime under ``qemu-x86_64 -cpu EPYC-Rome`` (AVX2, no AVX-512): U8S8 gave
    1987 of 2000 there against 1986 with VNNI, U8U8 gave the same logits on both.
    """
    from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat,
                                          QuantType, quantize_static)

    class Reader(CalibrationDataReader):
        def __init__(self, images, batch=100):
            self.batches = iter([{"image": images[i:i + batch]} for i in range(0, len(images), batch)])

        def get_next(self):
            return next(self.batches, None)

    # quantize_static advises a pre-processing pass (symbolic shape inference, which needs sympy) on the
    # root logger; this graph's shapes are all known to onnx's own shape inference, so it is muted here.
    root_logger = logging.getLogger()
    level = root_logger.level
    root_logger.setLevel(logging.ERROR)
    try:
        quantize_static(fp32_path, int8_path, Reader(calibration_images.astype(np.float32)),
                        quant_format=QuantFormat.QDQ, activation_type=QuantType.QUInt8,
                        weight_type=QuantType.QUInt8, per_channel=False,
                        calibrate_method=CalibrationMethod.MinMax, nodes_to_exclude=["softmax"])
    finally:
        root_logger.setLevel(level)


def onnx_accuracy(path, images, labels, batch=500):
    """Fraction of ``images`` that the ONNX model at ``path`` classifies as ``labels`` (onnxruntime CPU)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    predicted = np.concatenate([
        session.run(["logits"], {"image": images[i:i + batch].astype(np.float32)})[0].argmax(axis=1)
        for i in range(0, len(images), batch)])
    return int((predicted == labels).sum()), len(labels)


# ---------------------------------------------------------------- summary for the page and README

def summary(info, fp32_bytes, int8=None):
    """The content of mnist-cnn.json: metadata, confusion matrix, per-class accuracy, model sizes."""
    confusion = np.asarray(info["confusion_matrix"], dtype=np.int64)
    per_class = confusion.diagonal() / np.maximum(confusion.sum(axis=1), 1)
    result = {key: value for key, value in metadata(info)}
    result.update({
        "held_out_accuracy": round(float(info["held_out_accuracy"]), 6),
        "held_out_correct": int(info["held_out_correct"]),
        "held_out_size": int(info["held_out_size"]),
        "train_size": int(info["train_size"]),
        "seed": int(info["seed"]),
        "epochs": int(info["epochs"]),
        "opset": OPSET,
        "training": {key: info[key] for key in ("batch_size", "peak_lr", "optimizer", "augmentation",
                                                 "training_seconds") if key in info},
        "confusion_matrix": confusion.tolist(),
        "confusion_matrix_axes": "rows: true digit 0..9, columns: predicted digit 0..9",
        "per_class_accuracy": [round(float(a), 4) for a in per_class],
        "model_file": ONNX_FILE,
        "model_bytes": int(fp32_bytes),
        "input": {"name": "image", "shape": ["N", 1, 28, 28], "type": "float32"},
        "outputs": [{"name": "logits", "shape": ["N", 10]}, {"name": "probabilities", "shape": ["N", 10]}],
        "int8": int8,
    })
    return result


def to_json(result):
    """Indented JSON, except that a list of numbers or strings stays on one line (a confusion-matrix row)."""
    text = json.dumps(result, ensure_ascii=False, indent=2)
    flat = re.compile(r"\[\s*((?:-?[\d.eE+-]+|\"[^\"\n]*\")(?:,\s*(?:-?[\d.eE+-]+|\"[^\"\n]*\"))*)\s*\]")
    return flat.sub(lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text) + "\n"


def export(weights_path, out_dir, data=None):
    """Write the ONNX model(s) and the JSON summary from a weights file.

    ``data`` is ``(calibration_images, held_out_images, held_out_labels)`` for the int8 variant, or None
    to skip it. Returns the summary dict.
    """
    arch, params, info = load_weights(weights_path)
    fp32_path = os.path.join(out_dir, ONNX_FILE)
    with open(fp32_path, "wb") as f:
        f.write(to_onnx(arch, params, info).SerializeToString())

    int8 = None
    int8_path = os.path.join(out_dir, INT8_FILE)
    if data is not None:
        calibration, images, labels = data
        quantize_int8(fp32_path, int8_path, calibration)
        fp32_correct, total = onnx_accuracy(fp32_path, images, labels)
        int8_correct, _ = onnx_accuracy(int8_path, images, labels)
        drop_points = 100.0 * (fp32_correct - int8_correct) / total
        if drop_points <= INT8_MAX_DROP_POINTS:
            int8 = {"model_file": INT8_FILE, "model_bytes": os.path.getsize(int8_path),
                    "held_out_accuracy": round(int8_correct / total, 6), "held_out_correct": int8_correct,
                    "quantization": "static QDQ, uint8 activations and uint8 weights (U8U8: no "
                                    "saturation on any x86 path), per-tensor, MinMax "
                                    "calibration on %d training digits; Softmax kept in float32"
                                    % len(calibration)}
        else:
            os.remove(int8_path)
            print("int8 model dropped: held-out accuracy falls by %.2f points" % drop_points, file=sys.stderr)
    elif os.path.exists(int8_path):
        os.remove(int8_path)  # a stale int8 file must not outlive the weights it was made from

    result = summary(info, os.path.getsize(fp32_path), int8)
    with open(os.path.join(out_dir, JSON_FILE), "w", encoding="utf-8") as f:
        f.write(to_json(result))
    return result


def load_export_data(info, n_calibration=500):
    """Calibration digits (the first training digits) and the held-out set, from the data the model used."""
    (x_train, _), (x_test, y_test) = load_digits(info.get("mnist_dir"))
    return x_train[:n_calibration], x_test, y_test


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weights", default=os.path.join(MODELS_DIR, WEIGHTS_FILE))
    parser.add_argument("--out-dir", default=MODELS_DIR)
    parser.add_argument("--no-int8", action="store_true", help="skip the int8 variant (needs no data)")
    args = parser.parse_args(argv)
    data = None if args.no_int8 else load_export_data(load_weights(args.weights)[2])
    result = export(args.weights, args.out_dir, data)
    print("wrote %s (%d bytes)%s" % (os.path.join(args.out_dir, ONNX_FILE), result["model_bytes"],
                                     "" if result["int8"] is None else
                                     ", %s (%d bytes)" % (INT8_FILE, result["int8"]["model_bytes"])))


if __name__ == "__main__":
    main()
