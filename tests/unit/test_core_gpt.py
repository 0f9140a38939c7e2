"""The GPT core (demos/gpt.py) and AdamW: gradients by finite differences, weight tying, causality, KV-cached
generation equal to generation without the cache, and a model that learns a small text."""
import numpy as np
import pytest

from demos import gpt, optim
from demos.sampling import greedy, picker


def small_model(seed=0, vocab=7, context=6, d_model=8, n_layers=2, n_heads=2):
    rng = np.random.RandomState(seed)
    model = gpt.GPT(vocab, context, d_model, n_layers, n_heads, rng, init_std=0.5)
    for _, p, _ in model.parameters():  # non-trivial biases and norms, so their gradients are checked too
        if p.ndim == 1:
            p[:] += 0.1 * rng.randn(*p.shape)
    return model, rng


def test_whole_model_gradients_by_finite_differences(gradcheck):
    model, rng = small_model()
    ids = rng.randint(0, 7, size=(2, 5))
    checked = gradcheck(model, ids, rng, tol=1e-5, check_input=False)  # k.b: zero by symmetry, ~1e-9 noise
    assert checked == len(list(model.parameters())) == 1 + 2 + 2 * 16 + 2  # output bias, embeddings, blocks, ln_f


def test_loss_gradient_through_model_and_cross_entropy(numgrad, relerr):
    model, rng = small_model(seed=1)
    model.astype(np.float64)
    ids = rng.randint(0, 7, size=(2, 6))
    x, y = ids[:, :-1], ids[:, 1:]

    def loss():
        return gpt.cross_entropy(model.forward(x), y)[0]

    value, dz = gpt.cross_entropy(model.forward(x), y)
    model.backward(dz)
    analytic = {k: g.copy() for k, _, g in model.parameters()}
    for key, p, _ in list(model.parameters()):
        assert relerr(analytic[key], numgrad(loss, p)) < 1e-6, key
    assert value == pytest.approx(loss())


def test_cross_entropy_matches_its_formula_and_gradient(numgrad, relerr):
    rng = np.random.RandomState(2)
    z = rng.randn(3, 4, 5) * 3
    y = rng.randint(0, 5, size=(3, 4))
    loss, grad = gpt.cross_entropy(z, y)
    p = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    expected = -np.mean(np.log(np.take_along_axis(p, y[..., None], axis=-1)))
    assert loss == pytest.approx(expected, rel=1e-12)
    assert relerr(grad, numgrad(lambda: gpt.cross_entropy(z, y)[0], z)) < 1e-7
    big, _ = gpt.cross_entropy(np.array([[1000.0, 0.0]]), np.array([1]))
    assert big == pytest.approx(1000.0)


def test_output_projection_is_the_token_embedding():
    model, rng = small_model(seed=3)
    model.astype(np.float64)
    ids = rng.randint(0, 7, size=(1, 4))
    z = model.forward(ids)
    np.testing.assert_allclose(z, model._hf.dot(model.tok.params["W"].T) + model.params["b"], rtol=1e-12)
    keys = [k for k, _, _ in model.parameters()]
    assert not any("head" in k or "out" in k for k in keys)  # no separate output matrix
    assert model.n_params() == sum(p.size for _, p, _ in model.parameters())


def test_a_position_never_sees_the_future():
    model, rng = small_model(seed=4)
    ids = rng.randint(0, 7, size=(1, 6))
    z1 = model.forward(ids)
    ids2 = ids.copy()
    ids2[0, 4:] = (ids2[0, 4:] + 1) % 7
    z2 = model.forward(ids2)
    np.testing.assert_allclose(z1[0, :4], z2[0, :4], rtol=1e-5)
    assert not np.allclose(z1[0, 4:], z2[0, 4:])
    for a in model.attention_maps():
        assert np.all(np.triu(a[0, 0], k=1) == 0)


def test_cached_forward_gives_the_logits_of_the_full_forward():
    model, rng = small_model(seed=5)
    model.astype(np.float64)
    ids = rng.randint(0, 7, size=(1, 6))
    full = model.forward(ids, training=False)
    cache = model.new_cache()
    part1 = model.forward_cached(ids[:, :3], cache)
    steps = [model.forward_cached(ids[:, k:k + 1], cache) for k in range(3, 6)]
    np.testing.assert_allclose(np.concatenate([part1] + steps, axis=1), full, rtol=1e-10, atol=1e-12)
    assert cache.length == 6
    with pytest.raises(ValueError):
        model.forward_cached(ids[:, :1], cache)  # full


