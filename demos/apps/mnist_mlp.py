"""MNIST digits with the sources' 784 -> hidden -> 10 network (ReLU, softmax cross-entropy, Adam), trained in the page.

Two training details make the small data set (8,000 images) reach 95 % on the 2,000 held-out images within the
browser's time budget: every batch is shifted by up to one pixel (data augmentation: the network sees a slightly
different image each epoch and overfits less), and the learning rate decays along a cosine to 0 over the run
(large steps first, fine ones at the end).
"""
import base64
import math

import numpy as np

from demos.apps import asset_path
from demos.apps.pace import Pace
from demos.apps.settings import Choice, Flag, Number, Settings
from demos.data import load_mnist
from demos.layers import Dense, ReLU, Sequential
from demos.losses import SoftmaxCrossEntropy
from demos.optim import Adam
from demos.train import Divergence, LossGuard, batches, step

DEFAULT_LR = 0.003
MAX_MISTAKES = 24
STUCK_ACCURACY = 0.2  # ten classes: guessing gets 10 %

SEED = Number("seed", "随机种子", 0, 0, 2 ** 31 - 1, integer=True)
SETTINGS = Settings(
    Choice("hidden", "隐藏层大小", "128",
           [("32", "32"), ("64", "64"), ("128", "128"), ("256", "256（较慢）"), ("500", "500（源文设置，很慢）")]),
    Number("lr", "学习率", DEFAULT_LR, 1e-5, 1.0),
    Number("batch", "批大小", 64, 1, 1000, integer=True),
    Number("epochs", "训练轮数", 15, 1, 200, integer=True),
    Number("seconds", "时间上限（秒）", 60, 1, 600),
    Flag("shift", "随机平移", True),
    SEED)

_mnist = None


def mnist():
    """((x_train, y_train), (x_test, y_test)) from the book's pack, loaded once per runtime (a second run reuses it)."""
    global _mnist
    if _mnist is None:
        _mnist = load_mnist(asset_path("data/mnist.npz"))
    return _mnist


def shift_images(x, rng, max_shift=1):
    """Move every image (n, 28, 28) by its own random offset of -max_shift..max_shift pixels in each direction,
    filling the uncovered border with 0 (background)."""
    n, h, w = x.shape
    padded = np.pad(x, ((0, 0), (max_shift, max_shift), (max_shift, max_shift)), mode="constant")
    dy = rng.randint(0, 2 * max_shift + 1, size=n)
    dx = rng.randint(0, 2 * max_shift + 1, size=n)
    rows = (dy[:, None] + np.arange(h))[:, :, None]
    cols = (dx[:, None] + np.arange(w))[:, None, :]
    return padded[np.arange(n)[:, None, None], rows, cols]


def cosine_lr(base_lr, progress):
    """η(p) = η₀ · ½ (1 + cos πp) for the share p ∈ [0, 1] of the run that is done."""
    return base_lr * 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))


def accuracy_of(model, x, labels, batch=500):
    """(accuracy, predictions) of the model on (x, labels), in chunks so that memory stays small."""
    pred = np.concatenate([model.forward(x[i:i + batch], training=False).argmax(axis=1)
                           for i in range(0, len(x), batch)])
    return float(np.mean(pred == labels)), pred


def image_bytes(images):
    """Images in [0, 1] as base64 of uint8 pixels: a 28×28 digit costs 1 KB in the page's message, not 10."""
    return base64.b64encode(np.round(np.clip(images, 0, 1) * 255).astype(np.uint8).tobytes()).decode("ascii")


_trained = None  # the model of the last finished run (the page can download it: model_export.py)


def trained_model():
    return _trained


