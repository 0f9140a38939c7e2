"""A decoder-only Transformer (GPT) that predicts the next token, with its training loss and KV-cached generation.

    h_0 = E[ids] + P[0..T-1]                                  token + learned position embeddings
    h_l = Block_l(h_{l-1}),  l = 1..L                         pre-norm blocks with causal self-attention
    z = LN_f(h_L) Eᵀ + b                                      logits; the output matrix is the token embedding
    L = -(1/N) Σ_n log softmax(z_n)[y_n]                      cross-entropy of the next token y_n

Weight tying: the output projection is Eᵀ, so dE collects two terms, the rows the embedding looked up and
LN_f(h_L)ᵀ dz from the output (``backward`` adds both). The output bias b (one number per token, db = Σ_n dz_n)
can start at the log of each token's frequency (``start_at_unigram``): the untrained model then predicts the
unigram distribution instead of the uniform one, and the first steps need not learn how often each token occurs.

Generation keeps, per layer, the keys and values of every position already read (the KV cache). A new token then
needs only its own query against the cached keys, instead of running the whole sequence again:

    memory of the cache = 2 × layers × heads × head_dim × context × bytes per number   (per sequence)

Sequences are (batch B, time T); the blocks are ``demos.attention.TransformerBlock`` (pre-norm, causal).
"""
import numpy as np

from . import backend
from .attention import Embedding, LayerNorm, TransformerBlock
from .layers import Layer, softmax


class GPT(Layer):
    """Token ids (B, T) -> logits (B, T, V) of the next token at every position."""

    def __init__(self, vocab_size, context, d_model, n_layers, n_heads, rng, d_ff=None, init_std=0.02):
        super().__init__()
        if d_model % n_heads:
            raise ValueError("d_model must be a multiple of n_heads")
        self.vocab_size, self.context, self.d_model = vocab_size, context, d_model
        self.n_layers, self.n_heads = n_layers, n_heads
        self.tok = Embedding(vocab_size, d_model, rng)
        self.pos = Embedding(context, d_model, rng)
        self.tok.params["W"] *= init_std
        self.pos.params["W"] *= init_std
        self.blocks = [TransformerBlock(d_model, d_ff or 4 * d_model, rng, n_heads=n_heads, causal=True,
                                        norm_first=True) for _ in range(n_layers)]
        self.ln_f = LayerNorm(d_model)
        self._param("b", np.zeros(vocab_size, dtype=np.float32))

    def start_at_unigram(self, probs):
        """b = log p - mean(log p) for token probabilities ``probs`` (V,), e.g. the add-one unigram of the training text."""
        log_p = np.log(np.asarray(probs, dtype=np.float64))
        self.params["b"][...] = log_p - log_p.mean()
        return self

    def children(self):
        return ([("tok", self.tok), ("pos", self.pos)] + [("block{}".format(i), b) for i, b in enumerate(self.blocks)]
                + [("ln_f", self.ln_f)])

    def _logits(self, h):
        """z = h Eᵀ + b for h (..., D)."""
        E = self.tok.params["W"]
        z = backend.matmul(h.reshape(-1, self.d_model), E.T)
        z += self.params["b"]
        return z.reshape(h.shape[:-1] + (self.vocab_size,))

    def forward(self, ids, training=True, last_only=False):
        """Logits (B, T, V); with ``last_only`` just those of the last position (B, 1, V), all that generation needs."""
        ids = np.asarray(ids)
        t = ids.shape[1]
        if t > self.context:
            raise ValueError("sequence of {} tokens is longer than the context {}".format(t, self.context))
        h = self.tok.forward(ids) + self.pos.forward(np.arange(t)[None, :])
        for block in self.blocks:
            h = block.forward(h, training)
        self._hf = self.ln_f.forward(h, training)
        return self._logits(self._hf[:, -1:] if last_only else self._hf)

    def backward(self, dz):
        """dz = dL/dlogits (B, T, V); stores every gradient, returns None (token ids have no gradient)."""
        E = self.tok.params["W"]
        dz2 = dz.reshape(-1, self.vocab_size)
        d_out_E = backend.matmul(dz2.T, self._hf.reshape(-1, self.d_model))  # (V, D): z = h Eᵀ -> dE = dzᵀ h
        self.grads["b"] = dz2.sum(axis=0)
        dh = self.ln_f.backward(backend.matmul(dz2, E).reshape(self._hf.shape))
        for block in reversed(self.blocks):
            dh = block.backward(dh)
        self.pos.backward(dh.sum(axis=0, keepdims=True))
        self.tok.backward(dh)
        self.tok.grads["W"] += d_out_E
        return None

    def attention_maps(self):
        """The attention weights (B, heads, T, T) of every layer in the last forward pass."""
        return [b.attn.attn for b in self.blocks]

    # ---- generation ---------------------------------------------------------------------------------------

    def new_cache(self, batch=1):
        return KVCache(self, batch)

    def forward_cached(self, ids, cache):
        """Logits (B, t, V) of t new tokens that follow the cache.length tokens the cache holds; appends their keys
        and values to the cache. Runs the same blocks as ``forward`` (same parameters), one query row per new token."""
        ids = np.asarray(ids)
        start, t = cache.length, ids.shape[1]
        if start + t > self.context:
            raise ValueError("the cache holds {} of {} positions; {} more do not fit".format(start, self.context, t))
        h = self.tok.forward(ids) + self.pos.forward(np.arange(start, start + t)[None, :])
        for block, keys, values in zip(self.blocks, cache.keys, cache.values):
            h = h + _cached_attention(block, block.ln1.forward(h, False), keys, values, start)
            h = h + block.ffn.forward(block.ln2.forward(h, False), False)
        cache.length = start + t
        return self._logits(self.ln_f.forward(h, False))

    def astype(self, dtype):
        super().astype(dtype)
        for b in self.blocks:
            b.attn.attn = None
        return self


