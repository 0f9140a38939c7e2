"""Temperature, top-k, top-p, greedy and entropy (demos/sampling.py), against their definitions."""
import numpy as np
import pytest

from demos import sampling

LOGITS = np.log(np.array([0.5, 0.2, 0.15, 0.1, 0.05]))


def test_temperature_one_is_the_softmax_and_low_temperature_sharpens():
    np.testing.assert_allclose(sampling.distribution(LOGITS), [0.5, 0.2, 0.15, 0.1, 0.05], rtol=1e-12)
    cold, hot = sampling.distribution(LOGITS, 0.5), sampling.distribution(LOGITS, 2.0)
    np.testing.assert_allclose(cold, np.array([0.5, 0.2, 0.15, 0.1, 0.05]) ** 2 / np.sum(
        np.array([0.5, 0.2, 0.15, 0.1, 0.05]) ** 2), rtol=1e-12)
    assert sampling.entropy(cold) < sampling.entropy(LOGITS * 0 + 0.2) and cold[0] > 0.5 > hot[0]
    assert sampling.entropy(hot) > sampling.entropy(sampling.distribution(LOGITS))


def test_top_k_keeps_the_k_most_probable():
    p = sampling.distribution(LOGITS, top_k=2)
    np.testing.assert_allclose(p, [0.5 / 0.7, 0.2 / 0.7, 0, 0, 0], rtol=1e-12)
    np.testing.assert_allclose(sampling.distribution(LOGITS, top_k=99), sampling.distribution(LOGITS))


@pytest.mark.parametrize("top_p,kept", [(0.5, 1), (0.51, 2), (0.7, 2), (0.71, 3), (0.85, 3), (0.9, 4), (1.0, 5)])
def test_top_p_keeps_the_smallest_set_reaching_p(top_p, kept):
    p = sampling.distribution(LOGITS, top_p=top_p)
    assert (p > 0).sum() == kept
    assert p.sum() == pytest.approx(1.0)


def test_top_k_then_top_p():
    p = sampling.distribution(LOGITS, top_k=3, top_p=0.8)  # among 0.5, 0.2, 0.15 (sum 0.85): 0.588, 0.824 -> 2
    assert (p > 0).sum() == 2


def test_bad_settings_are_refused():
    for kwargs in ({"temperature": 0}, {"temperature": -1}, {"top_p": 0}, {"top_p": 1.5}):
        with pytest.raises(ValueError):
            sampling.distribution(LOGITS, **kwargs)


def test_greedy_entropy_and_sampling_frequencies():
    assert sampling.greedy(LOGITS) == 0
    assert sampling.entropy([1.0, 0, 0]) == 0
    assert sampling.entropy(np.full(8, 1 / 8)) == pytest.approx(3.0)
    rng = np.random.RandomState(0)
    p = sampling.distribution(LOGITS)
    draws = np.bincount([sampling.sample(p, rng) for _ in range(20000)], minlength=5) / 20000
    np.testing.assert_allclose(draws, p, atol=0.015)
    pick = sampling.picker(top_k=1, rng=rng)
    assert {pick(LOGITS) for _ in range(20)} == {0}
