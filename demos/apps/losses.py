"""Three losses of one prediction, as a function of the model's raw score (the logit z), with their gradients dL/dz.

* MSE on the probability: p = σ(z) through the core's Sigmoid layer, then MSE(p, y); dL/dz by backpropagating
  through both, which multiplies by σ'(z) = p (1 - p): the gradient dies when the sigmoid saturates.
* Binary cross-entropy on the logit: dL/dz = σ(z) - y, never smaller than the error itself.
* Softmax cross-entropy over K classes with logits (z, 0, ..., 0): class 0 is the true class when y = 1,
  class 1 when y = 0; dL/dz = softmax(z)_0 - [y = 1].

Every point is one example (a batch of one), so the gradients are per example.
"""
import numpy as np

from demos.apps.pace import Pace
from demos.apps.settings import Choice, Number, Settings
from demos.layers import Sigmoid
from demos.losses import MSE, BinaryCrossEntropy, SoftmaxCrossEntropy

Z_MIN, Z_MAX, Z_STEP = -8.0, 8.0, 0.05
GRID = np.round(np.linspace(Z_MIN, Z_MAX, int(round((Z_MAX - Z_MIN) / Z_STEP)) + 1), 10)
LOSSES = ("mse", "bce", "softmax_ce")
SETTINGS = Settings(
    Choice("target", "真实标签 y", "1", [("1", "y = 1（正类）"), ("0", "y = 0（负类）")]),
    Number("classes", "softmax 的类别数 K", 3, 2, 10, integer=True),
    Number("z", "预测的 logit z（也可以在图上拖动）", -4.0, Z_MIN, Z_MAX, step=Z_STEP, slider=True))


def mse_on_probability(z, y):
    sigmoid, loss = Sigmoid(), MSE()
    value = loss.forward(sigmoid.forward(np.array([[z]])), np.array([[y]]))
    return value, float(sigmoid.backward(loss.backward())[0, 0])


def binary_cross_entropy(z, y):
    loss = BinaryCrossEntropy(from_logits=True)
    value = loss.forward(np.array([[z]]), np.array([[y]]))
    return value, float(loss.backward()[0, 0])


def softmax_cross_entropy(z, y, classes):
    logits = np.zeros((1, classes))
    logits[0, 0] = z
    loss = SoftmaxCrossEntropy()
    value = loss.forward(logits, np.array([0 if y == 1 else 1]))
    return value, float(loss.backward()[0, 0])


def evaluate(z, y, classes):
    """{loss name: (L, dL/dz)} at one logit z."""
    return {
        "mse": mse_on_probability(z, y),
        "bce": binary_cross_entropy(z, y),
        "softmax_ce": softmax_cross_entropy(z, y, classes),
    }


class Session:
    def __init__(self, params):
        v = SETTINGS.read(params)
        self.z, self.y, self.classes = v["z"], int(v["target"]), v["classes"]
        self.curves = {name: {"loss": [], "grad": []} for name in LOSSES}
        self.probability = []  # p = σ(z) at each grid point, for the page's readout
        self.index = 0
        self.pace = Pace()
        self.done = False

    def _next_point(self):
        for name, (value, grad) in evaluate(float(GRID[self.index]), self.y, self.classes).items():
            self.curves[name]["loss"].append(round(value, 6))
            self.curves[name]["grad"].append(round(grad, 6))
        self.probability.append(round(float(Sigmoid().forward(GRID[self.index:self.index + 1])[0]), 6))
        self.index += 1

    def advance(self, seconds):
        first = self.index
        self.pace.run(seconds, self._next_point, lambda: self.index >= len(GRID))
        self.done = self.index >= len(GRID)
        return {
            "z_min": Z_MIN, "z_max": Z_MAX, "z_step": Z_STEP, "first": first, "count": self.index,
            "z": GRID[first:self.index],
            "p": self.probability[first:],
            "curves": {name: {k: v[first:] for k, v in c.items()} for name, c in self.curves.items()},
        }

    def result(self):
        values = evaluate(self.z, self.y, self.classes)
        return {
            "z": self.z,
            "p": float(Sigmoid().forward(np.array([self.z]))[0]),
            "target": self.y,
            "classes": self.classes,
            "values": {name: [float(v), float(g)] for name, (v, g) in values.items()},
            "points": len(GRID),
            "steps": len(GRID),
            "seconds": round(self.pace.seconds, 4),
        }
