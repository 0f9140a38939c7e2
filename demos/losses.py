"""Loss functions: ``forward(pred, target) -> float`` then ``backward() -> dL/dpred``.

Every loss is the mean over the examples (and over positions, for sequences),
so the learning rate does not depend on the batch size. The gradient has the
dtype of ``pred``.
"""

import numpy as np

from . import backend
from .layers import sigmoid


class MSE:
    """Mean squared error: L = (1/M) Σ_i (p_i - t_i)²,  dL/dp = 2 (p - t) / M,
    with M the number of elements."""

    def forward(self, pred, target):
        self._pred = pred
        self._diff = pred - np.asarray(target, dtype=pred.dtype).reshape(pred.shape)
        return float(np.mean(self._diff * self._diff))

    def backward(self):
        return (2 * self._diff / self._diff.size).astype(self._pred.dtype, copy=False)


class BinaryCrossEntropy:
    """L = -(1/M) Σ_i [t_i log p_i + (1 - t_i) log(1 - p_i)].

    With ``from_logits=False`` the prediction is a probability p (the output of
    a Sigmoid), clipped to [eps, 1 - eps]; dL/dp = (p - t) / (p (1 - p)) / M.
    With ``from_logits=True`` the prediction is the logit z, p = σ(z), and the
    loss is computed as max(z, 0) - z t + log(1 + e^{-|z|}), which never
    overflows; then dL/dz = (σ(z) - t) / M.
    """

    def __init__(self, from_logits=False, eps=1e-7):
        self.from_logits = from_logits
        self.eps = eps

    def forward(self, pred, target):
        t = np.asarray(target, dtype=pred.dtype).reshape(pred.shape)
        self._pred, self._t = pred, t
        if self.from_logits:
            z = pred
            losses = np.maximum(z, 0) - z * t + np.log1p(backend.exp(-np.abs(z)))
        else:
            p = np.clip(pred, self.eps, 1 - self.eps)
            losses = -(t * np.log(p) + (1 - t) * np.log(1 - p))
        return float(np.mean(losses))

    def backward(self):
        pred, t = self._pred, self._t
        if self.from_logits:
            grad = (sigmoid(pred) - t) / pred.size
        else:
            p = np.clip(pred, self.eps, 1 - self.eps)
            grad = (p - t) / (p * (1 - p)) / pred.size
        return grad.astype(pred.dtype, copy=False)


class SoftmaxCrossEntropy:
    """Softmax followed by cross-entropy, fused for stability.

    For logits z (..., K) and integer labels y (...):
    L = (1/M) Σ_n [log Σ_j e^{z_nj} - z_{n,y_n}], with the log-sum-exp computed as
    m + log Σ_j e^{z_j - m}, m = max_j z_j, so that large logits cannot overflow.
    dL/dz = (softmax(z) - onehot(y)) / M. ``target`` may also be a probability
    distribution with the shape of the logits (soft labels).
    After ``forward``, ``probs`` holds softmax(z).
    """

    def forward(self, logits, target):
        z = logits
        m = z.max(axis=-1, keepdims=True)
        shifted = z - m
        log_sum = np.log(backend.exp(shifted).sum(axis=-1, keepdims=True))
        log_probs = shifted - log_sum
        self.probs = backend.exp(log_probs)
        target = np.asarray(target)
        if target.shape == z.shape:
            self._target = target.astype(z.dtype)
        else:
            self._target = np.zeros_like(z)
            np.put_along_axis(self._target, target.astype(np.intp)[..., None], 1, axis=-1)
        self._m = int(np.prod(z.shape[:-1]))
        return float(-(self._target * log_probs).sum() / self._m)

    def backward(self):
        return ((self.probs - self._target) / self._m).astype(self.probs.dtype, copy=False)
