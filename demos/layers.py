"""Layers with an explicit forward and backward pass.

Every layer follows one contract:

* ``forward(x, training=True) -> y`` computes the output and caches what the
  backward pass will need;
* ``backward(dy) -> dx`` takes dL/dy, returns dL/dx and stores dL/dθ in
  ``grads`` (same keys as ``params``), overwriting the previous gradients.

Layers with parameters compute in the dtype of their parameters (float32 by
default; ``astype(np.float64)`` for gradient checks); the others keep the dtype
of their input. Images are NCHW: (batch, channels, height, width).
"""

import numpy as np

from . import backend, init as initialisers


class Layer:
    """Base class: parameter bookkeeping shared by every layer."""

    def __init__(self):
        self.params = {}
        self.grads = {}

    def __call__(self, x, training=True):
        return self.forward(x, training)

    def children(self):
        """(name, layer) pairs of the sub-layers whose parameters this layer owns."""
        return []

    def parameters(self, prefix=""):
        """Yield (key, param, grad) for this layer and all its sub-layers."""
        for name in self.params:
            yield prefix + name, self.params[name], self.grads[name]
        for child_name, child in self.children():
            for item in child.parameters(prefix + child_name + "."):
                yield item

    def n_params(self):
        return sum(p.size for _, p, _ in self.parameters())

    def zero_grad(self):
        for _, _, g in self.parameters():
            g[...] = 0

    def astype(self, dtype):
        """Convert every parameter and gradient to ``dtype`` (returns self)."""
        for name in self.params:
            self.params[name] = self.params[name].astype(dtype)
            self.grads[name] = self.grads[name].astype(dtype)
        for _, child in self.children():
            child.astype(dtype)
        return self

    def state_dict(self):
        """{key: copy of the parameter}, e.g. for saving or exporting a model."""
        return {key: p.copy() for key, p, _ in self.parameters()}

    def load_state_dict(self, state):
        for key, p, _ in self.parameters():
            p[...] = state[key]

    def _param(self, name, value):
        self.params[name] = value
        self.grads[name] = np.zeros_like(value)


def _make_init(init):
    return initialisers.get(init) if isinstance(init, str) else init


class Dense(Layer):
    """Fully connected layer: y = x W + b.

    x has shape (..., n_in); the leading axes are treated as a batch, so the
    same layer applies to every time step of a sequence.
    Gradients: dW = xᵀ dy, db = Σ dy, dx = dy Wᵀ.
    ``input_grad=False`` skips dx (backward returns None): for a first layer,
    whose input is the data, that saves a third of the work.
    """

    def __init__(self, n_in, n_out, rng, init="xavier_uniform", input_grad=True):
        super().__init__()
        self.input_grad = input_grad
        self._param("W", _make_init(init)((n_in, n_out), rng))
        self._param("b", np.zeros(n_out, dtype=self.params["W"].dtype))

    def forward(self, x, training=True):
        W = self.params["W"]
        self._shape = x.shape
        self._x = x.reshape(-1, W.shape[0]).astype(W.dtype, copy=False)
        y = backend.matmul(self._x, W) + self.params["b"]
        return y.reshape(x.shape[:-1] + (W.shape[1],))

    def backward(self, dy):
        W = self.params["W"]
        dy = dy.reshape(-1, W.shape[1])
        self.grads["W"] = backend.matmul(self._x.T, dy)
        self.grads["b"] = dy.sum(axis=0)
        if not self.input_grad:
            return None
        return backend.matmul(dy, W.T).reshape(self._shape)


class Conv2D(Layer):
    """2-D convolution (cross-correlation, as in every framework), NCHW.

    y[n, o, i, j] = b[o] + Σ_{c,u,v} W[o, c, u, v] · x_pad[n, c, i·s + u, j·s + v]
    with output size (H + 2p - k) // s + 1.

    im2col: all k×k windows are gathered into one matrix with a row per output
    pixel, so the convolution becomes a single matrix product (and so does its
    gradient); no Python loop runs over the batch or the pixels.
    The arrays are NCHW views of channels-last (NHWC) memory: the channels of a
    window are then contiguous, which makes the gathering copy fast.
    ``input_grad=False`` skips dx (backward returns None), as for Dense.
    """

    def __init__(self, in_ch, out_ch, kernel_size, rng, stride=1, padding=0, init="he_normal", input_grad=True):
        super().__init__()
        self.input_grad = input_grad
        self.k, self.stride, self.padding = kernel_size, stride, padding
        self._param("W", _make_init(init)((out_ch, in_ch, kernel_size, kernel_size), rng))
        self._param("b", np.zeros(out_ch, dtype=self.params["W"].dtype))

    def _w_matrix(self):
        W = self.params["W"]
        return W.transpose(0, 2, 3, 1).reshape(W.shape[0], -1)  # (out, k·k·in), matching the columns

    def forward(self, x, training=True):
        W = self.params["W"]
        k, s, p = self.k, self.stride, self.padding
        n, c, h, w = x.shape
        xh = x.transpose(0, 2, 3, 1).astype(W.dtype, copy=False)
        if p:
            xh = np.pad(xh, ((0, 0), (p, p), (p, p), (0, 0)), mode="constant")
        oh, ow = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        sn, sh, sw, sc = xh.strides
        windows = np.lib.stride_tricks.as_strided(
            xh, shape=(n, oh, ow, k, k, c), strides=(sn, s * sh, s * sw, sh, sw, sc), writeable=False
        )
        self._cols = windows.reshape(n * oh * ow, k * k * c)  # copies: one row per output pixel
        self._in_shape = (n, c, h, w)
        out = backend.matmul(self._cols, self._w_matrix().T) + self.params["b"]
        return out.reshape(n, oh, ow, -1).transpose(0, 3, 1, 2)

    def backward(self, dy):
        W = self.params["W"]
        k, s, p = self.k, self.stride, self.padding
        n, c, h, w = self._in_shape
        oh, ow = dy.shape[2], dy.shape[3]
        dy2 = dy.transpose(0, 2, 3, 1).reshape(n * oh * ow, -1)
        dw = backend.matmul(dy2.T, self._cols)
        self.grads["W"] = dw.reshape(W.shape[0], k, k, c).transpose(0, 3, 1, 2).copy()
        self.grads["b"] = dy2.sum(axis=0)
        if not self.input_grad:
            return None
        dcols = backend.matmul(dy2, self._w_matrix()).reshape(n, oh, ow, k, k, c)
        # col2im: every kernel offset (u, v) adds back into a strided slice; k*k vectorised adds.
        dx = np.zeros((n, h + 2 * p, w + 2 * p, c), dtype=dcols.dtype)
        for u in range(k):
            for v in range(k):
                dx[:, u:u + s * (oh - 1) + 1:s, v:v + s * (ow - 1) + 1:s, :] += dcols[:, :, :, u, v, :]
        return dx[:, p:p + h, p:p + w, :].transpose(0, 3, 1, 2)


