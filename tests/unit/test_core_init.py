"""Initialisers: fan computation, scale and seeding."""

import numpy as np
import pytest

from demos import init


def test_fans():
    assert init.fans((784, 128)) == (784, 128)
    assert init.fans((64, 32, 3, 3)) == (32 * 9, 64 * 9)


@pytest.mark.parametrize("name,shape,expected_std", [
    ("he_normal", (400, 300), np.sqrt(2 / 400)),
    ("he_uniform", (400, 300), np.sqrt(2 / 400)),           # U(-a, a) has std a / √3 = √(6/400) / √3
    ("xavier_normal", (400, 300), np.sqrt(2 / 700)),
    ("xavier_uniform", (400, 300), np.sqrt(2 / 700)),
    ("he_normal", (64, 32, 3, 3), np.sqrt(2 / 288)),
])
def test_scale(name, shape, expected_std):
    w = init.get(name)(shape, np.random.RandomState(0))
    assert w.dtype == np.float32 and w.shape == shape
    assert np.std(w) == pytest.approx(expected_std, rel=0.02)
    assert abs(np.mean(w)) < 0.05 * expected_std


def test_uniform_bounds_and_seed():
    a = np.sqrt(6 / (30 + 20))
    w = init.xavier_uniform((30, 20), np.random.RandomState(1))
    assert w.max() <= a and w.min() >= -a and w.max() > 0.9 * a
    np.testing.assert_array_equal(w, init.xavier_uniform((30, 20), np.random.RandomState(1)))
    assert not np.array_equal(w, init.xavier_uniform((30, 20), np.random.RandomState(2)))
    assert init.normal((10, 10), np.random.RandomState(0), std=0.01).std() < 0.02
