"""An RNN learns to continue a sine wave, and shows why gradients vanish or explode through time.

The task is many-to-one: read a window of T values x_{t-T+1..t} of sin(2π t / PERIOD), predict x_{t+1}:

    h_t = tanh(x_t W_x + h_{t-1} W_h + b),   ŷ = h_T W_y + b_y,   L = mean (ŷ - x_{T+1})²

Only the last hidden state feeds the loss, so what reaches h_t during backpropagation through time is
‖∂L/∂h_t‖ = ‖∂L/∂h_T · ∂h_T/∂h_{T-1} ⋯ ∂h_{t+1}/∂h_t‖: a product of T - t Jacobians diag(1 - h²) W_hᵀ. The demo
scales W_h to a chosen spectral radius ρ to show that product shrinking (ρ < 1) or growing (ρ > 1) with distance.
After training, the model runs free: each prediction is fed back as the next input, beyond the end of the data.
"""
import numpy as np

from demos.apps.pace import Curve, Pace
from demos.apps.settings import Choice, Flag, Number, Settings
from demos.layers import Dense, Layer
from demos.losses import MSE
from demos.optim import Adam
from demos.rnn import RNN
from demos.train import Divergence, LossGuard, batches, step

PERIOD = 20.0     # time steps per cycle of the wave
DATA_END = 400    # the series the model may see: t = 0 .. 399
TRAIN_END = 300   # training targets are t < 300; the targets t = 300 .. 399 are held out
FUTURE = 60       # free-running steps beyond the data
BATCH = 32
CLIP_NORM = 1.0
TARGET_MSE = 1e-3  # held-out one-step MSE counted as "learned" (the wave's variance is 0.5)
HEATMAP_UNITS = 32  # the page draws at most this many hidden units (keeps a redraw to a few thousand cells)
VIEW_EVERY = 0.25  # seconds of training between two snapshots of the plots

SETTINGS = Settings(
    Number("hidden", "隐藏单元数", 16, 1, 64, integer=True),
    Number("length", "序列长度 T", 20, 2, 100, integer=True),
    Number("lr", "学习率", 0.01, 1e-6, 10.0),
    Number("steps", "训练步数", 500, 1, 5000, integer=True),
    Choice("rho", "循环权重 W_hh 的初始大小", "1",
           [("0.5", "小：谱半径 ρ = 0.5"), ("1", "适中：ρ = 1"), ("3", "大：ρ = 3")],
           help="把 W_hh 缩放到给定的谱半径（最大特征值的绝对值）"),
    Flag("clip", "梯度裁剪（总范数 ≤ 1）", True),
    Number("seed", "随机种子", 0, 0, 2 ** 31 - 1, integer=True))


def wave(t):
    return np.sin(2 * np.pi * np.asarray(t, dtype=np.float64) / PERIOD)


def windows(series, targets, length):
    """Inputs series[t - length : t] (n, length, 1) and targets series[t] (n, 1) for each t in targets."""
    idx = np.asarray(targets)[:, None] + np.arange(-length, 0)
    return series[idx][..., None], series[np.asarray(targets)][:, None]


class NextValueRNN(Layer):
    """Window (N, T, 1) -> RNN -> last hidden state h_T -> Dense -> next value (N, 1).

    Backward puts dL/dh_T = dL/dŷ W_yᵀ at the last step and zeros elsewhere; the RNN's BPTT does the rest.
    """

    def __init__(self, hidden, rng, spectral_radius):
        super().__init__()
        self.rnn = RNN(1, hidden, rng)
        Wh = self.rnn.params["Wh"]
        rho = float(np.max(np.abs(np.linalg.eigvals(Wh.astype(np.float64)))))
        Wh *= spectral_radius / rho
        self.readout = Dense(hidden, 1, rng)

    def children(self):
        return [("rnn", self.rnn), ("readout", self.readout)]

    def forward(self, x, training=True, h0=None):
        self.states = self.rnn.forward(x, training, h0=h0)
        return self.readout.forward(self.states[:, -1], training)

    def backward(self, dy):
        dH = np.zeros_like(self.states)
        dH[:, -1] = self.readout.backward(dy)
        return self.rnn.backward(dH)

    def run_free(self, window, n):
        """Read one window (T,), then feed each prediction back as the next input for n steps."""
        pred = self.forward(window.reshape(1, -1, 1), training=False)
        h = self.states[:, -1]
        out = []
        for _ in range(n):
            out.append(float(pred[0, 0]))
            pred = self.forward(pred.reshape(1, 1, 1), training=False, h0=h)
            h = self.states[:, -1]
        return np.array(out)


