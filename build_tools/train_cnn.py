"""Train the book's digit CNN with the NumPy core in demos/ and export it to ONNX.

    python -m build_tools.train_cnn [--seed 0] [--epochs 24] [--mnist-dir DIR] [--out-dir docs/models]

Model: ``cnn_spec.ARCH`` (three 3x3 convolutions with max pooling, then two dense layers).

Data: the packed digits (docs/vendor/data/mnist.npz, a fixed 8,000 train / 2,000 held-out split), or the
standard MNIST IDX files when a directory holding them is given by --mnist-dir or $MNIST_DIR. Training
digits are augmented on the fly (small shifts, rotations and scale changes, thicker or thinner strokes)
so the model also copes with digits drawn with a mouse or a finger. Everything random comes from one
np.random.RandomState(seed), so a run is reproducible.

Writes docs/models/mnist-cnn-weights.npz, then calls build_tools/export_onnx.py for the ONNX model(s)
and docs/models/mnist-cnn.json.
"""

import argparse
import datetime
import os
import sys
import time

# BLAS worker threads spin while they wait for each other: on a machine whose cores are busy with other jobs
# two threads made a training step several times slower than one. One thread, unless the caller chose; only
# when run as a script, so importing this module changes nothing for the importer.
if __name__ == "__main__":
    for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402

from demos import losses, optim  # noqa: E402

from . import export_onnx  # noqa: E402
from .cnn_spec import (ARCH, INT8_FILE, JSON_FILE, MODELS_DIR, ONNX_FILE, PACKED_TRAIN_SIZE,  # noqa: E402
                       WEIGHTS_FILE, build_model, describe_data, load_digits, save_weights)

EPOCHS = 24  # on the packed digits: about 100 s of CPU time (one thread) for the whole run


# ---------------------------------------------------------------- augmentation

def stroke_width(images, amount):
    """Thicken (amount > 0) or thin (amount < 0) the strokes of each image by a fraction |amount| <= 1.

    A 3x3 maximum filter (grey-scale dilation) thickens every stroke by one pixel on each side, a 3x3
    minimum filter (erosion) thins it; blending towards either gives a continuous range of widths.
    """
    n, c, h, w = images.shape
    padded = np.pad(images, ((0, 0), (0, 0), (1, 1), (1, 1)), mode="constant")
    shifted = np.stack([padded[:, :, u:u + h, v:v + w] for u in range(3) for v in range(3)])
    target = np.where((amount > 0)[:, None, None, None], shifted.max(axis=0), shifted.min(axis=0))
    weight = np.abs(amount).astype(np.float32)[:, None, None, None]
    out = images + weight * (target - images)
    # Erosion also dims what is left of a thin stroke; restoring each image's peak keeps the ink white.
    peak_before = images.max(axis=(1, 2, 3), keepdims=True)
    peak_after = out.max(axis=(1, 2, 3), keepdims=True)
    return out * (peak_before / np.maximum(peak_after, 1e-6))


def affine(images, angle, scale, shift):
    """Rotate by ``angle`` (radians), scale by ``scale`` about the centre, then move by ``shift`` (dy, dx).

    Inverse mapping with bilinear interpolation: each output pixel reads the input at
    p_in = S⁻¹ R⁻¹ (p_out - centre - shift) + centre; outside the image the input is 0 (background).
    """
    n, c, h, w = images.shape
    centre = (np.array([h, w], dtype=np.float64) - 1) / 2
    rows, cols = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    dy = rows[None] - centre[0] - shift[:, 0, None, None]
    dx = cols[None] - centre[1] - shift[:, 1, None, None]
    cos, sin = (np.cos(angle) / scale)[:, None, None], (np.sin(angle) / scale)[:, None, None]
    src_y = cos * dy - sin * dx + centre[0]
    src_x = sin * dy + cos * dx + centre[1]

    y0, x0 = np.floor(src_y).astype(np.int64), np.floor(src_x).astype(np.int64)
    fy, fx = (src_y - y0).astype(np.float32), (src_x - x0).astype(np.float32)
    batch = np.arange(n)[:, None, None]
    out = np.zeros((n, h, w), dtype=np.float32)
    for oy, ox, weight in ((0, 0, (1 - fy) * (1 - fx)), (0, 1, (1 - fy) * fx),
                           (1, 0, fy * (1 - fx)), (1, 1, fy * fx)):
        yy, xx = y0 + oy, x0 + ox
        inside = (yy >= 0) & (yy < h) & (xx >= 0) & (xx < w)
        out += weight * inside * images[batch, 0, np.clip(yy, 0, h - 1), np.clip(xx, 0, w - 1)]
    return out[:, None]


