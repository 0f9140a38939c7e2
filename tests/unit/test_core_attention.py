"""Self-attention, LayerNorm, Embedding, positional encoding and the Transformer block."""

import numpy as np
import pytest

from demos import attention, layers, losses, optim
from demos.train import Trainer, accuracy
from demos.data import reverse_task


@pytest.mark.parametrize("n_heads,causal", [(1, False), (2, False), (1, True), (2, True)])
def test_self_attention_gradients(gradcheck, n_heads, causal):
    rng = np.random.RandomState(0)
    layer = attention.SelfAttention(4, rng, n_heads=n_heads, causal=causal)
    for _, p, _ in layer.parameters():
        if p.ndim == 1:
            p[:] = 0.1 * rng.randn(*p.shape)
    assert gradcheck(layer, rng.randn(2, 5, 4), rng) == 9


def test_attention_weights_are_kept_and_follow_the_formula():
    rng = np.random.RandomState(1)
    layer = attention.SelfAttention(6, rng, n_heads=1).astype(np.float64)
    x = rng.randn(2, 4, 6)
    y = layer.forward(x)
    q = x.dot(layer.q.params["W"]) + layer.q.params["b"]
    k = x.dot(layer.k.params["W"]) + layer.k.params["b"]
    v = x.dot(layer.v.params["W"]) + layer.v.params["b"]
    s = np.einsum("btd,bsd->bts", q, k) / np.sqrt(6)
    a = np.exp(s) / np.exp(s).sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(layer.attn[:, 0], a, rtol=1e-10)
    expected = np.einsum("bts,bsd->btd", a, v).dot(layer.o.params["W"]) + layer.o.params["b"]
    np.testing.assert_allclose(y, expected, rtol=1e-10)


def test_causal_attention_ignores_the_future():
    rng = np.random.RandomState(2)
    layer = attention.SelfAttention(4, rng, n_heads=2, causal=True)
    x = rng.randn(1, 5, 4).astype(np.float32)
    y1 = layer.forward(x)
    assert np.all(np.triu(layer.attn[0, 0], k=1) == 0)
    np.testing.assert_allclose(layer.attn.sum(axis=-1), 1.0, rtol=1e-6)
    x2 = x.copy()
    x2[0, 3:] = rng.randn(2, 4)
    y2 = layer.forward(x2)
    np.testing.assert_allclose(y1[0, :3], y2[0, :3], rtol=1e-6)
    assert not np.allclose(y1[0, 3:], y2[0, 3:])


def test_layer_norm_gradients_and_statistics(gradcheck):
    rng = np.random.RandomState(3)
    ln = attention.LayerNorm(5)
    y = ln.forward(3 + 2 * rng.randn(2, 3, 5))
    np.testing.assert_allclose(y.mean(axis=-1), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.std(axis=-1), 1.0, rtol=1e-3)
    ln.params["gamma"][:] = rng.randn(5)
    ln.params["beta"][:] = rng.randn(5)
    assert gradcheck(ln, rng.randn(2, 3, 5), rng) == 3


def test_embedding_gradient(gradcheck):
    rng = np.random.RandomState(4)
    emb = attention.Embedding(6, 3, rng)
    ids = np.array([[0, 2, 2], [5, 0, 1]])
    np.testing.assert_array_equal(emb.forward(ids)[1, 0], emb.params["W"][5])
    assert gradcheck(emb, ids, rng, check_input=False) == 1


def test_positional_encoding_formula():
    pe = attention.positional_encoding(10, 6)
    assert pe.shape == (10, 6) and pe.dtype == np.float32
    np.testing.assert_allclose(pe[0], [0, 1, 0, 1, 0, 1], atol=1e-7)
    np.testing.assert_allclose(pe[1, :2], [np.sin(1.0), np.cos(1.0)], rtol=1e-6)
    rate = 1.0 / 10000 ** (2.0 / 6)
    np.testing.assert_allclose(pe[7, 2:4], [np.sin(7 * rate), np.cos(7 * rate)], rtol=1e-6)
    assert attention.positional_encoding(4, 5).shape == (4, 5)  # odd width works
    layer = attention.PositionalEncoding(6, max_len=10)
    x = np.zeros((2, 4, 6), dtype=np.float32)
    np.testing.assert_allclose(layer.forward(x)[1], pe[:4])
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), np.ones_like(x))


@pytest.mark.parametrize("norm_first", [False, True])
def test_transformer_block_gradients(gradcheck, norm_first):
    rng = np.random.RandomState(5)
    block = attention.TransformerBlock(4, 6, rng, n_heads=2, causal=True, norm_first=norm_first)
    for _, p, _ in block.parameters():
        p += 0.1 * rng.randn(*p.shape)  # move LayerNorm's γ, β and the biases off their initial values
    assert gradcheck(block, rng.randn(2, 3, 4), rng) == 17


def test_transformer_learns_to_reverse():
    rng = np.random.RandomState(6)
    x, y = reverse_task(n=1000, length=6, vocab=8, seed=0)
    model = layers.Sequential([
        attention.Embedding(8, 32, rng), attention.PositionalEncoding(32),
        attention.TransformerBlock(32, 64, rng), layers.Dense(32, 8, rng),
    ])
    trainer = Trainer(model, losses.SoftmaxCrossEntropy(), optim.Adam(0.003), x[:800], y[:800], batch_size=32, seed=0)
    trainer.run(epochs=15)
    acc = accuracy(model.forward(x[800:], training=False), y[800:])
    assert acc > 0.95
    # reversing means position t attends to position T-1-t: the anti-diagonal dominates
    attn = model.layers[2].attn.attn.mean(axis=(0, 1))
    assert np.all(attn[np.arange(6), 5 - np.arange(6)] > 0.5)
