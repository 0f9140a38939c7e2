"""Scaling laws in the page: four GPT sizes learn the same characters of the book, and a power law fits their losses.

Every size (demos/gpt.py) trains for the same number of steps on the same windows of the book (the same token
stream, the same seed), so they all see the same D tokens. Along the way each is measured on the same validation
windows at steps spaced evenly on a log scale. Then:

    N = parameters outside the embeddings (the convention of Kaplan et al., 2020)
    C = 6 N D                              compute of training: about 6 floating-point operations per parameter
                                           and token (2 forward, 4 backward)
    L(N) = a N^(-alpha) + c                fitted to the final validation losses (fit_power_law)

and for a fixed compute budget C*, each size's validation loss when it had used C* (interpolated in log C between
its measurements): with a small budget, a smaller model that saw more tokens can beat a bigger one that saw fewer.

Characters: the RARE_SHARE of rarest characters become one "rare character" token, so that the vocabulary stays at
VOCAB ids and the compute goes into the blocks rather than into the output layer.
"""
import math
import time

import numpy as np

from demos.apps import InputError
from demos.apps.settings import Choice, Number, Settings
from demos.gpt import GPT, cross_entropy
from demos.optim import AdamW, clip_grad_norm
from demos.text import TopCharVocab, load_corpus
from demos.train import Divergence

VOCAB = 256                 # the 255 most frequent characters of the training text + one id for all the others
CONTEXT = 32
BATCH = 16
LR = 0.005
CLIP_NORM = 1.0
VAL_WINDOWS = 16
EVALS = 8                   # validation measurements per size, at steps spaced evenly on a log scale

# (width, layers, heads) of the four sizes
PRESETS = {
    "width": [(8, 1, 2), (16, 1, 2), (32, 1, 2), (64, 1, 4)],
    "deep": [(16, 1, 2), (24, 2, 2), (32, 2, 4), (48, 2, 4)],
}

SETTINGS = Settings(
    Choice("sizes", "四个模型的大小", "width", [
        ("width", "1 层，宽度 8、16、32、64"),
        ("deep", "宽度 16 到 48，1 到 2 层")]),
    Number("steps", "每个模型的训练步数", 80, 10, 2000, integer=True,
           help="每步 {} 个窗口 × {} 个字符；四个模型读到的是同样的字符".format(BATCH, CONTEXT)),
    Number("budget", "固定的计算预算（GFLOP）", 0.1, 0.001, 1e6,
           help="比较四个模型在用掉同样多的计算（6ND 次浮点运算）时的验证损失"),
    Number("seed", "随机种子", 0, 0, 2 ** 31 - 1, integer=True),
)


def non_embedding_params(model):
    """N: the parameters of the blocks and the final normalisation (the embeddings and the output bias, which grow with
    the vocabulary and the context rather than with the model, are left out)."""
    return model.n_params() - model.tok.params["W"].size - model.pos.params["W"].size - model.params["b"].size


def block_params(width, layers):
    """N of a size without building it: per block 12 d^2 + 13 d (attention 4 d^2 + 4 d, feed-forward 8 d^2 + 5 d,
    two layer norms 4 d), plus 2 d for the final layer norm."""
    return layers * (12 * width * width + 13 * width) + 2 * width


def fit_power_law(n, loss, grid=400):
    """Fit L = a N^(-alpha) + c by a grid over c in [0, min L): for each c, least squares of
    log(L - c) = log a - alpha log N; keep the c whose fitted curve has the smallest squared error in L.
    Returns {"a", "alpha", "c", "rmse"}."""
    n, loss = np.asarray(n, dtype=np.float64), np.asarray(loss, dtype=np.float64)
    if len(n) < 3 or not np.all(np.isfinite(loss)) or np.any(n <= 0):
        raise ValueError("need at least three finite losses and positive sizes")
    x = np.log(n)
    design = np.stack([np.ones_like(x), -x], axis=1)
    best = None
    for c in np.linspace(0.0, loss.min(), grid, endpoint=False):
        coef = np.linalg.lstsq(design, np.log(loss - c), rcond=None)[0]
        fitted = np.exp(coef[0]) * n ** (-coef[1]) + c
        err = float(np.mean((fitted - loss) ** 2))
        if best is None or err < best[0]:
            best = (err, float(np.exp(coef[0])), float(coef[1]), float(c))
    err, a, alpha, c = best
    return {"a": a, "alpha": alpha, "c": c, "rmse": math.sqrt(err)}


def loss_at_compute(compute, losses, budget):
    """The loss at compute ``budget``, interpolated linearly in log compute between measurements (None outside)."""
    compute, losses = np.asarray(compute, dtype=np.float64), np.asarray(losses, dtype=np.float64)
    if budget < compute[0] or budget > compute[-1]:
        return None
    return float(np.interp(np.log(budget), np.log(compute), losses))


_kept = None  # the largest size of the last finished experiment (its weights can be downloaded: model_export.py)


def trained_model():
    return _kept


