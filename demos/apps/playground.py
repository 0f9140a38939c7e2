"""A small classifier on 2-D toy data, in the spirit of TensorFlow Playground.

An MLP (0 to 4 hidden layers of Dense + activation, then Dense to one logit per class, softmax
cross-entropy) is trained with the core's Trainer on 80 % of the points; the other 20 % are the test set.
After every update the page gets the class probabilities on a grid over the plane (the decision
boundary) and, per finished epoch, the loss and accuracy on both sets. The run stops by itself once the
training accuracy reaches the target, or after the maximum number of epochs or seconds.
"""
import math
import re
import time

import numpy as np

from demos import data
from demos.apps import InputError
from demos.apps.settings import Choice, Number, Settings, Text, ascii_text, shown
from demos.layers import Dense, ReLU, Sequential, Sigmoid, Softmax, Tanh
from demos.losses import SoftmaxCrossEntropy
from demos.optim import OPTIMISERS
from demos.train import Divergence, Trainer

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
        self.trainer = Trainer(
            self.model, SoftmaxCrossEntropy(), OPTIMISERS[optimizer](self.lr), self.x_train, self.y_train,
            batch_size=min(batch, n_train), seed=seed, on_epoch=self._on_epoch, explode_factor=100.0)
        self.history = []  # per epoch: [epoch, train loss, test loss, train accuracy, test accuracy]
        self.sent = 0
        self.data_sent = False
        self.seconds = 0.0
        self.reached = False
        self.done = False

    def _on_epoch(self, info):
        loss, acc = self.trainer.evaluate(self.x_train, self.y_train)
        test_loss, test_acc = self.trainer.evaluate(self.x_test, self.y_test) if len(self.x_test) else (None, None)
        self.history.append([info["epoch"], loss, test_loss, acc, test_acc])
        if acc >= self.target:
            self.reached = True
            self.trainer.request_stop()

    def advance(self, seconds):
        start = time.perf_counter()
        budget = min(seconds, self.max_seconds - self.seconds)
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                status = self.trainer.run(epochs=self.max_epochs, seconds=max(budget, 1e-3))
        except Divergence:
            raise Divergence("训练发散了：第 {} 步时训练集上的损失{}（开始时约 {:.3g}）。学习率 {:g} 太大，"
                             "参数每一步都被推得更远；请把学习率调小（例如 0.03）后重试。".format(
                                 self.trainer.step_count + 1, self._loss_now(), self.trainer.first_loss, self.lr))
        self.seconds += time.perf_counter() - start
        self.done = status["done"] or self.seconds >= self.max_seconds
        progress = {
            "steps": self.trainer.step_count,
            "epoch": self.trainer.epoch,
            "epochs": self.history[self.sent:],
            "grid": self.boundary(),
            "grid_size": GRID,
        }
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

    def _loss_now(self):
        with np.errstate(all="ignore"):
            value, _ = self.trainer.evaluate(self.x_train, self.y_train)
        return "已经是 {:.3g}".format(value) if math.isfinite(value) else "变成了 NaN（不是一个数）"

    def boundary(self):
        """Per grid cell: the predicted class and its probability (2 decimals keep the message small)."""
        probs = Softmax().forward(self.model.forward(self.grid, training=False))
        # float64 before rounding: a rounded float32 still prints with ~17 digits in JSON
        return {"label": probs.argmax(axis=1), "confidence": np.round(probs.max(axis=1).astype(np.float64), 2)}

    def result(self):
        last = self.history[-1] if self.history else None
        loss, acc = self.trainer.evaluate(self.x_train, self.y_train)
        test_loss, test_acc = self.trainer.evaluate(self.x_test, self.y_test) if len(self.x_test) else (None, None)
        return {
            "dataset": self.dataset,
            "accuracy": acc,
            "test_accuracy": test_acc,
            "loss": loss,
            "test_loss": test_loss,
            "steps": self.trainer.step_count,
            "epochs": last[0] if last else 0,
            "seconds": round(self.seconds, 3),
            "reached": self.reached,
            "target": self.target,
            "layers": self.units,
            "parameters": int(self.model.n_params()),
        }
