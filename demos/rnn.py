"""A vanilla recurrent layer trained with backpropagation through time (BPTT)."""

import numpy as np

from . import backend
from .layers import Layer, _make_init


class RNN(Layer):
    """Elman RNN with tanh, the same weights at every time step:

        h_t = tanh(x_t W_x + h_{t-1} W_h + b),   t = 1..T,   h_0 given (default 0)

    ``forward`` takes x of shape (N, T, n_in) and returns all hidden states
    (N, T, n_hidden). ``backward`` takes g_t = ∂L/∂h_t from the layers above for
    every t (zeros where a state does not feed the loss directly) and runs BPTT
    from t = T down to 1, with a_t = x_t W_x + h_{t-1} W_h + b:

        δ_t = g_t + (δ_{t+1} ⊙ (1 - h_{t+1}²)) W_hᵀ     (δ_{T+1} = 0: the total gradient reaching h_t)
        ∂L/∂a_t = δ_t ⊙ (1 - h_t²)
        dW_x = Σ_t x_tᵀ ∂L/∂a_t,   dW_h = Σ_t h_{t-1}ᵀ ∂L/∂a_t,   db = Σ_t ∂L/∂a_t

    After ``backward``, ``grad_norms[t]`` is ‖δ_t‖ (over the whole batch): it
    shrinks with the distance from the loss when the gradient vanishes. ``dh0`` holds dL/dh_0.
    """

    def __init__(self, n_in, n_hidden, rng, init="xavier_uniform"):
        super().__init__()
        make = _make_init(init)
        self._param("Wx", make((n_in, n_hidden), rng))
        self._param("Wh", make((n_hidden, n_hidden), rng))
        self._param("b", np.zeros(n_hidden, dtype=self.params["Wx"].dtype))
        self.grad_norms = None
        self.dh0 = None

    def forward(self, x, training=True, h0=None):
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        x = x.astype(Wx.dtype, copy=False)
        n, steps, n_in = x.shape
        hidden = Wh.shape[0]
        # the input part of every step at once: one big product instead of T small ones
        xw = (backend.matmul(x.reshape(-1, n_in), Wx) + b).reshape(n, steps, hidden)
        h = np.zeros((n, hidden), dtype=Wx.dtype) if h0 is None else h0.astype(Wx.dtype)
        states = np.empty((n, steps, hidden), dtype=Wx.dtype)
        self._h0 = h
        for t in range(steps):
            h = np.tanh(xw[:, t] + backend.matmul(h, Wh))
            states[:, t] = h
        self._x, self._states = x, states
        return states

    def backward(self, dH):
        Wx, Wh = self.params["Wx"], self.params["Wh"]
        x, states = self._x, self._states
        n, steps, hidden = states.shape
        da = np.empty_like(states)
        norms = np.zeros(steps)
        carry = np.zeros((n, hidden), dtype=states.dtype)
        for t in range(steps - 1, -1, -1):
            delta = dH[:, t] + carry
            norms[t] = np.sqrt(float(np.sum(delta.astype(np.float64) ** 2)))
            da[:, t] = delta * (1 - states[:, t] ** 2)
            carry = backend.matmul(da[:, t], Wh.T)
        self.grad_norms, self.dh0 = norms, carry
        prev = np.concatenate([self._h0[:, None], states[:, :-1]], axis=1)
        da2 = da.reshape(-1, hidden)
        self.grads["Wx"] = backend.matmul(x.reshape(-1, x.shape[2]).T, da2)
        self.grads["Wh"] = backend.matmul(prev.reshape(-1, hidden).T, da2)
        self.grads["b"] = da2.sum(axis=0)
        return backend.matmul(da2, Wx.T).reshape(x.shape)