MAX_DEGREES, MAX_SCALE, MAX_SHIFT = 12.0, 0.1, 2.0
P_STROKE = 0.5
MAX_THINNING = 0.5  # full erosion wipes out MNIST's 1-2 pixel strokes, so thinning goes at most half way
AUGMENTATION = ("each training digit, each time: stroke width changed with probability %g (blend towards a 3x3 "
                "dilation, or up to %g of the way towards a 3x3 erosion), rotation within +-%g degrees, "
                "scale %g..%g, shift within +-%g pixels"
                % (P_STROKE, MAX_THINNING, MAX_DEGREES, 1 - MAX_SCALE, 1 + MAX_SCALE, MAX_SHIFT))


def augment(images, rng, max_degrees=MAX_DEGREES, max_shift=MAX_SHIFT, max_scale=MAX_SCALE, p_stroke=P_STROKE,
            max_thinning=MAX_THINNING):
    """A randomly transformed copy of a batch of (N, 1, 28, 28) digits (values stay in 0..1)."""
    n = len(images)
    amount = rng.uniform(-max_thinning, 1.0, n) * (rng.uniform(size=n) < p_stroke)
    images = stroke_width(images, amount)
    angle = np.deg2rad(rng.uniform(-max_degrees, max_degrees, n))
    scale = rng.uniform(1 - max_scale, 1 + max_scale, n)
    shift = rng.uniform(-max_shift, max_shift, (n, 2))
    return np.clip(affine(images, angle, scale, shift), 0.0, 1.0)


# ---------------------------------------------------------------- training

class ProgressBar:
    """A one-line text progress bar on stderr (rewritten with \\r; a newline at the end of each epoch)."""

    def __init__(self, total, label, width=30, every=5):
        self.total, self.label, self.width, self.every = total, label, width, every
        self.start = time.time()

    def update(self, done, text=""):
        if done % self.every and done != self.total:
            return
        filled = self.width * done // self.total
        sys.stderr.write("\r%s [%s%s] %d/%d %s %.0fs" % (self.label, "#" * filled, "." * (self.width - filled),
                                                         done, self.total, text, time.time() - self.start))
        if done == self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def learning_rate(step, total_steps, peak, warmup_steps, final_fraction=0.02):
    """Linear warm-up to ``peak``, then cosine decay to ``final_fraction * peak``."""
    if step < warmup_steps:
        return peak * (step + 1) / warmup_steps
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    return peak * (final_fraction + (1 - final_fraction) * 0.5 * (1 + np.cos(np.pi * progress)))


def predict(model, images, batch=500):
    """Logits for ``images``, in batches (inference mode)."""
    return np.concatenate([model.forward(images[i:i + batch], training=False)
                           for i in range(0, len(images), batch)])


def confusion_matrix(labels, predicted, n_classes=10):
    """counts[t, p]: how many digits of true class t were predicted as p."""
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (labels, predicted), 1)
    return counts