class MaxPool2D(Layer):
    """Max pooling over non-overlapping size×size windows, NCHW.

    y[n, c, i, j] = max_{u,v < size} x[n, c, i·size + u, j·size + v]; rows and
    columns that do not fill a window are dropped (output size H // size).
    The gradient flows only to the position of each maximum (the first one, on ties).
    """

    def __init__(self, size=2):
        super().__init__()
        self.size = size

    def _offsets(self, xh):
        s = self.size
        return [((u, v), xh[:, u::s, v::s, :]) for u in range(s) for v in range(s)]

    def forward(self, x, training=True):
        s = self.size
        n, c, h, w = x.shape
        oh, ow = h // s, w // s
        # size·size elementwise maxima of strided views are much faster than a reduction over window axes
        self._xh = x.transpose(0, 2, 3, 1)[:, :oh * s, :ow * s, :]
        self._in_shape = x.shape
        offsets = self._offsets(self._xh)
        y = offsets[0][1].copy()
        for _, view in offsets[1:]:
            np.maximum(y, view, out=y)
        self._y = y
        return y.transpose(0, 3, 1, 2)

    def backward(self, dy):
        n, c, h, w = self._in_shape
        s = self.size
        dx = np.zeros((n, h, w, c), dtype=dy.dtype)
        left = dy.transpose(0, 2, 3, 1)
        for (u, v), view in self._offsets(self._xh):
            hit = view == self._y
            dx[:, u:u + s * self._y.shape[1]:s, v:v + s * self._y.shape[2]:s, :] = left * hit.view(np.uint8)
            left = left * (~hit).view(np.uint8)  # a tied maximum further on gets nothing (uint8: see ReLU)
        return dx.transpose(0, 3, 1, 2)


class Flatten(Layer):
    """(N, d1, d2, ...) -> (N, d1·d2·...)."""

    def forward(self, x, training=True):
        self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dy):
        return dy.reshape(self._shape)


class ReLU(Layer):
    """y = max(0, x);  dy/dx = 1 if x > 0 else 0."""

    def forward(self, x, training=True):
        # A 0/1 uint8 mask: multiplying by it is fast on every runtime, while a bool
        # mask (NumPy 1.17 casts it slowly) or np.where (branchy natively) are not.
        self._mask = (x > 0).view(np.uint8)
        return x * self._mask

    def backward(self, dy):
        return dy * self._mask


def sigmoid(x):
    """σ(x) = 1 / (1 + e^{-x}), computed without overflow for large |x|."""
    e = backend.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


class Sigmoid(Layer):
    """y = σ(x) = 1 / (1 + e^{-x});  dy/dx = y (1 - y)."""

    def forward(self, x, training=True):
        self._y = sigmoid(x)
        return self._y

    def backward(self, dy):
        return dy * self._y * (1 - self._y)


class Tanh(Layer):
    """y = tanh(x);  dy/dx = 1 - y²."""

    def forward(self, x, training=True):
        self._y = np.tanh(x)
        return self._y

    def backward(self, dy):
        return dy * (1 - self._y * self._y)


def softmax(x, axis=-1):
    """softmax(x)_i = e^{x_i - m} / Σ_j e^{x_j - m}, m = max_j x_j (subtracting m avoids overflow)."""
    e = backend.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


class Softmax(Layer):
    """y = softmax(x) over the last axis;  dx = y ⊙ (dy - Σ_j dy_j y_j)."""

    def forward(self, x, training=True):
        self._y = softmax(x)
        return self._y

    def backward(self, dy):
        y = self._y
        return y * (dy - (dy * y).sum(axis=-1, keepdims=True))


class Sequential(Layer):
    """Layers applied one after the other; backward runs them in reverse."""

    def __init__(self, layers):
        super().__init__()
        self.layers = list(layers)

    def children(self):
        return [(str(i), layer) for i, layer in enumerate(self.layers)]

    def forward(self, x, training=True):
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def backward(self, dy):
        for layer in reversed(self.layers):
            dy = layer.backward(dy)
        return dy
