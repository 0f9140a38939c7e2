"""A small classifier on 2-D toy data, in the spirit of TensorFlow Playground.

An MLP (0 to 4 hidden layers of Dense + activation, then Dense to one logit per class, softmax
cross-entropy) is trained with the core's training step on 80 % of the points; the other 20 % are the test set.
After every update the page gets the class probabilities on a grid over the plane (the decision
boundary) and, per finished epoch, the loss and accuracy on both sets. The run stops by itself once the
training accuracy reaches the target, or after the maximum number of epochs or seconds.
"""
import math
import re

import numpy as np

from demos import data
from demos.apps import InputError
from demos.apps.pace import Pace
from demos.apps.settings import Choice, Number, Settings, Text, ascii_text, shown
from demos.layers import Dense, ReLU, Sequential, Sigmoid, Softmax, Tanh
from demos.losses import SoftmaxCrossEntropy
from demos.optim import OPTIMISERS
from demos.train import LossGuard, batches, evaluate, step

ACTIVATIONS = {"relu": (ReLU, "he_uniform"), "tanh": (Tanh, "xavier_uniform"), "sigmoid": (Sigmoid, "xavier_uniform")}
GRID = 40
TEST_SHARE = 0.2
MAX_LAYERS, MAX_UNITS = 4, 64

SETTINGS = Settings(
    Choice("dataset", "数据集", "spiral",
           [("spiral", "螺旋（3 类）"), ("xor", "XOR"), ("circles", "圆环"), ("blobs", "高斯团（3 类）")]),
    Number("noise", "噪声", 0.1, 0.0, 1.0),
    Number("points", "点数", 300, 20, 2000, integer=True),
    Text("layers", "隐藏层（如 16-16）", "16-16", max_length=40,
         help="每个隐藏层的神经元数，用 - 分隔，最多 4 层、每层 1 到 64 个；写 0 表示没有隐藏层"),
    Choice("activation", "激活函数", "tanh", [("tanh", "tanh"), ("relu", "ReLU"), ("sigmoid", "sigmoid")]),
    Choice("optimizer", "优化器", "adam", [("adam", "Adam"), ("momentum", "Momentum"), ("sgd", "SGD")]),
    Number("lr", "学习率", 0.03, 1e-6, 10.0),
    Number("batch", "批大小", 32, 1, 2000, integer=True),
    Number("target", "目标训练准确率", 0.95, 0.5, 1.0),
    Number("max_epochs", "最多轮数", 2000, 1, 100000, integer=True),
    Number("max_seconds", "最长训练秒数", 60, 1, 600),
    Number("seed", "随机种子", 0, 0, 2 ** 31 - 1, integer=True))


def parse_layers(value):
    """'16-16' (or [16, 16]) -> [16, 16]; '' or '0' -> [] (no hidden layer: a linear classifier)."""
    field = SETTINGS["layers"]
    if isinstance(value, (list, tuple)):
        parts = [str(v) for v in value]
    else:
        text = ascii_text(value)
        parts = [] if text in ("", "0") else [p.strip() for p in text.split("-")]
    if len(parts) > MAX_LAYERS:
        field.fail("最多 {} 层（现在是 {} 层）。".format(MAX_LAYERS, len(parts)))
    units = []
    for part in parts:
        if not (re.match(r"^[0-9]{1,3}$", part) and 1 <= int(part) <= MAX_UNITS):
            field.fail("写成用 - 分隔的神经元数，例如 16-16；每层必须是 1 到 {} 之间的整数（现在有 “{}”）。".format(
                MAX_UNITS, shown(part)))
        units.append(int(part))
    return units


def build_model(units, activation, classes, rng):
    layer_class, init = ACTIVATIONS[activation]
    layers, n_in = [], 2
    for n in units:
        layers += [Dense(n_in, n, rng, init=init), layer_class()]
        n_in = n
    layers.append(Dense(n_in, classes, rng))
    return Sequential(layers)


def grid_points(extent, size=GRID):
    """Cell centres of a size × size grid over [-extent, extent]², row 0 at the top (largest y)."""
    centres = (np.arange(size) + 0.5) / size * 2 * extent - extent
    gx, gy = np.meshgrid(centres, centres[::-1])
    return np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)


_trained = None  # the model of the last finished run (the page can download it: model_export.py)


def trained_model():
    return _trained


