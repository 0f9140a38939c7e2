"""Synthetic data sets and the IDX / .npz MNIST readers."""

import gzip
import os
import struct

import numpy as np
import pytest

from demos import data


@pytest.mark.parametrize("name", sorted(data.DATASETS_2D))
def test_2d_sets_shapes_and_seeds(name):
    make = data.DATASETS_2D[name]
    x, y = make(n=101, noise=0.1, seed=3)
    assert x.shape == (101, 2) and x.dtype == np.float32
    assert y.shape == (101,) and y.dtype == np.intp
    x2, y2 = make(n=101, noise=0.1, seed=3)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(x, make(n=101, noise=0.1, seed=4)[0])
    counts = np.bincount(y)
    if name == "xor":  # labels follow uniformly drawn points: balanced only on average
        assert len(counts) == 2 and counts.min() > 0.35 * len(y)
    else:
        assert counts.max() - counts.min() <= 1


def test_noise_free_geometry():
    x, y = data.xor(n=300, noise=0.0, seed=0)
    np.testing.assert_array_equal(y, (x[:, 0] * x[:, 1] < 0).astype(np.intp))
    assert np.all(np.abs(x) >= 0.1 - 1e-6)
    x, y = data.circles(n=100, noise=0.0, factor=0.4, seed=0)
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), np.where(y == 1, 0.4, 1.0), rtol=1e-5)
    x, y = data.spiral(n=90, classes=3, noise=0.0, seed=0)
    assert np.linalg.norm(x, axis=1).max() == pytest.approx(1.0, rel=1e-6)
    x, y = data.blobs(n=300, centers=4, noise=0.05, seed=0)
    centre = x[y == 1].mean(axis=0)
    np.testing.assert_allclose(centre, [0.0, 1.0], atol=0.02)


@pytest.mark.parametrize("name", ["xor", "circles", "blobs"])
def test_noise_is_gaussian_with_the_given_std(name):
    make = data.DATASETS_2D[name]
    clean = make(n=2000, noise=0.0, seed=1)[0]
    for noise in (0.05, 0.3):
        offset = make(n=2000, noise=noise, seed=1)[0] - clean
        assert np.std(offset) == pytest.approx(noise, rel=0.05)


def test_sine_sequences_predict_the_next_value():
    x, y = data.sine_sequences(n=5, length=12, seed=0)
    assert x.shape == y.shape == (5, 12, 1) and x.dtype == np.float32
    np.testing.assert_array_equal(x[:, 1:], y[:, :-1])
    noisy, y2 = data.sine_sequences(n=5, length=12, noise=0.1, seed=0)
    np.testing.assert_array_equal(y, y2)
    assert not np.allclose(noisy, x)


def test_token_tasks():
    x, y = data.copy_task(n=50, length=7, vocab=5, seed=0)
    assert x.shape == (50, 7) and x.dtype == np.intp and x.min() >= 0 and x.max() == 4
    np.testing.assert_array_equal(x, y)
    x, y = data.reverse_task(n=50, length=7, vocab=5, seed=0)
    np.testing.assert_array_equal(y[:, 0], x[:, 6])
    np.testing.assert_array_equal(y[:, 3], x[:, 3])
    x, y = data.sort_task(n=50, length=7, vocab=5, seed=0)
    assert np.all(np.diff(y, axis=1) >= 0)
    np.testing.assert_array_equal(np.sort(x, axis=1), y)


def write_idx(path, array, type_code=0x08):
    """IDX: two zero bytes, the type, the number of dimensions, big-endian uint32 sizes, the data."""
    header = struct.pack(">BBBB", 0, 0, type_code, array.ndim) + struct.pack(">" + "I" * array.ndim, *array.shape)
    payload = header + array.astype({0x08: ">u1", 0x0C: ">i4"}[type_code]).tobytes()
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(payload)


def fake_mnist(rng, n):
    return rng.randint(0, 256, size=(n, 28, 28)).astype(np.uint8), rng.randint(0, 10, size=n).astype(np.uint8)


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_load_mnist_from_idx_folder(tmp_path, suffix):
    rng = np.random.RandomState(0)
    x_train, y_train = fake_mnist(rng, 5)
    x_test, y_test = fake_mnist(rng, 3)
    folder = str(tmp_path)
    write_idx(os.path.join(folder, "train-images-idx3-ubyte" + suffix), x_train)
    write_idx(os.path.join(folder, "train-labels-idx1-ubyte" + suffix), y_train)
    write_idx(os.path.join(folder, "t10k-images-idx3-ubyte" + suffix), x_test)
    write_idx(os.path.join(folder, "t10k-labels-idx1-ubyte" + suffix), y_test)
    (xa, ya), (xb, yb) = data.load_mnist(folder)
    assert xa.shape == (5, 28, 28) and xa.dtype == np.float32 and xb.shape == (3, 28, 28)
    np.testing.assert_allclose(xa * 255, x_train, atol=1e-4)
    np.testing.assert_allclose(xb[2, 14], x_test[2, 14] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(ya, y_train)
    np.testing.assert_array_equal(yb, y_test)
    assert ya.dtype == np.intp


def test_read_idx_other_types_and_errors(tmp_path):
    path = str(tmp_path / "ints-idx2")
    values = np.array([[1, -2, 70000], [3, 4, -5]])
    write_idx(path, values, type_code=0x0C)
    np.testing.assert_array_equal(data.read_idx(path), values)
    bad = str(tmp_path / "bad")
    with open(bad, "wb") as f:
        f.write(b"\x01\x02\x08\x01\x00\x00\x00\x02ab")
    with pytest.raises(ValueError, match="not an IDX"):
        data.read_idx(bad)
    short = str(tmp_path / "short")
    with open(short, "wb") as f:
        f.write(struct.pack(">BBBBI", 0, 0, 0x08, 1, 5) + b"abc")
    with pytest.raises(ValueError, match="expected 5"):
        data.read_idx(short)
    with pytest.raises(FileNotFoundError):
        data.load_mnist(str(tmp_path))


def test_load_mnist_from_npz(tmp_path):
    rng = np.random.RandomState(1)
    x_train, y_train = fake_mnist(rng, 4)
    x_test, y_test = fake_mnist(rng, 2)
    path = str(tmp_path / "m.npz")
    np.savez_compressed(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    (xa, ya), (xb, yb) = data.load_mnist(path)
    np.testing.assert_allclose(xa, x_train / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(yb, y_test)
    assert xa.max() <= 1.0 and xa.dtype == np.float32
