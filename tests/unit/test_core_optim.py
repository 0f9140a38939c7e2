"""The first two steps of every optimiser against hand-computed values.

Shared setup: θ0 = [1, -2], gradients g1 = [0.5, -1] then g2 = [0.25, 0.5], lr η = 0.1."""

import numpy as np
import pytest

from demos import layers, optim

G1, G2 = np.array([0.5, -1.0]), np.array([0.25, 0.5])


def two_steps(opt):
    theta = np.array([1.0, -2.0])
    opt.update("w", theta, G1.copy())
    first = theta.copy()
    opt.update("w", theta, G2.copy())
    return first, theta


def test_sgd_by_hand():
    first, second = two_steps(optim.SGD(lr=0.1))
    # θ1 = θ0 - 0.1 g1 = [1 - 0.05, -2 + 0.1];  θ2 = θ1 - 0.1 g2 = [0.95 - 0.025, -1.9 - 0.05]
    np.testing.assert_allclose(first, [0.95, -1.9], rtol=1e-12)
    np.testing.assert_allclose(second, [0.925, -1.95], rtol=1e-12)


def test_momentum_by_hand():
    first, second = two_steps(optim.Momentum(lr=0.1, beta=0.9))
    # v1 = g1 = [0.5, -1];  θ1 = [1 - 0.05, -2 + 0.1]
    # v2 = 0.9 v1 + g2 = [0.45 + 0.25, -0.9 + 0.5] = [0.7, -0.4];  θ2 = [0.95 - 0.07, -1.9 + 0.04]
    np.testing.assert_allclose(first, [0.95, -1.9], rtol=1e-12)
    np.testing.assert_allclose(second, [0.88, -1.86], rtol=1e-12)


def test_adam_by_hand():
    first, second = two_steps(optim.Adam(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8))
    # t = 1: m = 0.1 g1 = [0.05, -0.1], v = 0.001 g1² = [0.00025, 0.001]
    #        m̂ = m / 0.1 = [0.5, -1], v̂ = v / 0.001 = [0.25, 1], step = 0.1 m̂ / (√v̂ + ε) ≈ [0.1, -0.1]
    theta1 = [1 - 0.1 * 0.5 / (0.5 + 1e-8), -2 + 0.1 * 1 / (1 + 1e-8)]
    np.testing.assert_allclose(first, theta1, rtol=1e-12)
    np.testing.assert_allclose(first, [0.9, -1.9], rtol=1e-7)
    # t = 2: m = 0.9·[0.05, -0.1] + 0.1·[0.25, 0.5] = [0.07, -0.04]
    #        v = 0.999·[0.00025, 0.001] + 0.001·[0.0625, 0.25] = [0.00031225, 0.001249]
    #        m̂ = m / (1 - 0.81) = m / 0.19,  v̂ = v / (1 - 0.998001) = v / 0.001999
    m_hat = np.array([0.07, -0.04]) / 0.19
    v_hat = np.array([0.00031225, 0.001249]) / 0.001999
    theta2 = np.array(theta1) - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8)
    np.testing.assert_allclose(second, theta2, rtol=1e-10)
    # the same to 4 decimals, worked out on paper: [0.9 - 0.0932, -1.9 + 0.0266]
    np.testing.assert_allclose(second, [0.8068, -1.8734], atol=1e-4)


def test_step_updates_every_layer_with_separate_state():
    rng = np.random.RandomState(0)
    model = layers.Sequential([layers.Dense(2, 3, rng), layers.ReLU(), layers.Dense(3, 1, rng)])
    before = model.state_dict()
    for _, _, g in model.parameters():
        g[...] = 1.0
    opt = optim.Adam(lr=0.01)
    opt.step(model)
    assert sorted(opt.state) == ["0.W", "0.b", "2.W", "2.b"]
    for key, p, _ in model.parameters():
        # Adam's first step moves every coordinate by lr·sign(g) (up to ε)
        np.testing.assert_allclose(p, before[key] - 0.01, rtol=1e-5, atol=1e-7)


def test_updates_keep_float32():
    p = np.ones(3, dtype=np.float32)
    for opt in (optim.SGD(0.1), optim.Momentum(0.1), optim.Adam(0.1)):
        opt.update("p", p, np.ones(3, dtype=np.float32))
        assert p.dtype == np.float32


def test_clip_grad_norm():
    rng = np.random.RandomState(1)
    model = layers.Sequential([layers.Dense(2, 2, rng)])
    model.layers[0].grads["W"][...] = [[3.0, 0.0], [0.0, 0.0]]
    model.layers[0].grads["b"][...] = [0.0, 4.0]
    norm = optim.clip_grad_norm(model, 1.0)
    assert norm == pytest.approx(5.0)
    np.testing.assert_allclose(model.layers[0].grads["W"][0, 0], 0.6, rtol=1e-6)
    np.testing.assert_allclose(model.layers[0].grads["b"][1], 0.8, rtol=1e-6)
    assert optim.clip_grad_norm(model, 10.0) == pytest.approx(1.0, rel=1e-6)
