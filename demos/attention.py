"""Self-attention and the pieces of a Transformer block.

Sequences are (batch B, time T, features D).
"""

import numpy as np

from . import backend
from .layers import Dense, Layer, ReLU, Sequential, softmax


class SelfAttention(Layer):
    """Scaled dot-product self-attention with h heads of size d_k = D / h:

        Q = X W_q,  K = X W_k,  V = X W_v          (each split into h heads)
        A = softmax(Q Kᵀ / √d_k + M)               (M = -∞ above the diagonal if causal)
        Y = concat_heads(A V) W_o

    After ``forward``, ``attn`` holds A with shape (B, h, T, T): row i says how
    much position i looks at each position j.
    Backward, per head: dV = Aᵀ dO, dA = dO Vᵀ, dS = A ⊙ (dA - Σ_j dA A) / √d_k,
    dQ = dS K, dK = dSᵀ Q.
    """

    def __init__(self, d_model, rng, n_heads=1, causal=False):
        super().__init__()
        if d_model % n_heads:
            raise ValueError("d_model must be a multiple of n_heads")
        self.n_heads, self.causal = n_heads, causal
        self.q, self.k, self.v, self.o = (Dense(d_model, d_model, rng) for _ in range(4))
        self.attn = None

    def children(self):
        return [("q", self.q), ("k", self.k), ("v", self.v), ("o", self.o)]

    def _split(self, x):
        b, t, d = x.shape
        return x.reshape(b, t, self.n_heads, d // self.n_heads).transpose(0, 2, 1, 3)

    def _merge(self, x):
        b, h, t, dk = x.shape
        return x.transpose(0, 2, 1, 3).reshape(b, t, h * dk)

    def forward(self, x, training=True):
        q, k, v = self._split(self.q.forward(x)), self._split(self.k.forward(x)), self._split(self.v.forward(x))
        self._scale = 1.0 / np.sqrt(q.shape[-1])
        scores = backend.bmm(q, k.transpose(0, 1, 3, 2)) * self._scale
        if self.causal:
            t = scores.shape[-1]
            future = np.triu(np.ones((t, t), dtype=bool), k=1)
            scores = np.where(future, -np.inf, scores).astype(scores.dtype)
        self.attn = softmax(scores)
        self._q, self._k, self._v = q, k, v
        return self.o.forward(self._merge(backend.bmm(self.attn, v)))

    def backward(self, dy):
        a, q, k, v = self.attn, self._q, self._k, self._v
        d_out = self._split(self.o.backward(dy))
        dv = backend.bmm(a.transpose(0, 1, 3, 2), d_out)
        da = backend.bmm(d_out, v.transpose(0, 1, 3, 2))
        ds = a * (da - (da * a).sum(axis=-1, keepdims=True)) * self._scale
        dq = backend.bmm(ds, k)
        dk = backend.bmm(ds.transpose(0, 1, 3, 2), q)
        return (self.q.backward(self._merge(dq)) + self.k.backward(self._merge(dk))
                + self.v.backward(self._merge(dv)))


class LayerNorm(Layer):
    """Normalise each position over its D features, then scale and shift:

        x̂ = (x - μ) / √(σ² + ε),   y = γ ⊙ x̂ + β
        dx = (1 / (D √(σ² + ε))) (D dx̂ - Σ dx̂ - x̂ Σ (dx̂ ⊙ x̂)),   dx̂ = dy ⊙ γ
    """

    def __init__(self, d_model, eps=1e-5):
        super().__init__()
        self.eps = eps
        self._param("gamma", np.ones(d_model, dtype=np.float32))
        self._param("beta", np.zeros(d_model, dtype=np.float32))

    def forward(self, x, training=True):
        x = x.astype(self.params["gamma"].dtype, copy=False)
        mu = x.mean(axis=-1, keepdims=True)
        var = x.var(axis=-1, keepdims=True)
        self._inv_std = 1.0 / np.sqrt(var + self.eps)
        self._xhat = (x - mu) * self._inv_std
        return self.params["gamma"] * self._xhat + self.params["beta"]

    def backward(self, dy):
        xhat, d = self._xhat, self._xhat.shape[-1]
        lead = tuple(range(dy.ndim - 1))
        self.grads["gamma"] = (dy * xhat).sum(axis=lead)
        self.grads["beta"] = dy.sum(axis=lead)
        dxhat = dy * self.params["gamma"]
        return (self._inv_std / d) * (d * dxhat - dxhat.sum(axis=-1, keepdims=True)
                                      - xhat * (dxhat * xhat).sum(axis=-1, keepdims=True))


class Embedding(Layer):
    """Token id -> learned vector: y[b, t] = W[ids[b, t]]; dW[i] = Σ of dy over positions holding token i."""

    def __init__(self, vocab_size, d_model, rng):
        super().__init__()
        self._param("W", rng.randn(vocab_size, d_model).astype(np.float32))

    def forward(self, ids, training=True):
        self._ids = np.asarray(ids, dtype=np.intp)
        return self.params["W"][self._ids]

    def backward(self, dy):
        dW = np.zeros_like(self.params["W"])
        np.add.at(dW, self._ids.reshape(-1), dy.reshape(-1, dW.shape[1]))
        self.grads["W"] = dW
        return None  # token ids have no gradient


def positional_encoding(length, d_model):
    """Sinusoidal positions (Vaswani et al., 2017), float32 (length, d_model):
    PE[p, 2i] = sin(p / 10000^(2i/D)),  PE[p, 2i+1] = cos(p / 10000^(2i/D))."""
    pos = np.arange(length)[:, None]
    rates = 1.0 / 10000 ** (np.arange(0, d_model, 2) / float(d_model))
    pe = np.zeros((length, d_model))
    pe[:, 0::2] = np.sin(pos * rates)
    pe[:, 1::2] = np.cos(pos * rates[:d_model // 2])
    return pe.astype(np.float32)


class PositionalEncoding(Layer):
    """y = x + PE[:T] (no parameters; the gradient passes through unchanged)."""

    def __init__(self, d_model, max_len=512):
        super().__init__()
        self.pe = positional_encoding(max_len, d_model)

    def forward(self, x, training=True):
        return x + self.pe[:x.shape[1]].astype(x.dtype)

    def backward(self, dy):
        return dy


class TransformerBlock(Layer):
    """One encoder block: self-attention and a 2-layer ReLU feed-forward
    network, each wrapped in a residual connection and a LayerNorm.

    Post-norm (the original paper, default):  h = LN1(x + Attn(x)),  y = LN2(h + FFN(h))
    Pre-norm (``norm_first=True``, GPT-2):    h = x + Attn(LN1(x)),  y = h + FFN(LN2(h))
    FFN(h) = ReLU(h W1 + b1) W2 + b2 with hidden size d_ff.
    """

    def __init__(self, d_model, d_ff, rng, n_heads=1, causal=False, norm_first=False):
        super().__init__()
        self.norm_first = norm_first
        self.attn = SelfAttention(d_model, rng, n_heads=n_heads, causal=causal)
        self.ln1, self.ln2 = LayerNorm(d_model), LayerNorm(d_model)
        self.ffn = Sequential([Dense(d_model, d_ff, rng, init="he_uniform"), ReLU(), Dense(d_ff, d_model, rng)])

    def children(self):
        return [("attn", self.attn), ("ln1", self.ln1), ("ffn", self.ffn), ("ln2", self.ln2)]

    def forward(self, x, training=True):
        if self.norm_first:
            h = x + self.attn.forward(self.ln1.forward(x, training), training)
            return h + self.ffn.forward(self.ln2.forward(h, training), training)
        h = self.ln1.forward(x + self.attn.forward(x, training), training)
        return self.ln2.forward(h + self.ffn.forward(h, training), training)

    def backward(self, dy):
        if self.norm_first:
            dh = dy + self.ln2.backward(self.ffn.backward(dy))
            return dh + self.ln1.backward(self.attn.backward(dh))
        dh = self.ln2.backward(dy)
        dh = dh + self.ffn.backward(dh)
        dx = self.ln1.backward(dh)
        return dx + self.attn.backward(dx)
