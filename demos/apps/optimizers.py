"""A race of gradient descent, Momentum and Adam on a 2-D loss surface.

Each optimiser of the core moves its own copy of the point θ = (x, y) with ``opt.update("theta", θ, ∇f(θ))``,
all from the same start, one step each in turn. An optimiser whose loss blows up is stopped and the page says
why; the others run on. Every surface has its minimum at f = 0, so the loss curves can use a log scale.
"""
import math

import numpy as np

from demos.apps.pace import Pace
from demos.apps.settings import Choice, Number, Settings, bound_text
from demos.optim import SGD, Adam, Momentum
from demos.train import Divergence, LossGuard

NAMES = {"gd": "GD", "momentum": "Momentum", "adam": "Adam"}  # GD: plain gradient descent
CURVATURE = 50.0  # of the quadratic along y; along x it is 1: condition number 50
GRID_SIZE = 60
BLOW_UP = 1e4  # a loss this many times the start's (or any non-finite value) counts as divergence


def quadratic(x, y):
    """f = (x² + 50 y²) / 2, ∇f = (x, 50 y): a long narrow valley (condition number 50)."""
    return 0.5 * (x * x + CURVATURE * y * y), (x, CURVATURE * y)


def rosenbrock(x, y):
    """f = (1 - x)² + 100 (y - x²)², ∇f = (-2 (1 - x) - 400 x (y - x²), 200 (y - x²)); minimum at (1, 1)."""
    r = y - x * x
    return (1 - x) ** 2 + 100 * r * r, (-2 * (1 - x) - 400 * x * r, 200 * r)


def saddle(x, y):
    """f = x²/2 + y⁴/4 - y²/2 + 1/4, ∇f = (x, y³ - y): a saddle at (0, 0), minima at (0, ±1)."""
    return 0.5 * x * x + 0.25 * y ** 4 - 0.5 * y * y + 0.25, (x, y ** 3 - y)


# name: (function, view extent (x0, x1, y0, y1), points to mark on the map)
SURFACES = {
    "quadratic": (quadratic, (-5.0, 5.0, -2.0, 2.0), [(0.0, 0.0, "最小值")]),
    "rosenbrock": (rosenbrock, (-2.0, 2.0, -1.0, 3.0), [(1.0, 1.0, "最小值")]),
    "saddle": (saddle, (-2.5, 2.5, -2.0, 2.0), [(0.0, 1.0, "最小值"), (0.0, -1.0, "最小值"), (0.0, 0.0, "鞍点")]),
}


# The start point's declared range covers every surface's view; each surface then checks its own view.
SETTINGS = Settings(
    Choice("surface", "曲面", "quadratic", [("quadratic", "病态二次函数"), ("rosenbrock", "Rosenbrock"), ("saddle", "鞍点")]),
    Number("lr_gd", "GD 学习率", 0.035, 1e-8, 100.0),
    Number("lr_momentum", "Momentum 学习率", 0.035, 1e-8, 100.0),
    Number("beta", "Momentum β", 0.9, 0.0, 0.999),
    Number("lr_adam", "Adam 学习率", 0.1, 1e-8, 100.0),
    Number("beta1", "Adam β1", 0.9, 0.0, 0.999),
    Number("beta2", "Adam β2", 0.999, 0.0, 0.99999),
    Number("steps", "步数", 150, 1, 20000, integer=True),
    Number("x0", "起点 x", -4.0, -5.0, 5.0),
    Number("y0", "起点 y", 1.5, -2.0, 3.0))


def surface_grid(f, extent, size=GRID_SIZE):
    """log10(f + 1e-3) on a size × size grid over the extent, row by row from the top (largest y), flattened."""
    x0, x1, y0, y1 = extent
    xs = np.linspace(x0, x1, size)
    ys = np.linspace(y1, y0, size)
    gx, gy = np.meshgrid(xs, ys)
    values, _ = f(gx, gy)
    return np.round(np.log10(values + 1e-3), 3).ravel()


def why_diverged(name, surface, lr, beta):
    if surface == "quadratic" and name == "gd":
        return ("在最陡的方向上曲率是 {:g}，梯度下降只有在学习率小于 2/{:g} = {:g} 时才稳定；"
                "现在的学习率 {:g} 让每一步都越过谷底、落到更高的另一侧。请把学习率调到 {:g} 以下。").format(
            CURVATURE, CURVATURE, 2 / CURVATURE, lr, 2 / CURVATURE)
    if surface == "quadratic" and name == "momentum":
        bound = 2 * (1 + beta) / CURVATURE
        return ("动量把步子放大了：β = {:g} 时，学习率必须小于 2(1 + β)/{:g} = {:.4g} 才稳定，现在是 {:g}。"
                "请调小学习率或 β。").format(beta, CURVATURE, bound, lr)
    return ("学习率 {:g} 对这个曲面太大：在谷壁陡峭的地方一步迈得太远，越过谷底后那里的梯度更大，"
            "下一步迈得更远。请把学习率调小（例如减半）后重试。").format(lr)


