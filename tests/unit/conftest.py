"""Shared helpers for the unit tests: a finite-difference gradient checker for any layer or loss of the core.

The tests import `demos` and `build_tools` from the repository root: run them from there with
`python -m pytest` (as `make test` does), which puts the current directory on the import path."""

import numpy as np
import pytest


def numerical_grad(f, x, eps=1e-6):
    """Central differences (f(x + eps e_i) - f(x - eps e_i)) / 2 eps for every element of x (changed in place)."""
    grad = np.zeros_like(x, dtype=np.float64)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        plus = f()
        flat[i] = old - eps
        minus = f()
        flat[i] = old
        gflat[i] = (plus - minus) / (2 * eps)
    return grad


def rel_error(a, b):
    """||a - b|| / (||a|| + ||b||), insensitive to round-off noise on zero entries.
    The floor of the denominator lets a gradient that is zero by symmetry (e.g. the key
    bias of attention, which shifts every score of a row equally) match its ~1e-10 noise."""
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-3))


def check_layer_gradients(layer, x, rng, tol=1e-6, check_input=True):
    """Compare backward() with finite differences of L = Σ y ⊙ G for a fixed random G.

    The layer is converted to float64 first; returns the number of checked arrays
    so that a test can assert that parameters were actually covered."""
    layer.astype(np.float64)
    x = np.asarray(x)
    if x.dtype.kind == "f":
        x = x.astype(np.float64)
    y = layer.forward(x)
    G = rng.randn(*y.shape)

    def loss():
        return float(np.sum(layer.forward(x) * G))

    layer.forward(x)
    dx = layer.backward(G)
    analytic = {key: g.copy() for key, _, g in layer.parameters()}
    checked = 0
    for key, param, _ in list(layer.parameters()):
        num = numerical_grad(loss, param)
        assert analytic[key].shape == param.shape, key
        assert rel_error(analytic[key], num) < tol, "param %s: rel error %g" % (key, rel_error(analytic[key], num))
        checked += 1
    if check_input:
        num = numerical_grad(loss, x)
        assert dx.shape == x.shape
        assert rel_error(dx, num) < tol, "input: rel error %g" % rel_error(dx, num)
        checked += 1
    return checked


@pytest.fixture
def gradcheck():
    return check_layer_gradients


@pytest.fixture
def numgrad():
    return numerical_grad


@pytest.fixture
def relerr():
    return rel_error
