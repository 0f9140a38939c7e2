"""Sigmoid, ReLU and tanh with their derivatives, read off the core's activation layers.

The derivative is what backpropagation sees: ``backward(dy)`` with dy = 1 returns f'(x) element by element.
The page gets the curves once on a fixed grid and looks values up there as the reader moves x, so the page
does no maths of its own.
"""
import time

import numpy as np

from demos.apps.settings import Number, Settings
from demos.layers import ReLU, Sigmoid, Tanh

X_MIN, X_MAX, X_STEP = -6.0, 6.0, 0.05
GRID = np.round(np.linspace(X_MIN, X_MAX, int(round((X_MAX - X_MIN) / X_STEP)) + 1), 10)
ACTIVATIONS = {"sigmoid": Sigmoid, "relu": ReLU, "tanh": Tanh}
SETTINGS = Settings(Number("x", "输入 x（也可以在图上拖动）", 1.0, X_MIN, X_MAX, step=X_STEP, slider=True))


def evaluate(name, x):
    """(f(x), f'(x)) from a fresh layer: forward, then backward with dL/dy = 1."""
    layer = ACTIVATIONS[name]()
    x = np.asarray(x, dtype=np.float64)
    y = layer.forward(x)
    return y, layer.backward(np.ones_like(x))


class Session:
    def __init__(self, params):
        self.x = SETTINGS.read(params)["x"]
        self.done = False
        self.seconds = 0.0

    def advance(self, seconds):
        start = time.perf_counter()
        curves = {}
        for name in ACTIVATIONS:
            y, dy = evaluate(name, GRID)
            curves[name] = {"f": np.round(y, 6), "df": np.round(dy, 6)}
        self.done = True
        self.seconds += time.perf_counter() - start
        return {"x_min": X_MIN, "x_max": X_MAX, "x_step": X_STEP, "x": GRID, "curves": curves}

    def result(self):
        values = {}
        for name in ACTIVATIONS:
            y, dy = evaluate(name, [self.x])
            values[name] = [float(y[0]), float(dy[0])]
        return {"x": self.x, "values": values, "points": len(GRID), "steps": 1, "seconds": round(self.seconds, 4)}