class Session:
    """Train a classifier of the digits on minibatches until the epochs are done or the time budget is spent.

    The held-out curve is measured every SAMPLES_PER_EVAL training images on the first EVAL_IMAGES held-out images;
    the final figures on all of them. Subclasses (the CNN demo) change the model and the input shape.
    """

    SETTINGS = SETTINGS
    VIEW_EVERY = 0.25  # seconds between two pictures (the CNN's filters and feature maps)
    SAMPLES_PER_EVAL = 6400
    EVAL_IMAGES = 2000

    def __init__(self, params):
        v = self.SETTINGS.read(params)
        self.lr, self.batch, self.epochs, self.budget = v["lr"], v["batch"], v["epochs"], v["seconds"]
        self.safe_lr = self.SETTINGS["lr"].default  # what a message suggests after a blow-up
        (self.x_train, self.y_train), (self.x_test, self.y_test) = mnist()
        self.rng = np.random.RandomState(v["seed"])
        self.model = self.build_model(v, self.rng)
        self.loss_fn = SoftmaxCrossEntropy()
        self.optimizer = Adam(self.lr)
        self.steps_per_epoch = int(math.ceil(len(self.y_train) / self.batch))
        self.total_steps = self.steps_per_epoch * self.epochs
        self.eval_every = max(1, int(round(self.SAMPLES_PER_EVAL / self.batch)))
        self.batches = batches(len(self.y_train), self.batch, self.rng)
        # ln 10 ≈ 2.3 is a uniform guess; ten times that means confidently wrong answers
        self.guard = LossGuard(10, advice="学习率 {} 太大，请调小（例如 {}）后重试。".format(self.lr, self.safe_lr))
        self.pace = Pace(self.VIEW_EVERY)
        self.step = 0
        self.epoch = 0.0
        self.done = False
        self.loss = None
        self.window_hits, self.window_seen = 0, 0
        self.points = []  # {step, seconds, train_accuracy (recent batches), accuracy (held-out)}
        self.points_sent = 0
        self.seconds_to_95 = None
        self.finished_by = None
        self._evaluate()

    def build_model(self, v, rng):
        self.hidden, self.shift = int(v["hidden"]), v["shift"]
        return Sequential([Dense(784, self.hidden, rng), ReLU(), Dense(self.hidden, 10, rng)])

    def inputs(self, images, training=False):
        """The model's input for a stack of (n, 28, 28) images."""
        if training and self.shift:
            images = shift_images(images, self.rng)
        return images.reshape(len(images), 784)

    def _train_step(self):
        epoch, idx = next(self.batches)
        labels = self.y_train[idx]
        # The run ends with the last epoch or at the time budget, whichever comes first: on a slow machine the
        # budget decides, and the rate must still have come down by then.
        self.optimizer.lr = cosine_lr(self.lr, max(self.step / self.total_steps, self.pace.seconds / self.budget))
        done = step(self.model, self.loss_fn, self.optimizer, self.inputs(self.x_train[idx], training=True), labels,
                    self.guard)
        self.step += 1
        self.epoch = self.step / self.steps_per_epoch
        self.loss = done.loss
        self.window_hits += int(np.sum(done.output.argmax(axis=1) == labels))
        self.window_seen += len(idx)
        if self.step % self.eval_every == 0:
            self._evaluate()

    def _evaluate(self):
        n = self.EVAL_IMAGES
        accuracy, _ = accuracy_of(self.model, self.inputs(self.x_test[:n]), self.y_test[:n])
        train_acc = self.window_hits / self.window_seen if self.window_seen else None
        self.points.append({"step": self.step, "seconds": round(self.pace.seconds, 3), "train_accuracy": train_acc,
                            "accuracy": accuracy})
        self.window_hits = self.window_seen = 0
        # A too small rate is merely slow; a too large one can kill every ReLU at once (output 0 for all inputs),
        # and then the loss stays at ln 10 without ever blowing up.
        if accuracy < STUCK_ACCURACY and self.step >= 3 * self.eval_every and self.lr > self.safe_lr:
            raise Divergence("训练停滞了：{} 步之后测试准确率还只有 {:.0%}，和随便猜差不多。学习率 {} 太大，"
                             "一次更新就可能让 ReLU 神经元全部“死掉”（输出恒为 0）；请调小（例如 {}）后重试。".format(
                                 self.step, accuracy, self.lr, self.safe_lr))
        if self.seconds_to_95 is None and accuracy >= 0.95:
            self.seconds_to_95 = round(self.pace.seconds, 2)

    def advance(self, seconds):
        self.pace.run(seconds, self._train_step, self._finished)
        self.done = self._finished()
        progress = {
            "step": self.step,
            "epoch": self.epoch,
            "seconds": round(self.pace.seconds, 2),
            "lr": self.optimizer.lr,
            "loss": self.loss,
        }
        if self.done:
            if self.points[-1]["step"] != self.step:
                self._evaluate()
            self._finish()
            progress["mistakes"] = self._mistakes()
        progress["points"] = self.points[self.points_sent:]
        self.points_sent = len(self.points)
        return progress

    def _finished(self):
        if self.finished_by is None and self.step >= self.total_steps:
            self.finished_by = "epochs"
        elif self.finished_by is None and self.pace.seconds >= self.budget:
            self.finished_by = "time"
        return self.finished_by is not None

    def _finish(self):
        """Final figures on every held-out and every training image (once, when training has ended)."""
        self.test_accuracy, self.predictions = accuracy_of(self.model, self.inputs(self.x_test), self.y_test)
        self.train_accuracy, _ = accuracy_of(self.model, self.inputs(self.x_train), self.y_train)

    def _mistakes(self):
        wrong = np.flatnonzero(self.predictions != self.y_test)
        shown = wrong[:MAX_MISTAKES]
        return {"count": int(len(wrong)), "index": shown, "images": image_bytes(self.x_test[shown]),
                "predicted": self.predictions[shown], "label": self.y_test[shown]}

    def result(self):
        global _trained
        _trained = self.model
        return {
            "test_accuracy": self.test_accuracy,
            "train_accuracy": self.train_accuracy,
            "steps": self.step,
            "epochs": round(self.step / self.steps_per_epoch, 2),
            "seconds": round(self.pace.seconds, 2),
            "seconds_to_95": self.seconds_to_95,
            "finished_by": self.finished_by,
            "batch": self.batch,
            "lr": self.lr,
            "mistakes": int(np.sum(self.predictions != self.y_test)),
            "test_images": len(self.y_test),
            **self.settings(),
        }

    def settings(self):
        """The model's own settings, reported with the result."""
        return {"hidden": self.hidden, "shift": self.shift}