class Session:
    def __init__(self, params):
        v = SETTINGS.read(params)
        self.values = v
        self.sizes = PRESETS[v["sizes"]]
        self.steps_each = v["steps"]
        self.tokens = self.steps_each * BATCH * CONTEXT                      # D, the same for every size
        self.checkpoints = sorted(set(int(round(s)) for s in np.geomspace(1, self.steps_each, EVALS)))
        self.n = [block_params(w, l) for w, l, _ in self.sizes]
        self.budget = v["budget"] * 1e9
        per_step = 6.0 * BATCH * CONTEXT
        reach = [(per_step * n * self.checkpoints[0], per_step * n * self.steps_each) for n in self.n]
        if sum(lo <= self.budget <= hi for lo, hi in reach) < 2:
            raise InputError("计算预算 {:g} GFLOP 只有不到两个模型能比较：每个模型测得到的计算量是 {}（GFLOP，"
                             "从第一次测量到训练结束）。请选一个至少落在两个区间里的预算，或改变训练步数。".format(
                                 v["budget"], "、".join("{:.3g}–{:.3g}".format(lo / 1e9, hi / 1e9) for lo, hi in reach)))
        corpus = load_corpus()
        self.vocab = TopCharVocab(corpus.train, VOCAB)
        self.coverage = self.vocab.coverage(corpus.train)
        self.train_ids = self.vocab.encode(corpus.train)
        val_ids = self.vocab.encode(corpus.validation)
        starts = np.linspace(0, len(val_ids) - CONTEXT - 1, VAL_WINDOWS).astype(np.int64)
        windows = val_ids[starts[:, None] + np.arange(CONTEXT + 1)]
        self.val_x, self.val_y = windows[:, :-1], windows[:, 1:]
        self.curves = [{"index": i, "width": w, "layers": l, "heads": h, "params": n, "compute": [], "steps": [], "val_loss": []}
                       for i, ((w, l, h), n) in enumerate(zip(self.sizes, self.n))]
        self.index = -1
        self.seconds = 0.0
        self.done = False
        self.fit = None
        self.next_model()

    def next_model(self):
        """Start the next size with the same seed: same initial random stream, same training windows."""
        self.index += 1
        if self.index == len(self.sizes):
            return
        width, layers, heads = self.sizes[self.index]
        rng = np.random.RandomState(self.values["seed"])
        self.model = GPT(self.vocab.size, CONTEXT, width, layers, heads, rng)
        assert non_embedding_params(self.model) == self.n[self.index]
        self.optimizer = AdamW(LR, beta2=0.99, weight_decay=0.01)
        self.data_rng = np.random.RandomState(self.values["seed"] + 1)
        self.step = 0

    def train_step(self):
        starts = self.data_rng.randint(0, len(self.train_ids) - CONTEXT - 1, size=BATCH)
        windows = self.train_ids[starts[:, None] + np.arange(CONTEXT + 1)]
        loss, dz = cross_entropy(self.model.forward(windows[:, :-1]), windows[:, 1:])
        if not math.isfinite(loss):
            raise Divergence("训练发散了：模型 {} 第 {} 步的损失不是有限的数。请换一个随机种子再试。".format(
                self.index + 1, self.step + 1))
        self.model.backward(dz)
        clip_grad_norm(self.model, CLIP_NORM)
        self.optimizer.step(self.model)
        self.step += 1

    def evaluate(self):
        loss = cross_entropy(self.model.forward(self.val_x, training=False), self.val_y)[0]
        curve = self.curves[self.index]
        curve["steps"].append(self.step)
        curve["compute"].append(6.0 * curve["params"] * self.step * BATCH * CONTEXT)
        curve["val_loss"].append(loss)
        return loss

    def advance(self, seconds):
        start = time.perf_counter()
        new = []
        while self.index < len(self.sizes) and time.perf_counter() - start < seconds:
            self.train_step()
            if self.step in self.checkpoints:
                self.evaluate()
                new.append(self.index)
            if self.step == self.steps_each:
                self.next_model()
        self.seconds += time.perf_counter() - start
        self.done = self.index == len(self.sizes)
        progress = {"model": min(self.index, len(self.sizes) - 1), "step": self.step if not self.done else self.steps_each,
                    "steps": self.steps_each, "seconds": round(self.seconds, 3),
                    "curves": [self.curves[i] for i in sorted(set(new))]}
        if self.done:
            self.finish()
            progress["fit"] = self.fit
        return progress

    def finish(self):
        global _kept
        _kept = self.model  # the last size trained, the largest
        final = [c["val_loss"][-1] for c in self.curves]
        try:
            self.fit = fit_power_law(self.n, final)
        except (ValueError, np.linalg.LinAlgError):
            self.fit = None
        self.at_budget = [loss_at_compute(c["compute"], c["val_loss"], self.budget) for c in self.curves]
        known = [(loss, i) for i, loss in enumerate(self.at_budget) if loss is not None]
        self.winner = min(known)[1] if known else None

    def result(self):
        return {
            "sizes": [{"width": c["width"], "layers": c["layers"], "heads": c["heads"], "params": c["params"],
                       "val_loss": c["val_loss"][-1], "compute": c["compute"][-1]} for c in self.curves],
            "curves": self.curves,
            "tokens": self.tokens,
            "steps": self.steps_each,
            "vocab": self.vocab.size,
            "coverage": round(self.coverage, 4),
            "fit": self.fit,
            "alpha": None if self.fit is None else self.fit["alpha"],
            "budget": self.budget,
            "budget_losses": self.at_budget,
            "budget_tokens": [self.budget / (6.0 * n) for n in self.n],
            "winner": self.winner,
            "seconds": round(self.seconds, 3),
        }