@pytest.mark.parametrize("prompt_len,n_new", [(1, 20), (3, 4), (8, 15)])
def test_generation_with_and_without_cache_gives_the_same_tokens(prompt_len, n_new):
    model, rng = small_model(seed=6)
    prompt = list(rng.randint(0, 7, size=prompt_len))
    with_cache = gpt.generate(model, prompt, n_new, greedy, use_cache=True)
    without = gpt.generate(model, prompt, n_new, greedy, use_cache=False)
    assert with_cache == without
    assert len(with_cache) == n_new
    sampled = [gpt.generate(model, prompt, n_new, picker(0.8, 0, 0.9, np.random.RandomState(9)), use_cache=c)
               for c in (True, False)]
    assert sampled[0] == sampled[1]


def test_cache_memory_follows_the_formula():
    model, _ = small_model()
    cache = model.new_cache()
    assert cache.nbytes == gpt.cache_bytes(2, 2, 4, 6, 4) == 2 * 2 * 2 * 4 * 6 * 4


def test_adamw_decays_matrices_only_and_is_decoupled():
    w = np.ones((2, 2))
    b = np.ones(2)
    opt = optim.AdamW(lr=0.1, weight_decay=0.5)
    opt.update("w", w, np.zeros((2, 2)))
    opt.update("b", b, np.zeros(2))
    np.testing.assert_allclose(w, 0.95)  # zero gradient: only the decay θ ← θ (1 - η λ)
    np.testing.assert_allclose(b, 1.0)
    # with λ = 0 it is exactly Adam
    p1, p2 = np.array([[1.0, -2.0]]), np.array([[1.0, -2.0]])
    a, aw = optim.Adam(lr=0.01), optim.AdamW(lr=0.01, weight_decay=0.0)
    for g in ([0.5, 0.1], [-0.3, 0.2]):
        a.update("p", p1, np.array([g]))
        aw.update("p", p2, np.array([g]))
    np.testing.assert_allclose(p1, p2)
    # decoupled: a large gradient scale does not change the size of the decay (it would if λθ joined the gradient)
    q1, q2 = np.array([[2.0]]), np.array([[2.0]])
    o1, o2 = optim.AdamW(lr=0.01, weight_decay=1.0), optim.AdamW(lr=0.01, weight_decay=1.0)
    o1.update("q", q1, np.array([[1.0]]))
    o2.update("q", q2, np.array([[1000.0]]))
    np.testing.assert_allclose(q1, q2, rtol=1e-9)
    np.testing.assert_allclose(q1, 2.0 * (1 - 0.01) - 0.01, rtol=1e-6)


def test_gpt_learns_a_repeating_text():
    text = "abcdefg" * 40
    ids = np.array([ord(c) - ord("a") for c in text])
    rng = np.random.RandomState(0)
    model = gpt.GPT(7, 8, 16, 1, 2, rng)
    opt = optim.AdamW(lr=0.01, weight_decay=0.0)
    first = None
    for step in range(150):
        starts = rng.randint(0, len(ids) - 9, size=8)
        batch = np.stack([ids[s:s + 9] for s in starts])
        loss, dz = gpt.cross_entropy(model.forward(batch[:, :-1]), batch[:, 1:])
        first = loss if first is None else first
        model.backward(dz)
        opt.step(model)
    assert first > 1.5 and loss < 0.1
    assert gpt.generate(model, [0, 1, 2], 10, greedy) == [(3 + k) % 7 for k in range(10)]


def test_output_bias_starts_at_the_unigram_and_old_files_load_with_zero_bias(tmp_path):
    model, _ = small_model()
    probs = np.array([0.4, 0.2, 0.1, 0.1, 0.1, 0.05, 0.05])
    model.start_at_unigram(probs)
    b = model.params["b"]
    assert b.dtype == np.float32 and abs(b.mean()) < 1e-6
    np.testing.assert_allclose(np.exp(b) / np.exp(b).sum(), probs, rtol=1e-6)  # softmax(b) is the unigram
    # with the blocks' output and the embeddings at zero, the untrained model predicts exactly that distribution
    model.tok.params["W"][:] = 0
    z = model.forward(np.zeros((1, 3), dtype=np.int64), training=False)
    np.testing.assert_allclose(np.exp(z[0, -1]) / np.exp(z[0, -1]).sum(), probs, rtol=1e-5)
    path = tmp_path / "old.npz"  # a file written before the output bias existed
    gpt.save(model, path)
    with np.load(path) as data:
        np.savez(path, **{k: data[k] for k in data.files if k != "param.b"})
    loaded, _ = gpt.load(path)
    assert not loaded.params["b"].any()
