"""Choosing the next token from a language model's logits z (V,).

    temperature τ:  p_i = e^{z_i / τ} / Σ_j e^{z_j / τ}         τ < 1 sharpens, τ > 1 flattens, τ → 0 is greedy
    top-k:          keep the k most probable tokens, renormalise
    top-p (nucleus): keep the fewest most probable tokens whose probabilities sum to at least p, renormalise
    greedy:         always the most probable token (argmax z)
    entropy:        H(p) = -Σ_i p_i log₂ p_i bits: 0 when one token is certain, log₂ V when all are equally likely

Temperature first, then top-k, then top-p (on the distribution top-k left), as in common inference libraries.
"""
import numpy as np

from .layers import softmax


def distribution(logits, temperature=1.0, top_k=0, top_p=1.0):
    """The probabilities (V,) that sampling draws from; ``top_k=0`` keeps every token, ``top_p=1`` turns it off."""
    if not temperature > 0:
        raise ValueError("temperature must be > 0 (use greedy() for the limit τ → 0)")
    if not 0 < top_p <= 1:
        raise ValueError("top_p must be in (0, 1]")
    p = softmax(np.asarray(logits, dtype=np.float64) / temperature)
    order = np.argsort(-p, kind="stable")
    keep = np.zeros(len(p), dtype=bool)
    n = len(p) if not top_k or top_k >= len(p) else int(top_k)
    if top_p < 1:
        cumulative = np.cumsum(p[order[:n]]) / p[order[:n]].sum()
        n = min(n, int(np.searchsorted(cumulative, top_p - 1e-12)) + 1)
    keep[order[:n]] = True
    p = np.where(keep, p, 0.0)
    return p / p.sum()


def greedy(logits):
    return int(np.argmax(logits))


def sample(probs, rng):
    """One id drawn from the probabilities ``probs`` with ``rng`` (np.random.RandomState)."""
    cumulative = np.cumsum(probs)
    return int(min(np.searchsorted(cumulative, rng.uniform() * cumulative[-1], side="right"), len(probs) - 1))


def entropy(probs):
    """H(p) = -Σ p log₂ p in bits (terms with p = 0 count 0)."""
    p = np.asarray(probs, dtype=np.float64)
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def picker(temperature=1.0, top_k=0, top_p=1.0, rng=None, greedy_pick=False):
    """A function logits -> next id with these settings (what ``demos.gpt.Generator`` takes)."""
    if greedy_pick:
        return greedy
    rng = rng or np.random.RandomState(0)
    return lambda logits: sample(distribution(logits, temperature, top_k, top_p), rng)
