"""Weight initialisers.

The scale of the initial weights decides whether the signal keeps its size
through many layers. With fan_in inputs per unit:

* Xavier/Glorot (for tanh/sigmoid): Var[w] = 2 / (fan_in + fan_out)
* He/Kaiming (for ReLU, which zeroes half of its inputs): Var[w] = 2 / fan_in

Each function takes a ``np.random.RandomState`` so that results are repeatable,
and returns float32 unless told otherwise.
"""

import numpy as np


def fans(shape):
    """(fan_in, fan_out) of a Dense weight (n_in, n_out) or a conv kernel (out, in, k, k)."""
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[2:]))
    return shape[1] * receptive, shape[0] * receptive


def zeros(shape, dtype=np.float32):
    return np.zeros(shape, dtype=dtype)


def xavier_uniform(shape, rng, dtype=np.float32):
    """U(-a, a) with a = sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = fans(shape)
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=shape).astype(dtype)


def xavier_normal(shape, rng, dtype=np.float32):
    """N(0, 2 / (fan_in + fan_out))."""
    fan_in, fan_out = fans(shape)
    return (rng.randn(*shape) * np.sqrt(2.0 / (fan_in + fan_out))).astype(dtype)


def he_uniform(shape, rng, dtype=np.float32):
    """U(-a, a) with a = sqrt(6 / fan_in)."""
    fan_in, _ = fans(shape)
    a = np.sqrt(6.0 / fan_in)
    return rng.uniform(-a, a, size=shape).astype(dtype)


def he_normal(shape, rng, dtype=np.float32):
    """N(0, 2 / fan_in)."""
    fan_in, _ = fans(shape)
    return (rng.randn(*shape) * np.sqrt(2.0 / fan_in)).astype(dtype)


def normal(shape, rng, std=0.01, dtype=np.float32):
    """N(0, std^2): the naive fixed-scale initialisation, kept to show its problems."""
    return (rng.randn(*shape) * std).astype(dtype)


INITIALISERS = {
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "normal": normal,
}


def get(name):
    """Look an initialiser up by name (the demos pass names from the page)."""
    return INITIALISERS[name]