def train(model, x_train, y_train, rng, epochs, batch_size, peak_lr, log=True):
    """Adam on mini-batches of freshly augmented digits; returns the mean training loss per epoch."""
    loss_fn = losses.SoftmaxCrossEntropy()
    opt = optim.Adam(lr=peak_lr)
    steps_per_epoch = len(x_train) // batch_size  # the last partial batch is dropped (order is reshuffled)
    total = epochs * steps_per_epoch
    history = []
    for epoch in range(epochs):
        order = rng.permutation(len(x_train))
        bar = ProgressBar(steps_per_epoch, "epoch %2d/%d" % (epoch + 1, epochs)) if log else None
        loss_sum = correct = 0.0
        for i in range(steps_per_epoch):
            idx = order[i * batch_size:(i + 1) * batch_size]
            x, y = augment(x_train[idx], rng), y_train[idx]
            logits = model.forward(x, training=True)
            loss_sum += loss_fn.forward(logits, y)
            correct += float((logits.argmax(axis=1) == y).sum())
            model.backward(loss_fn.backward())
            step = epoch * steps_per_epoch + i
            opt.lr = learning_rate(step, total, peak_lr, warmup_steps=steps_per_epoch // 2)
            opt.step(model)
            if bar:
                bar.update(i + 1, "loss %.4f acc %.2f%% lr %.1e" % (
                    loss_sum / (i + 1), 100 * correct / ((i + 1) * batch_size), opt.lr))
        history.append(loss_sum / steps_per_epoch)
    return history


def format_confusion(counts):
    lines = ["true\\pred " + " ".join("%5d" % p for p in range(counts.shape[1]))]
    lines += ["%9d " % t + " ".join("%5d" % c for c in row) for t, row in enumerate(counts)]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=None,
                        help="passes over the training digits (default: %d on the packed 8,000; on a larger "
                             "set, as many as give the same number of steps, at least 1)" % EPOCHS)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3, help="peak learning rate of Adam")
    parser.add_argument("--mnist-dir", default=None, help="directory with the MNIST IDX files ($MNIST_DIR)")
    parser.add_argument("--out-dir", default=MODELS_DIR)
    parser.add_argument("--no-int8", action="store_true", help="do not write the int8 model")
    args = parser.parse_args(argv)

    started = time.time()
    mnist_dir = args.mnist_dir or os.environ.get("MNIST_DIR") or None
    (x_train, y_train), (x_test, y_test) = load_digits(mnist_dir)
    print("data: %d training digits, %d held-out digits" % (len(x_train), len(x_test)))

    epochs = args.epochs or max(1, int(round(EPOCHS * PACKED_TRAIN_SIZE / len(x_train))))
    rng = np.random.RandomState(args.seed)
    model = build_model(ARCH, rng)
    train(model, x_train, y_train, rng, epochs, args.batch_size, args.lr)

    predicted = predict(model, x_test).argmax(axis=1)
    counts = confusion_matrix(y_test, predicted)
    correct = int(np.trace(counts))
    accuracy = correct / len(y_test)
    print("held-out accuracy: %.2f%% (%d/%d)" % (100 * accuracy, correct, len(y_test)))
    print("confusion matrix (rows: true digit, columns: predicted digit):")
    print(format_confusion(counts))

    dataset, split = describe_data(mnist_dir, len(x_train), len(x_test))
    info = {
        "held_out_accuracy": accuracy, "held_out_correct": correct, "held_out_size": int(len(y_test)),
        "train_size": int(len(y_train)), "confusion_matrix": counts.tolist(),
        "dataset": dataset, "split": split, "seed": args.seed, "epochs": epochs,
        "batch_size": args.batch_size, "peak_lr": args.lr,
        "optimizer": "Adam, softmax cross-entropy, linear warm-up then cosine decay of the learning rate",
        "augmentation": AUGMENTATION,
        "training_date": datetime.date.today().isoformat(),
        "training_seconds": round(time.time() - started, 1),
    }
    if mnist_dir:
        info["mnist_dir"] = os.path.abspath(mnist_dir)
    os.makedirs(args.out_dir, exist_ok=True)
    weights_path = os.path.join(args.out_dir, WEIGHTS_FILE)
    save_weights(weights_path, ARCH, model, info)
    export_data = None if args.no_int8 else (x_train[:500], x_test, y_test)
    result = export_onnx.export(weights_path, args.out_dir, export_data)
    print("wrote %s, %s (%d bytes)%s, %s" % (
        weights_path, ONNX_FILE, result["model_bytes"],
        "" if result["int8"] is None else ", %s (%d bytes, held-out accuracy %.2f%%)" % (
            INT8_FILE, result["int8"]["model_bytes"], 100 * result["int8"]["held_out_accuracy"]),
        JSON_FILE))
    print("total time: %.0f s" % (time.time() - started))


if __name__ == "__main__":
    main()