class Session:
    def __init__(self, params):
        v = SETTINGS.read(params)
        self.dataset, self.lr, self.target = v["dataset"], v["lr"], v["target"]
        self.max_epochs, self.max_seconds = v["max_epochs"], v["max_seconds"]
        noise, points, batch, seed = v["noise"], v["points"], v["batch"], v["seed"]
        self.units = parse_layers(params.get("layers", v["layers"]))
        activation, optimizer = v["activation"], v["optimizer"]

        x, y = data.DATASETS_2D[self.dataset](n=points, noise=noise, seed=seed)
        self.classes = int(y.max()) + 1
        n_train = int(round(len(x) * (1 - TEST_SHARE)))
        self.x_train, self.y_train = x[:n_train], y[:n_train]
        self.x_test, self.y_test = x[n_train:], y[n_train:]
        if len(np.unique(self.y_train)) < self.classes:
            raise InputError("点太少了：训练集里没有每一类的点，请把点数调大一些。")
        self.extent = float(math.ceil(np.abs(x).max() * 1.1 * 2) / 2)
        self.grid = grid_points(self.extent)

        rng = np.random.RandomState(seed)
        self.model = build_model(self.units, activation, self.classes, rng)
        self.loss_fn = SoftmaxCrossEntropy()
        self.optimizer = OPTIMISERS[optimizer](self.lr)
        self.batches = batches(n_train, min(batch, n_train), np.random.RandomState(seed))
        self.guard = LossGuard(advice="学习率 {:g} 太大，参数每一步都被推得更远；请把学习率调小（例如 0.03）后重试。".format(
            self.lr))
        self.pace = Pace()
        self.history = []  # per epoch: {epoch, loss, test_loss, accuracy, test_accuracy}
        self.sent = 0
        self.data_sent = False
        self.steps = 0
        self.epoch = 0
        self.reached = False
        self.done = False

    def measure(self):
        """Loss and accuracy on the training and the test points."""
        loss, acc = evaluate(self.model, self.loss_fn, self.x_train, self.y_train)
        test_loss, test_acc = (evaluate(self.model, self.loss_fn, self.x_test, self.y_test) if len(self.x_test)
                               else (None, None))
        return {"loss": loss, "test_loss": test_loss, "accuracy": acc, "test_accuracy": test_acc}

    def train_step(self):
        epoch, idx = next(self.batches)
        if epoch > self.epoch:  # the previous batch ended an epoch
            self.epoch = epoch
            self.history.append(dict(self.measure(), epoch=epoch))
            self.reached = self.history[-1]["accuracy"] >= self.target
            if self.reached or epoch >= self.max_epochs:
                return
        with np.errstate(over="ignore", invalid="ignore"):
            step(self.model, self.loss_fn, self.optimizer, self.x_train[idx], self.y_train[idx], self.guard)
        self.steps += 1

    def finished(self):
        return self.reached or self.epoch >= self.max_epochs or self.pace.seconds >= self.max_seconds

    def advance(self, seconds):
        self.pace.run(min(seconds, self.max_seconds - self.pace.seconds), self.train_step, self.finished)
        self.done = self.finished()
        progress = {"steps": self.steps, "epoch": self.epoch}
        if not self.pace.view_due(last=self.done):
            return progress
        progress.update(epochs=self.history[self.sent:], grid=self.boundary(), grid_size=GRID)
        self.sent = len(self.history)
        if not self.data_sent:
            progress["data"] = {
                "x": np.round(np.concatenate([self.x_train, self.x_test]).astype(np.float64), 3),
                "y": np.concatenate([self.y_train, self.y_test]),
                "train": len(self.x_train),
                "classes": self.classes,
                "extent": self.extent,
            }
            self.data_sent = True
        return progress

    def boundary(self):
        """Per grid cell: the predicted class and its probability (2 decimals keep the message small)."""
        probs = Softmax().forward(self.model.forward(self.grid, training=False))
        # float64 before rounding: a rounded float32 still prints with ~17 digits in JSON
        return {"label": probs.argmax(axis=1), "confidence": np.round(probs.max(axis=1).astype(np.float64), 2)}

    def result(self):
        global _trained
        _trained = self.model
        return dict(
            self.measure(),
            dataset=self.dataset,
            steps=self.steps,
            epochs=self.epoch,
            seconds=round(self.pace.seconds, 3),
            reached=self.reached,
            target=self.target,
            layers=self.units,
            parameters=int(self.model.n_params()),
        )
