"""The book's first example: learn y = 2x with a 1 -> hidden -> 1 network (ReLU, MSE, full-batch SGD)."""
import numpy as np

from demos.apps.pace import Curve, Pace
from demos.apps.settings import Number, Settings
from demos.layers import Dense, ReLU, Sequential
from demos.losses import MSE
from demos.optim import SGD
from demos.train import LossGuard, step

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
        self.guard = LossGuard(advice="学习率 {} 太大，请调小（例如 0.01）后重试。".format(self.lr))
        self.pace = Pace()
        self.epoch = 0
        self.loss = None
        self.curve = Curve()  # (epoch, loss) not yet sent, thinned to a bounded number of points
        self.done = False

    def train_step(self):
        self.loss = step(self.model, self.loss_fn, self.optimizer, X, Y, self.guard).loss
        self.epoch += 1
        self.curve.add(self.epoch, self.loss)

    def advance(self, seconds):
        self.pace.run(seconds, self.train_step, lambda: self.epoch >= self.epochs)
        self.done = self.epoch >= self.epochs
        progress = {"epoch": self.epoch, "loss": self.loss}
        if self.pace.view_due(last=self.done):
            progress["losses"] = self.curve.take()
            progress["curve"] = self.model.forward(CURVE_X, training=False).ravel()
        return progress

    def result(self):
        return {
            "loss": self.loss,
            "steps": self.epoch,
            "seconds": round(self.pace.seconds, 3),
            "prediction_at_4": float(self.model.forward(np.array([[4.0]], dtype=np.float32), training=False)[0, 0]),
        }
