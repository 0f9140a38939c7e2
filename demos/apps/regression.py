"""The book's first example: learn y = 2x with a 1 -> hidden -> 1 network (ReLU, MSE, full-batch SGD)."""
import time

import numpy as np

from demos.apps.settings import Number, Settings
from demos.layers import Dense, ReLU, Sequential
from demos.losses import MSE
from demos.optim import SGD
from demos.train import Divergence

X = np.array([[1.0], [2.0], [3.0]], dtype=np.float32)  # shape (3, 1): three samples of one feature
Y = 2 * X
CURVE_X = np.linspace(0.0, 4.0, 41, dtype=np.float32).reshape(-1, 1)

SETTINGS = Settings(
    Number("lr", "学习率", 0.01, 1e-6, 10.0),
    Number("epochs", "训练轮数", 1000, 1, 100000, integer=True),
    Number("hidden", "隐藏层大小", 10, 1, 512, integer=True),
    Number("seed", "随机种子", 0, 0, 2 ** 31 - 1, integer=True))


class Session:
    def __init__(self, params):
        v = SETTINGS.read(params)
        self.lr, self.epochs = v["lr"], v["epochs"]
        rng = np.random.RandomState(v["seed"])
        self.model = Sequential([Dense(1, v["hidden"], rng), ReLU(), Dense(v["hidden"], 1, rng)])
        self.loss_fn = MSE()
        self.optimizer = SGD(lr=self.lr)
        self.epoch = 0
        self.loss = None
        self.seconds = 0.0
        self.done = False

    def step(self):
        pred = self.model.forward(X)
        loss = self.loss_fn.forward(pred, Y)
        if not np.isfinite(loss) or loss > 1e8:
            raise Divergence("训练发散了：第 {} 轮的损失变成了 {:.3g}。学习率 {} 太大，请调小（例如 0.01）后重试。".format(
                self.epoch + 1, loss, self.lr))
        self.model.backward(self.loss_fn.backward())
        self.optimizer.step(self.model)
        self.epoch += 1
        self.loss = float(loss)
        return self.loss

    def advance(self, seconds):
        start = time.perf_counter()
        losses = []
        while self.epoch < self.epochs and time.perf_counter() - start < seconds:
            losses.append(self.step())
        self.seconds += time.perf_counter() - start
        self.done = self.epoch >= self.epochs
        return {
            "epoch": self.epoch,
            "first_epoch": self.epoch - len(losses) + 1,
            "losses": losses,
            "curve": self.model.forward(CURVE_X, training=False).ravel(),
        }

    def result(self):
        return {
            "loss": self.loss,
            "steps": self.epoch,
            "seconds": round(self.seconds, 3),
            "prediction_at_4": float(self.model.forward(np.array([[4.0]], dtype=np.float32), training=False)[0, 0]),
        }
