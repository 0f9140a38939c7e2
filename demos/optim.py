"""Optimisers. ``update(key, param, grad)`` changes one array in place and keeps
its state (velocity, moments, step count) under ``key``; ``step(model)`` does
that for every parameter of a model (any Layer, e.g. a Sequential).

Notation: θ parameter, g = dL/dθ, η learning rate, t = 1, 2, ... the step.
"""

import numpy as np


class Optimizer:
    def __init__(self, lr):
        self.lr = lr
        self.state = {}

    def step(self, model):
        for key, param, grad in model.parameters():
            self.update(key, param, grad)

    def reset(self):
        self.state = {}


class SGD(Optimizer):
    """θ ← θ - η g."""

    def update(self, key, param, grad):
        param -= self.lr * grad


class Momentum(Optimizer):
    """Heavy-ball momentum: v ← β v + g,  θ ← θ - η v  (v starts at 0).

    v is a running sum of past gradients; along a direction where g keeps its
    sign the step grows towards η g / (1 - β).
    """

    def __init__(self, lr, beta=0.9):
        super().__init__(lr)
        self.beta = beta

    def update(self, key, param, grad):
        v = self.state.get(key)
        if v is None:
            v = self.state[key] = np.zeros_like(param)
        v *= self.beta
        v += grad
        param -= self.lr * v


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015):

    m ← β1 m + (1 - β1) g,       v ← β2 v + (1 - β2) g²
    m̂ = m / (1 - β1^t),          v̂ = v / (1 - β2^t)     (bias correction: m, v start at 0)
    θ ← θ - η m̂ / (√v̂ + ε)
    """

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps

    def update(self, key, param, grad):
        s = self.state.get(key)
        if s is None:
            s = self.state[key] = {"t": 0, "m": np.zeros_like(param), "v": np.zeros_like(param)}
        s["t"] += 1
        t, m, v = s["t"], s["m"], s["v"]
        m *= self.beta1
        m += (1 - self.beta1) * grad
        v *= self.beta2
        v += (1 - self.beta2) * grad * grad
        m_hat = m / (1 - self.beta1 ** t)
        v_hat = v / (1 - self.beta2 ** t)
        param -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019):

    θ ← θ - η (m̂ / (√v̂ + ε) + λ θ)

    The decay λ θ is applied to the parameter directly, not added to the gradient, so Adam's per-parameter scaling
    does not weaken it. Only matrices (ndim ≥ 2: weights, embeddings) decay; biases and LayerNorm gains do not.
    """

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
        super().__init__(lr, beta1, beta2, eps)
        self.weight_decay = weight_decay

    def update(self, key, param, grad):
        if self.weight_decay and param.ndim >= 2:
            param *= 1 - self.lr * self.weight_decay
        super().update(key, param, grad)


OPTIMISERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def clip_grad_norm(model, max_norm):
    """Scale all gradients together so that their global L2 norm is at most max_norm.
    Returns the norm before clipping (RNNs need this against exploding gradients)."""
    grads = [g for _, _, g in model.parameters()]
    norm = float(np.sqrt(sum(float((g.astype(np.float64) ** 2).sum()) for g in grads)))
    if norm > max_norm:
        for g in grads:
            g *= max_norm / (norm + 1e-12)
    return norm
