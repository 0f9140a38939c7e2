"""One training step, shuffled minibatches, the divergence rule and accuracy: what every demo's training shares.

One step on a batch (x, y)::

    out = model(x);  L = loss(out, y);  check L;  dL/dparams by backward;  optionally clip;  θ ← optimiser(θ, ∇θ)

A run is said to diverge when its loss is not a finite number, or grows past ``factor`` times its first value
(counted from 1 when the first loss is smaller, so that a tiny start does not make the limit tiny).
"""

import math
import time
from collections import namedtuple

import numpy as np

from .optim import clip_grad_norm


class Divergence(Exception):
    """Training blew up: the loss became NaN/inf or grew far beyond its start. The message is for the reader."""


StepResult = namedtuple("StepResult", "loss output grad_norm")


class LossGuard:
    """The one divergence rule: ``check(loss)`` raises ``Divergence`` when the loss is not finite or exceeds
    ``factor · max(first loss, 1)``. ``advice`` ends the message (e.g. which setting to lower)."""

    def __init__(self, factor=100.0, advice="请把学习率调小后重试。"):
        self.factor, self.advice = factor, advice
        self.first = None
        self.limit = None   # factor · max(first, 1), set with the first finite loss
        self.steps = 0

    def check(self, loss):
        self.steps += 1
        if self.first is None and math.isfinite(loss):
            self.first = float(loss)
            self.limit = self.factor * max(self.first, 1.0)
        if self.limit is not None and loss <= self.limit:  # False for NaN and inf
            return
        if math.isfinite(loss):
            now = "已经是 {:.3g}".format(loss)
        else:
            now = "变成了 NaN（不是一个数）" if math.isnan(loss) else "变成了无穷大"
        start = "（开始时约 {:.3g}）".format(self.first) if self.first is not None else ""
        raise Divergence("训练发散了：第 {} 步的损失{}{}。{}".format(self.steps, now, start, self.advice))


def step(model, loss_fn, optimizer, x, y, guard=None, clip_norm=None):
    """One update on the batch (x, y): forward, loss, divergence check, backward, optional clipping of the global
    gradient norm, optimiser step. Returns StepResult(loss, model output, gradient norm before clipping or None)."""
    out = model.forward(x, training=True)
    loss = float(loss_fn.forward(out, y))
    if guard is not None:
        guard.check(loss)
    model.backward(loss_fn.backward())
    norm = clip_grad_norm(model, clip_norm) if clip_norm is not None else None
    optimizer.step(model)
    return StepResult(loss, out, norm)


def batches(n, batch_size, rng):
    """Endless minibatches of indices into n examples: every epoch a new permutation cut into batches (the last one
    of an epoch may be shorter). Yields (epoch, indices) with the epoch counted from 0."""
    epoch = 0
    while True:
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            yield epoch, order[start:start + batch_size]
        epoch += 1


def accuracy(scores, labels, threshold=0.5):
    """Share of rows whose largest score is at the true label; with a single
    column, the predicted class is score > threshold (0.5 for probabilities, 0 for logits)."""
    scores = np.asarray(scores)
    if scores.shape[-1] == 1:
        pred = (scores[..., 0] > threshold).astype(np.intp)
    else:
        pred = scores.argmax(axis=-1)
    return float(np.mean(pred == np.asarray(labels).reshape(pred.shape)))


def evaluate(model, loss_fn, x, y, batch_size=500, metric=accuracy):
    """(mean loss, mean metric) of the model on (x, y) in inference mode, in chunks; the metric is None when
    ``metric`` is None (e.g. for regression)."""
    total, score = 0.0, 0.0
    for i in range(0, len(x), batch_size):
        out = model.forward(x[i:i + batch_size], training=False)
        n = len(out)
        total += loss_fn.forward(out, y[i:i + batch_size]) * n
        if metric is not None:
            score += metric(out, y[i:i + batch_size]) * n
    return total / len(x), (score / len(x) if metric is not None else None)


class Trainer:
    """Train ``model`` on (x, y) epoch by epoch with ``step`` and ``batches``.

    Callbacks receive a dict: ``on_step({"step", "epoch", "loss"})`` after each step, ``on_epoch({"epoch", "loss"})``
    with the epoch's mean loss. Either can call ``request_stop()``; the loop stops before the next step.
    ``guard`` (a LossGuard, by default one with ``explode_factor``) raises ``Divergence``.
    """

    def __init__(self, model, loss, optimizer, x, y, batch_size=32, seed=0,
                 on_step=None, on_epoch=None, clip_norm=None, explode_factor=1e4, guard=None):
        self.model, self.loss, self.optimizer = model, loss, optimizer
        self.x, self.y = x, y
        self.on_step, self.on_epoch = on_step, on_epoch
        self.clip_norm = clip_norm
        self.guard = guard or LossGuard(explode_factor)
        self.batches = batches(len(x), batch_size, np.random.RandomState(seed))
        self.step_count = 0
        self.epoch = 0
        self.history = []
        self._stop = False
        self._epoch_losses = []
        self._next = next(self.batches)

    @property
    def first_loss(self):
        return self.guard.first

    def request_stop(self):
        self._stop = True

    @property
    def stop_requested(self):
        return self._stop

    def step(self):
        """One minibatch update; returns its loss."""
        _, idx = self._next
        value = step(self.model, self.loss, self.optimizer, self.x[idx], self.y[idx], self.guard, self.clip_norm).loss
        self.step_count += 1
        self.history.append(value)
        self._epoch_losses.append(value)
        if self.on_step is not None:
            self.on_step({"step": self.step_count, "epoch": self.epoch, "loss": value})
        self._next = next(self.batches)
        if self._next[0] > self.epoch:
            self.epoch += 1
            mean = float(np.mean(self._epoch_losses))
            self._epoch_losses = []
            if self.on_epoch is not None:
                self.on_epoch({"epoch": self.epoch, "loss": mean})
        return value

    def run(self, steps=None, epochs=None, seconds=None):
        """Train until ``steps`` more steps, until ``epochs`` epochs are complete in total, until about ``seconds``
        of wall time has passed, or until a stop is requested, whichever comes first. At least one limit must be
        given. Returns {"steps": steps done in this call, "epoch", "loss": last loss, "done": True when the epochs
        are complete or a stop was requested}."""
        if steps is None and epochs is None and seconds is None:
            raise ValueError("give steps, epochs or seconds")
        start = time.time()
        done_steps, last = 0, None
        while not self._stop:
            if epochs is not None and self.epoch >= epochs:
                break
            if steps is not None and done_steps >= steps:
                break
            if seconds is not None and done_steps and time.time() - start >= seconds:
                break
            last = self.step()
            done_steps += 1
        finished = self._stop or (epochs is not None and self.epoch >= epochs)
        return {"steps": done_steps, "epoch": self.epoch, "loss": last, "done": finished}

    def evaluate(self, x, y, batch_size=500, metric=accuracy):
        return evaluate(self.model, self.loss, x, y, batch_size, metric)