def _cached_attention(block, x, keys, values, start):
    """Causal attention of the new positions start..start+t-1 over all positions 0..start+t-1; writes the new keys
    and values into the cache arrays (B, heads, context, head_dim). Sets block.attn.attn to the weights (B, h, t, start+t)."""
    attn = block.attn
    t = x.shape[1]
    q, k, v = attn._split(attn.q.forward(x, False)), attn._split(attn.k.forward(x, False)), attn._split(attn.v.forward(x, False))
    end = start + t
    keys[:, :, start:end] = k
    values[:, :, start:end] = v
    scale = 1.0 / np.sqrt(q.shape[-1])
    # np.matmul, not backend.bmm: for these small batched products Pyodide's np.matmul is many times faster than
    # its einsum (python -m build_tools.bench_llm, "products"), and generation is made of such small products
    scores = np.matmul(q, keys[:, :, :end].transpose(0, 1, 3, 2)) * scale
    future = np.arange(end)[None, :] > (start + np.arange(t))[:, None]
    if future.any():
        scores = np.where(future, -np.inf, scores).astype(scores.dtype)
    a = softmax(scores)
    attn.attn = a
    return attn.o.forward(attn._merge(np.matmul(a, values[:, :, :end])), False)


class KVCache:
    """Keys and values of every layer for up to ``context`` positions: arrays (B, heads, context, head_dim)."""

    def __init__(self, model, batch=1):
        dtype = model.tok.params["W"].dtype
        shape = (batch, model.n_heads, model.context, model.d_model // model.n_heads)
        self.keys = [np.zeros(shape, dtype) for _ in model.blocks]
        self.values = [np.zeros(shape, dtype) for _ in model.blocks]
        self.length = 0

    @property
    def nbytes(self):
        return sum(a.nbytes for a in self.keys + self.values)


def cache_bytes(n_layers, n_heads, head_dim, context, bytes_per_number=4):
    """Memory of a full KV cache for one sequence: 2 (keys and values) × layers × heads × head_dim × context × bytes."""
    return 2 * n_layers * n_heads * head_dim * context * bytes_per_number


def cross_entropy(logits, targets):
    """Mean next-token cross-entropy and its gradient: L = -(1/N) Σ_n log p_n[y_n],  dL/dz = (p - onehot(y)) / N,
    with p = softmax(z) computed stably. logits (..., V), targets (...) integer ids."""
    z = logits.reshape(-1, logits.shape[-1])
    y = np.asarray(targets).reshape(-1)
    n = len(y)
    shifted = z - z.max(axis=1, keepdims=True)
    e = backend.exp(shifted)
    total = e.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = float(np.mean(np.log(total[:, 0]) - shifted[rows, y]))
    grad = e
    grad *= 1 / (n * total)  # p / N, in place: one pass over the (N, V) array instead of two
    grad[rows, y] -= 1 / n
    return loss, grad.reshape(logits.shape)


class Generator:
    """Continues a token list one token at a time; ``pick(logits (V,)) -> id`` chooses each token (greedy or
    sampling). The model reads a window of at most ``model.context`` tokens; when the window is full it keeps its
    second half and goes on (with the cache: refills the cache from that half). With or without the cache the model
    computes the same logits, so a deterministic ``pick`` gives the same tokens."""

    def __init__(self, model, ids, pick, use_cache=True):
        self.model, self.pick, self.use_cache = model, pick, use_cache
        self.ids = list(ids)
        if not self.ids:
            raise ValueError("generation needs at least one token to start from")
        self.window = max(0, len(self.ids) - model.context)
        self.cache = model.new_cache() if use_cache else None
        self.logits = None

    def step(self):
        """Append one token; returns it (its logits are in ``self.logits``)."""
        model, ids = self.model, self.ids
        if len(ids) - self.window > model.context:
            self.window = len(ids) - model.context // 2
            if self.use_cache:
                self.cache = model.new_cache()
        if self.use_cache:
            new = ids[self.window + self.cache.length:]
            self.logits = model.forward_cached(np.array([new]), self.cache)[0, -1]
        else:
            self.logits = model.forward(np.array([ids[self.window:]]), training=False, last_only=True)[0, -1]
        token = int(self.pick(self.logits))
        ids.append(token)
        return token

    def attention(self):
        """Attention of the last position over the window, averaged over heads, per layer: list of (window,)."""
        return [block.attn.attn[0, :, -1].mean(axis=0) for block in self.model.blocks]


def generate(model, ids, n_new, pick, use_cache=True):
    """The ``n_new`` tokens that follow ``ids`` (see Generator)."""
    gen = Generator(model, ids, pick, use_cache)
    return [gen.step() for _ in range(n_new)]


def save(model, path, **extra):
    """Write the model's size, parameters (float16, half the bytes) and any extra arrays (e.g. its vocabulary) to .npz."""
    config = np.array([model.vocab_size, model.context, model.d_model, model.n_layers, model.n_heads], dtype=np.int32)
    arrays = {"param." + k: p.astype(np.float16) for k, p in model.state_dict().items()}
    arrays.update(extra)
    np.savez_compressed(path, config=config, **arrays)


def load(path):
    """(model in float32, {name: extra array}) from a file written by ``save`` (a file without the output bias, written
    before it existed, gets b = 0: the same model)."""
    with np.load(path) as data:
        vocab_size, context, d_model, n_layers, n_heads = (int(v) for v in data["config"])
        model = GPT(vocab_size, context, d_model, n_layers, n_heads, np.random.RandomState(0))
        state = {"b": model.params["b"].copy()}
        state.update({k[len("param."):]: data[k].astype(np.float32) for k in data.files if k.startswith("param.")})
        model.load_state_dict(state)
        extra = {k: data[k] for k in data.files if k != "config" and not k.startswith("param.")}
    return model, extra