class Runner:
    """One optimiser on the surface: its point, its loss and whether it has blown up."""

    def __init__(self, name, optimizer, start, f):
        self.name, self.optimizer, self.f = name, optimizer, f
        self.theta = np.array(start, dtype=np.float64)
        self.loss = float(f(*self.theta)[0])
        self.first_loss = self.loss
        self.guard = LossGuard(BLOW_UP)
        self.guard.check(self.loss)
        self.steps = 0
        self.diverged = None  # message once the run has blown up

    def step(self):
        with np.errstate(all="ignore"):
            _, grad = self.f(*self.theta)
            self.optimizer.update("theta", self.theta, np.array(grad, dtype=np.float64))
            loss = float(self.f(*self.theta)[0])
        self.steps += 1
        self.loss = loss
        try:
            self.guard.check(loss)
        except Divergence:
            return False
        return True


class Session:
    def __init__(self, params):
        v = SETTINGS.read(params)
        self.surface, self.steps, self.beta = v["surface"], v["steps"], v["beta"]
        self.f, self.extent, self.marks = SURFACES[self.surface]
        x0, x1, y0, y1 = self.extent
        for name, low, high in (("x0", x0, x1), ("y0", y0, y1)):
            if not low <= v[name] <= high:
                SETTINGS[name].fail("在这个曲面上必须在 {} 到 {} 之间（现在是 {:g}）。".format(
                    bound_text(low), bound_text(high), v[name]))
        start = (v["x0"], v["y0"])
        lrs = {name: v["lr_" + name] for name in NAMES}
        optimizers = {
            "gd": SGD(lrs["gd"]),
            "momentum": Momentum(lrs["momentum"], beta=self.beta),
            "adam": Adam(lrs["adam"], beta1=v["beta1"], beta2=v["beta2"]),
        }
        self.lrs = lrs
        self.runners = [Runner(name, opt, start, self.f) for name, opt in optimizers.items()]
        self.step_count = 0
        self.grid_sent = False
        self.pace = Pace()
        self.done = False
        # The race is drawn as it runs: at most this many steps per update, so that a short race still animates.
        self.chunk = max(1, int(math.ceil(self.steps / 60.0)))

    def running(self):
        return [r for r in self.runners if r.diverged is None]

    def advance(self, seconds):
        first = self.step_count
        paths = {r.name: [] for r in self.runners}
        losses = {r.name: [] for r in self.runners}
        if first == 0:
            for r in self.runners:
                paths[r.name].append(np.round(r.theta, 5))
                losses[r.name].append(r.loss)
        diverged = {}

        def step_all():
            for r in self.running():
                if r.step():
                    paths[r.name].append(np.round(r.theta, 5))
                    losses[r.name].append(r.loss)
                else:
                    r.diverged = "{} 在第 {} 步发散（损失从 {:.3g} 变成 {:.3g}）：{}".format(
                        NAMES[r.name], r.steps, r.first_loss, r.loss,
                        why_diverged(r.name, self.surface, self.lrs[r.name], self.beta))
                    diverged[r.name] = r.diverged
            self.step_count += 1

        self.pace.run(seconds, step_all, lambda: (self.step_count >= self.steps or not self.running()
                                                  or self.step_count - first >= self.chunk))
        if not self.running():
            raise Divergence("三个优化器都发散了。" + " ".join(r.diverged for r in self.runners))
        self.done = self.step_count >= self.steps
        progress = {"step": self.step_count, "first": first, "paths": paths, "losses": losses,
                    "diverged": diverged}
        if not self.grid_sent:
            progress["grid"] = {"values": surface_grid(self.f, self.extent), "size": GRID_SIZE,
                                "extent": self.extent, "surface": self.surface, "marks": self.marks}
            self.grid_sent = True
        return progress

    def result(self):
        optimizers = {}
        for r in self.runners:
            optimizers[r.name] = {
                "loss": r.loss if r.diverged is None else None,
                "position": [float(v) for v in r.theta] if r.diverged is None else None,
                "steps": r.steps,
                "diverged": r.diverged is not None,
            }
        ranked = sorted((r for r in self.runners if r.diverged is None), key=lambda r: r.loss)
        return {
            "surface": self.surface,
            "steps": self.step_count,
            "seconds": round(self.pace.seconds, 4),
            "optimizers": optimizers,
            "best": ranked[0].name,
            "diverged": {r.name: r.diverged for r in self.runners if r.diverged is not None},
        }