class Session:
    def __init__(self, params):
        v = SETTINGS.read(params)
        self.hidden, self.length, self.lr, self.steps = v["hidden"], v["length"], v["lr"], v["steps"]
        self.rho, self.clip = float(v["rho"]), v["clip"]
        self.rng = np.random.RandomState(v["seed"])
        # float64: with float32 the gradient of a long sequence underflows to zero (and subnormal numbers are
        # slow), so the plot of the vanishing gradient would end in a flat line at 0
        self.model = NextValueRNN(self.hidden, self.rng, self.rho).astype(np.float64)
        self.loss_fn = MSE()
        self.optimizer = Adam(self.lr)
        self.batches = batches(TRAIN_END - self.length, BATCH, self.rng)
        # targets lie in [-1, 1]: a squared error a thousand times the start's means the weights blew up
        self.guard = LossGuard(1000, advice="学习率 {} 太大，请调小（例如 0.01）；如果循环权重的谱半径 ρ 较大，"
                                            "也请打开梯度裁剪。".format(self.lr))
        self.pace = Pace(VIEW_EVERY)
        self.curve = Curve()

        self.series = wave(np.arange(DATA_END))
        self.train_targets = np.arange(self.length, TRAIN_END)
        self.x_test, self.y_test = windows(self.series, np.arange(TRAIN_END, DATA_END), self.length)
        self.future = wave(np.arange(DATA_END, DATA_END + FUTURE))

        self.step_count = 0
        self.loss = None
        self.grad_norm = None
        self.norms_init = None
        self.eval_loss = None
        self.free_loss = None
        self.seconds_to_target = None
        self.done = False

    def train_step(self):
        _, idx = next(self.batches)
        x, y = windows(self.series, self.train_targets[idx], self.length)
        # with clipping off, an infinite bound still returns the norm, which the page plots
        done = step(self.model, self.loss_fn, self.optimizer, x, y, self.guard, CLIP_NORM if self.clip else float("inf"))
        if not np.isfinite(done.grad_norm):
            raise Divergence(
                "梯度爆炸：第 {} 步的梯度范数变成了 {}。请打开梯度裁剪，或把谱半径 ρ 调小、序列调短。".format(
                    self.step_count + 1, done.grad_norm))
        if self.norms_init is None:
            self.norms_init = self.model.rnn.grad_norms.copy()
        self.step_count += 1
        self.loss, self.grad_norm = done.loss, done.grad_norm
        self.curve.add(self.step_count, self.loss)
        return self.loss

    def evaluate(self):
        self.eval_loss = self.loss_fn.forward(self.model.forward(self.x_test, training=False), self.y_test)
        if self.seconds_to_target is None and self.eval_loss < TARGET_MSE:
            self.seconds_to_target = self.pace.seconds

    def view(self):
        """What the plots show now: held-out and free-running predictions, hidden states, gradient norms."""
        self.evaluate()
        teacher = self.model.forward(self.x_test, training=False)[:, 0]
        free = self.model.run_free(self.series[DATA_END - self.length:], FUTURE)
        self.free_loss = float(np.mean((free - self.future) ** 2))
        # the hidden states while reading the last window of the data (the start of the free run)
        self.model.forward(self.series[None, DATA_END - self.length:, None], training=False)
        hidden = self.model.states[0, :, :HEATMAP_UNITS].T
        return {
            "eval_loss": self.eval_loss,
            "free_loss": self.free_loss,
            "teacher": np.round(teacher, 4),
            "free": np.round(free, 4),
            "hidden": np.round(hidden, 2),
            "grad_norms": self.model.rnn.grad_norms,
            "grad_norms_init": self.norms_init,
        }

    def advance(self, seconds):
        first = self.step_count == 0
        self.pace.run(seconds, self.train_step, lambda: self.step_count >= self.steps)
        self.done = self.step_count >= self.steps
        progress = {"step": self.step_count, "loss": self.loss, "grad_norm": self.grad_norm}
        if first:
            t = np.arange(TRAIN_END, DATA_END + FUTURE)
            progress["data"] = {"t0": TRAIN_END, "data_end": DATA_END, "truth": np.round(wave(t), 4)}
        if self.pace.view_due(last=self.done):
            progress["losses"] = self.curve.take()
            progress["view"] = self.view()
        return progress

    def result(self):
        if self.eval_loss is None:
            self.view()
        return {
            "loss": self.eval_loss,
            "free_run_loss": self.free_loss,
            "free_run_steps": FUTURE,
            "train_loss": self.loss,
            "target_loss": TARGET_MSE,
            "steps": self.step_count,
            "seconds": round(self.pace.seconds, 3),
            "seconds_to_target": None if self.seconds_to_target is None else round(self.seconds_to_target, 3),
            # ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ at the last step: far below 1 when the gradient vanishes on its way back
            "gradient_ratio": float(self.model.rnn.grad_norms[0] / max(self.model.rnn.grad_norms[-1], 1e-30)),
        }
