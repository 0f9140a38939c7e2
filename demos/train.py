"""The training loop: minibatches, callbacks, stopping and divergence checks.

One step: forward on a minibatch, loss, backward, optimiser update. ``run``
can be limited in steps, epochs or wall time, so that a browser worker can
train in short slices and stay responsive between them.
"""

import time

import numpy as np

from .optim import clip_grad_norm


class Divergence(Exception):
    """Training blew up: the loss became NaN/inf or grew far beyond its start."""


def accuracy(scores, labels, threshold=0.5):
    """Share of rows whose largest score is at the true label; with a single
    column, the predicted class is score > threshold (0.5 for probabilities, 0 for logits)."""
    scores = np.asarray(scores)
    if scores.shape[-1] == 1:
        pred = (scores[..., 0] > threshold).astype(np.intp)
    else:
        pred = scores.argmax(axis=-1)
    return float(np.mean(pred == np.asarray(labels).reshape(pred.shape)))


class Trainer:
    """Train ``model`` (a Layer) on (x, y) with ``loss`` and ``optimizer``.

    Callbacks receive a dict: ``on_step({"step", "epoch", "loss"})`` after each
    step, ``on_epoch({"epoch", "loss"})`` with the epoch's mean loss. Either can
    call ``request_stop()``; the loop stops before the next step.
    ``Divergence`` is raised when the loss is not finite or exceeds
    ``explode_factor`` times the first loss. ``clip_norm`` clips the global
    gradient norm before each update.
    """

    def __init__(self, model, loss, optimizer, x, y, batch_size=32, seed=0,
                 on_step=None, on_epoch=None, clip_norm=None, explode_factor=1e4):
        self.model, self.loss, self.optimizer = model, loss, optimizer
        self.x, self.y = x, y
        self.batch_size = batch_size
        self.rng = np.random.RandomState(seed)
        self.on_step, self.on_epoch = on_step, on_epoch
        self.clip_norm = clip_norm
        self.explode_factor = explode_factor
        self.step_count = 0
        self.epoch = 0
        self.history = []
        self.first_loss = None
        self._stop = False
        self._order = self.rng.permutation(len(x))
        self._pos = 0
        self._epoch_losses = []

    def request_stop(self):
        self._stop = True

    @property
    def stop_requested(self):
        return self._stop

    def step(self):
        """One minibatch update; returns its loss."""
        idx = self._order[self._pos:self._pos + self.batch_size]
        out = self.model.forward(self.x[idx], training=True)
        value = self.loss.forward(out, self.y[idx])
        self._check(value)
        self.model.backward(self.loss.backward())
        if self.clip_norm is not None:
            clip_grad_norm(self.model, self.clip_norm)
        self.optimizer.step(self.model)

        self.step_count += 1
        self.history.append(value)
        self._epoch_losses.append(value)
        self._pos += self.batch_size
        if self.on_step is not None:
            self.on_step({"step": self.step_count, "epoch": self.epoch, "loss": value})
        if self._pos >= len(self.x):
            self._end_epoch()
        return value

    def _check(self, value):
        if not np.isfinite(value):
            raise Divergence("loss became %s at step %d: lower the learning rate" % (value, self.step_count + 1))
        if self.first_loss is None:
            self.first_loss = value
        elif value > self.explode_factor * max(self.first_loss, 1e-3):
            raise Divergence("loss exploded from %.4g to %.4g at step %d: lower the learning rate"
                             % (self.first_loss, value, self.step_count + 1))

    def _end_epoch(self):
        self.epoch += 1
        mean = float(np.mean(self._epoch_losses))
        self._epoch_losses = []
        self._order = self.rng.permutation(len(self.x))
        self._pos = 0
        if self.on_epoch is not None:
            self.on_epoch({"epoch": self.epoch, "loss": mean})

    def run(self, steps=None, epochs=None, seconds=None):
        """Train until ``steps`` more steps, until ``epochs`` epochs are complete
        in total, until about ``seconds`` of wall time has passed, or until a stop
        is requested, whichever comes first. At least one limit must be given.

        Returns {"steps": steps done in this call, "epoch", "loss": last loss,
        "done": True when the epochs are complete or a stop was requested}."""
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
        """(mean loss, mean metric) on (x, y) in inference mode, without updating
        anything; the metric is None when ``metric`` is None (e.g. for regression)."""
        total, score = 0.0, 0.0
        for i in range(0, len(x), batch_size):
            out = self.model.forward(x[i:i + batch_size], training=False)
            n = len(out)
            total += self.loss.forward(out, y[i:i + batch_size]) * n
            if metric is not None:
                score += metric(out, y[i:i + batch_size]) * n
        return total / len(x), (score / len(x) if metric is not None else None)
