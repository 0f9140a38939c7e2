"""Finite-difference gradient checks and shape/dtype checks for demos.layers."""

import numpy as np
import pytest

from demos import backend, layers


def test_matmul_matches_reference():
    rng = np.random.RandomState(0)
    a, b = rng.randn(5, 7), rng.randn(7, 3)
    expected = np.array([[sum(a[i, k] * b[k, j] for k in range(7)) for j in range(3)] for i in range(5)])
    np.testing.assert_allclose(backend.matmul(a, b), expected, rtol=1e-12)
    a3, b3 = rng.randn(2, 5, 7), rng.randn(2, 7, 3)
    np.testing.assert_allclose(backend.bmm(a3, b3)[1], a3[1].dot(b3[1]), rtol=1e-12)


def test_exp_float32_matches_exp_to_float32_precision():
    """The page's exponential (a polynomial in NumPy operations) against the exact value, over float32's whole range."""
    x = np.concatenate([np.linspace(-87.0, 88.0, 200001), [-1e-6, 0.0, 1e-6, 0.5 * np.log(2), -0.5 * np.log(2)]])
    x = x.astype(np.float32)
    exact = np.exp(x.astype(np.float64))
    got = backend.exp_float32(x)
    assert got.dtype == np.float32
    assert np.max(np.abs(got - exact) / exact) < 2e-7
    assert backend.exp_float32(np.zeros(3, np.float32)).tolist() == [1.0, 1.0, 1.0]
    edges = backend.exp_float32(np.array([-np.inf, -1000, -88, np.nan, 1000, np.inf], np.float32))
    assert edges[:3].tolist() == [0.0, 0.0, 0.0]  # what a causal mask's -inf must give: exactly nothing
    assert np.isnan(edges[3]) and edges[4:].tolist() == [np.inf, np.inf]
    # the input is not changed in place (softmax passes its shifted logits, the loss reads them again)
    z = np.full(5000, -1.5, np.float32)
    backend.exp_float32(z)
    assert np.all(z == -1.5)


def test_exp_takes_the_polynomial_only_for_large_float32_arrays_in_the_page(monkeypatch):
    calls = []
    monkeypatch.setattr(backend, "exp_float32", lambda x: calls.append(x.size) or np.exp(x))
    small, large = np.zeros(10, np.float32), np.zeros(backend.FAST_EXP_MIN_SIZE, np.float32)
    backend.exp(large)
    assert calls == []  # natively np.exp
    monkeypatch.setattr(backend, "IN_BROWSER", True)
    for x in (small, large, large.astype(np.float64)):
        np.testing.assert_array_equal(backend.exp(x), np.ones_like(x))
    assert calls == [backend.FAST_EXP_MIN_SIZE]


def test_dense_gradients(gradcheck):
    rng = np.random.RandomState(1)
    layer = layers.Dense(4, 3, rng)
    layer.params["b"][:] = rng.randn(3)
    assert gradcheck(layer, rng.randn(5, 4), rng) == 3


def test_dense_applies_to_every_time_step(gradcheck):
    rng = np.random.RandomState(2)
    layer = layers.Dense(4, 3, rng)
    x = rng.randn(2, 6, 4).astype(np.float32)
    y = layer.forward(x)
    assert y.shape == (2, 6, 3)
    np.testing.assert_allclose(y[1, 4], x[1, 4].dot(layer.params["W"]) + layer.params["b"], rtol=1e-5)
    assert gradcheck(layer, rng.randn(2, 3, 4), rng) == 3


@pytest.mark.parametrize("stride,padding", [(1, 0), (1, 1), (2, 0), (2, 1)])
def test_conv2d_gradients(gradcheck, stride, padding):
    rng = np.random.RandomState(3)
    layer = layers.Conv2D(2, 3, 3, rng, stride=stride, padding=padding)
    layer.params["b"][:] = rng.randn(3)
    assert gradcheck(layer, rng.randn(2, 2, 7, 6), rng) == 3


def conv2d_reference(x, W, b, stride, padding):
    """The convolution written as the plain nested sum of its definition."""
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)), mode="constant")
    n, c, h, w = x.shape
    o, _, k, _ = W.shape
    oh, ow = (h - k) // stride + 1, (w - k) // stride + 1
    y = np.zeros((n, o, oh, ow))
    for a in range(n):
        for f in range(o):
            for i in range(oh):
                for j in range(ow):
                    patch = x[a, :, i * stride:i * stride + k, j * stride:j * stride + k]
                    y[a, f, i, j] = np.sum(patch * W[f]) + b[f]
    return y


@pytest.mark.parametrize("stride,padding", [(1, 0), (2, 1), (3, 2)])
def test_conv2d_forward_matches_definition(stride, padding):
    rng = np.random.RandomState(4)
    layer = layers.Conv2D(3, 4, 3, rng, stride=stride, padding=padding).astype(np.float64)
    layer.params["b"][:] = rng.randn(4)
    x = rng.randn(2, 3, 8, 9)
    expected = conv2d_reference(x, layer.params["W"], layer.params["b"], stride, padding)
    np.testing.assert_allclose(layer.forward(x), expected, rtol=1e-10, atol=1e-12)


