"""Loss values against their formulas, and finite-difference gradient checks."""

import numpy as np
import pytest

from demos import losses


def check_loss_gradient(loss, pred, target, numgrad, relerr):
    value = loss.forward(pred, target)
    analytic = loss.backward()
    num = numgrad(lambda: loss.forward(pred, target), pred)
    assert analytic.shape == pred.shape
    assert relerr(analytic, num) < 1e-6
    return value


def test_mse_value_and_gradient(numgrad, relerr):
    pred, target = np.array([[1.0, 2.0], [3.0, 5.0]]), np.array([[0.0, 2.0], [1.0, 5.5]])
    # ((1)^2 + 0^2 + 2^2 + 0.5^2) / 4 = 5.25 / 4
    assert losses.MSE().forward(pred, target) == pytest.approx(1.3125)
    rng = np.random.RandomState(0)
    check_loss_gradient(losses.MSE(), rng.randn(4, 3), rng.randn(4, 3), numgrad, relerr)


def test_bce_on_probabilities(numgrad, relerr):
    p, t = np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 0.0])
    expected = -(np.log(0.9) + np.log(0.8) + np.log(0.4)) / 3
    assert losses.BinaryCrossEntropy().forward(p, t) == pytest.approx(expected)
    rng = np.random.RandomState(1)
    check_loss_gradient(losses.BinaryCrossEntropy(), rng.uniform(0.05, 0.95, (6, 1)),
                        rng.randint(0, 2, (6, 1)).astype(float), numgrad, relerr)


def test_bce_from_logits_is_stable_and_matches(numgrad, relerr):
    z, t = np.array([2.0, -1.0, 0.5]), np.array([1.0, 0.0, 0.0])
    p = 1 / (1 + np.exp(-z))
    expected = -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))
    assert losses.BinaryCrossEntropy(from_logits=True).forward(z, t) == pytest.approx(expected)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        big = losses.BinaryCrossEntropy(from_logits=True).forward(np.array([800.0, -800.0]), np.array([0.0, 1.0]))
    assert big == pytest.approx(800.0)
    rng = np.random.RandomState(2)
    check_loss_gradient(losses.BinaryCrossEntropy(from_logits=True), rng.randn(5, 2) * 3,
                        rng.randint(0, 2, (5, 2)).astype(float), numgrad, relerr)


def test_softmax_cross_entropy_value():
    z, y = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]), np.array([2, 1])
    row0 = -np.log(np.exp(3.0) / (np.exp(1.0) + np.exp(2.0) + np.exp(3.0)))
    row1 = np.log(3.0)
    loss = losses.SoftmaxCrossEntropy()
    assert loss.forward(z, y) == pytest.approx((row0 + row1) / 2)
    np.testing.assert_allclose(loss.probs.sum(axis=1), 1.0)


def test_softmax_cross_entropy_large_logits_do_not_overflow():
    z = np.array([[1000.0, 0.0], [0.0, 1000.0]], dtype=np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = losses.SoftmaxCrossEntropy().forward(z, np.array([1, 1]))
    assert value == pytest.approx(500.0)


@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4)])
def test_softmax_cross_entropy_gradient(numgrad, relerr, shape):
    rng = np.random.RandomState(3)
    z = rng.randn(*shape)
    y = rng.randint(0, shape[-1], size=shape[:-1])
    check_loss_gradient(losses.SoftmaxCrossEntropy(), z, y, numgrad, relerr)


def test_softmax_cross_entropy_soft_labels(numgrad, relerr):
    rng = np.random.RandomState(4)
    z = rng.randn(3, 4)
    t = rng.dirichlet(np.ones(4), size=3)
    value = check_loss_gradient(losses.SoftmaxCrossEntropy(), z, t, numgrad, relerr)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    assert value == pytest.approx(-(t * log_p).sum() / 3)
    hard = losses.SoftmaxCrossEntropy().forward(z, np.array([0, 3, 1]))
    assert losses.SoftmaxCrossEntropy().forward(z, np.eye(4)[[0, 3, 1]]) == pytest.approx(hard)


def test_gradient_keeps_float32():
    z = np.random.RandomState(5).randn(4, 3).astype(np.float32)
    for loss, target in [(losses.MSE(), np.zeros((4, 3))), (losses.SoftmaxCrossEntropy(), np.array([0, 1, 2, 0])),
                         (losses.BinaryCrossEntropy(from_logits=True), np.ones((4, 3)))]:
        loss.forward(z, target)
        assert loss.backward().dtype == np.float32
