"""BPTT gradients and per-step gradient norms of demos.rnn.RNN."""

import numpy as np

from demos.rnn import RNN


def test_rnn_bptt_gradients(gradcheck):
    rng = np.random.RandomState(0)
    layer = RNN(3, 4, rng)
    layer.params["b"][:] = 0.1 * rng.randn(4)
    assert gradcheck(layer, rng.randn(2, 5, 3), rng) == 4


def test_rnn_forward_is_the_recurrence():
    rng = np.random.RandomState(1)
    layer = RNN(2, 3, rng).astype(np.float64)
    x, h0 = rng.randn(2, 4, 2), rng.randn(2, 3)
    states = layer.forward(x, h0=h0)
    p = layer.params
    h = h0
    for t in range(4):
        h = np.tanh(x[:, t].dot(p["Wx"]) + h.dot(p["Wh"]) + p["b"])
        np.testing.assert_allclose(states[:, t], h, rtol=1e-12)


def test_initial_state_gradient_and_norms(numgrad, relerr):
    """Loss only on the last state: the gradient reaching h_t is dL/dh0 of the
    same RNN run from h_t over the remaining steps, checked by finite differences."""
    rng = np.random.RandomState(2)
    layer = RNN(2, 3, rng).astype(np.float64)
    x, steps = rng.randn(2, 6, 2), 6
    G = rng.randn(2, 3)

    states = layer.forward(x)
    dH = np.zeros_like(states)
    dH[:, -1] = G
    layer.backward(dH)
    norms = layer.grad_norms.copy()
    assert norms.shape == (steps,)
    np.testing.assert_allclose(norms[-1], np.linalg.norm(G), rtol=1e-12)

    for t in range(steps - 1):
        h_t = states[:, t].copy()
        tail = x[:, t + 1:]

        def loss():
            return float(np.sum(layer.forward(tail, h0=h_t)[:, -1] * G))

        num = numgrad(loss, h_t)
        np.testing.assert_allclose(norms[t], np.linalg.norm(num), rtol=1e-6)
        tail_states = layer.forward(tail, h0=h_t)
        d_tail = np.zeros_like(tail_states)
        d_tail[:, -1] = G
        layer.backward(d_tail)
        assert relerr(layer.dh0, num) < 1e-6


def test_gradient_vanishes_with_small_recurrent_weights():
    rng = np.random.RandomState(3)
    layer = RNN(1, 8, rng)
    layer.params["Wh"] *= 0.3
    states = layer.forward(rng.randn(4, 30, 1))
    dH = np.zeros_like(states)
    dH[:, -1] = 1.0
    layer.backward(dH)
    norms = layer.grad_norms
    assert np.all(np.diff(norms) > 0)  # smaller and smaller going back in time
    assert norms[0] < 1e-6 * norms[-1]


def test_rnn_learns_to_predict_a_sine():
    from demos import data, layers, losses, optim
    from demos.train import Trainer
    x, y = data.sine_sequences(n=256, length=20, seed=0)
    rng = np.random.RandomState(4)
    model = layers.Sequential([RNN(1, 16, rng), layers.Dense(16, 1, rng)])
    trainer = Trainer(model, losses.MSE(), optim.Adam(0.01), x, y, batch_size=32, seed=0, clip_norm=5.0)
    first = trainer.step()
    trainer.run(epochs=60)
    x_test, y_test = data.sine_sequences(n=64, length=20, seed=1)
    per_step = ((model.forward(x_test, training=False) - y_test) ** 2).mean(axis=(0, 2))
    # with no context the first prediction is a guess; ten steps in, the sine is pinned down
    assert per_step[10:].max() < 0.01 * first
    assert per_step[10:].mean() < 0.1 * per_step[0]