def test_maxpool_forward_and_gradients(gradcheck):
    rng = np.random.RandomState(5)
    x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    y = layers.MaxPool2D(2).forward(x)
    np.testing.assert_array_equal(y[0, 0], [[5, 7], [13, 15]])
    # odd sizes drop the last row/column (11 -> 5), as in the book's CNN
    assert layers.MaxPool2D(2).forward(np.zeros((2, 3, 11, 11), np.float32)).shape == (2, 3, 5, 5)
    assert gradcheck(layers.MaxPool2D(2), rng.randn(2, 3, 5, 7), rng) == 1
    assert gradcheck(layers.MaxPool2D(3), rng.randn(1, 2, 6, 6), rng) == 1


def test_maxpool_tie_sends_gradient_to_one_position():
    pool = layers.MaxPool2D(2)
    pool.forward(np.zeros((1, 1, 2, 2)))
    dx = pool.backward(np.ones((1, 1, 1, 1)))
    assert dx.sum() == 1.0


@pytest.mark.parametrize("cls", [layers.ReLU, layers.Sigmoid, layers.Tanh, layers.Softmax, layers.Flatten])
def test_parameterless_layer_gradients(gradcheck, cls):
    rng = np.random.RandomState(6)
    assert gradcheck(cls(), rng.randn(3, 4, 5), rng) == 1


def test_activation_values():
    x = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(layers.ReLU().forward(x), [0, 0, 3])
    np.testing.assert_allclose(layers.Sigmoid().forward(x), 1 / (1 + np.exp(-x)))
    np.testing.assert_allclose(layers.Tanh().forward(x), np.tanh(x))
    s = layers.Softmax().forward(x[None])
    np.testing.assert_allclose(s[0], np.exp(x) / np.exp(x).sum())
    # large inputs must not overflow
    big = np.array([[1000.0, 1000.0], [-1000.0, 0.0]], dtype=np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_allclose(layers.Softmax().forward(big)[0], [0.5, 0.5])
        np.testing.assert_allclose(layers.Sigmoid().forward(big)[1], [0.0, 0.5])


def test_sequential_gradients_and_parameter_keys(gradcheck):
    rng = np.random.RandomState(7)
    model = layers.Sequential([
        layers.Conv2D(1, 2, 3, rng, padding=1), layers.ReLU(), layers.MaxPool2D(2),
        layers.Flatten(), layers.Dense(2 * 3 * 3, 4, rng), layers.Tanh(), layers.Dense(4, 3, rng),
    ])
    keys = [k for k, _, _ in model.parameters()]
    assert keys == ["0.W", "0.b", "4.W", "4.b", "6.W", "6.b"]
    assert model.n_params() == 2 * 9 + 2 + 18 * 4 + 4 + 4 * 3 + 3
    assert gradcheck(model, rng.randn(2, 1, 6, 6), rng) == 7


def test_float32_is_preserved():
    rng = np.random.RandomState(8)
    model = layers.Sequential([
        layers.Conv2D(1, 2, 3, rng), layers.ReLU(), layers.MaxPool2D(2), layers.Flatten(),
        layers.Dense(8, 3, rng), layers.Sigmoid(), layers.Softmax(),
    ])
    x = rng.rand(4, 1, 6, 6)  # float64 data is cast to the parameters' float32
    y = model.forward(x)
    assert y.dtype == np.float32
    dx = model.backward(np.ones_like(y))
    assert dx.dtype == np.float32
    assert all(g.dtype == np.float32 for _, _, g in model.parameters())


def test_state_dict_round_trip():
    rng = np.random.RandomState(9)
    a = layers.Sequential([layers.Dense(3, 4, rng), layers.ReLU(), layers.Dense(4, 2, rng)])
    b = layers.Sequential([layers.Dense(3, 4, rng), layers.ReLU(), layers.Dense(4, 2, rng)])
    x = rng.randn(5, 3)
    assert not np.allclose(a.forward(x), b.forward(x))
    b.load_state_dict(a.state_dict())
    np.testing.assert_array_equal(a.forward(x), b.forward(x))


def test_input_grad_false_skips_dx_but_keeps_parameter_gradients():
    rng = np.random.RandomState(10)
    cases = [(lambda flag: layers.Conv2D(1, 2, 3, np.random.RandomState(0), padding=1, input_grad=flag),
              rng.randn(2, 1, 5, 5)),
             (lambda flag: layers.Dense(4, 3, np.random.RandomState(0), input_grad=flag), rng.randn(6, 4))]
    for make, x in cases:
        full, lean = make(True), make(False)
        dy = rng.randn(*full.forward(x).shape)
        lean.forward(x)
        assert full.backward(dy).shape == x.shape
        assert lean.backward(dy) is None
        for (key, _, g_full), (_, _, g_lean) in zip(full.parameters(), lean.parameters()):
            np.testing.assert_array_equal(g_full, g_lean, err_msg=key)
