"""Data for the demos: toy 2-D classification sets, sequences, token tasks and MNIST.

Every generator takes a ``seed`` and returns the same data for the same
arguments; inputs are float32 and class labels and tokens np.intp (int64 natively,
int32 on 32-bit WebAssembly, where np.bincount and indexing want that type).
"""

import gzip
import os

import numpy as np


# --- 2-D classification sets (x: (n, 2) float32, y: (n,) np.intp) -------------

def _finish(x, y, seed):
    order = np.random.RandomState(seed + 1).permutation(len(y))
    return x[order].astype(np.float32), y[order].astype(np.intp)


def _class_sizes(n, classes):
    return [n // classes + (1 if j < n % classes else 0) for j in range(classes)]


def xor(n=200, noise=0.1, seed=0):
    """Points in [-1, 1]²; label 1 where exactly one coordinate is positive.
    Points are kept 0.1 away from the axes before Gaussian noise (std ``noise``) is added."""
    rng = np.random.RandomState(seed)
    x = rng.uniform(-1, 1, size=(n, 2))
    x += np.sign(x) * 0.1 * (np.abs(x) < 0.1)
    y = ((x[:, 0] > 0) != (x[:, 1] > 0)).astype(np.intp)
    x += noise * rng.randn(n, 2)
    return _finish(x, y, seed)


def circles(n=200, noise=0.1, factor=0.5, seed=0):
    """Two concentric circles: outer radius 1 (label 0), inner radius ``factor`` (label 1)."""
    rng = np.random.RandomState(seed)
    n_out, n_in = _class_sizes(n, 2)
    angles = rng.uniform(0, 2 * np.pi, size=n)
    radius = np.concatenate([np.ones(n_out), np.full(n_in, factor)])
    x = radius[:, None] * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    x += noise * rng.randn(n, 2)
    return _finish(x, y, seed)


def spiral(n=300, classes=3, noise=0.2, seed=0):
    """Interleaved spiral arms, one per class: radius r ∈ [0, 1], angle
    θ = 4j + 4r (+ Gaussian noise of std ``noise`` on θ), x = r (sin θ, cos θ)."""
    rng = np.random.RandomState(seed)
    xs, ys = [], []
    for j, m in enumerate(_class_sizes(n, classes)):
        r = np.linspace(0.0, 1.0, m)
        theta = np.linspace(4.0 * j, 4.0 * (j + 1), m) + noise * rng.randn(m)
        xs.append(np.stack([r * np.sin(theta), r * np.cos(theta)], axis=1))
        ys.append(np.full(m, j))
    return _finish(np.concatenate(xs), np.concatenate(ys), seed)


def blobs(n=300, centers=3, noise=0.3, seed=0):
    """Gaussian blobs (std ``noise``) around ``centers`` points evenly spaced on the unit circle."""
    rng = np.random.RandomState(seed)
    xs, ys = [], []
    for j, m in enumerate(_class_sizes(n, centers)):
        angle = 2 * np.pi * j / centers
        xs.append(np.array([np.cos(angle), np.sin(angle)]) + noise * rng.randn(m, 2))
        ys.append(np.full(m, j))
    return _finish(np.concatenate(xs), np.concatenate(ys), seed)


DATASETS_2D = {"xor": xor, "circles": circles, "spiral": spiral, "blobs": blobs}


# --- sequences ---------------------------------------------------------------

def sine_sequences(n=256, length=20, noise=0.0, seed=0, min_freq=0.1, max_freq=0.5):
    """Windows of sin(ω t + φ) with random ω ∈ [min_freq, max_freq] (radians per step) and φ.

    Returns x (n, length, 1) and y (n, length, 1), float32, where y[:, t] = x[:, t + 1]
    is the next value of the clean signal: a one-step-ahead prediction task."""
    rng = np.random.RandomState(seed)
    omega = rng.uniform(min_freq, max_freq, size=(n, 1))
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1))
    s = np.sin(omega * np.arange(length + 1) + phase)
    x = s[:, :-1] + noise * rng.randn(n, length)
    return x[..., None].astype(np.float32), s[:, 1:, None].astype(np.float32)


def _tokens(n, length, vocab, seed):
    # int64 draws on every platform, so that 32-bit WebAssembly gets the same tokens
    return np.random.RandomState(seed).randint(0, vocab, size=(n, length), dtype=np.int64).astype(np.intp)


def copy_task(n=512, length=8, vocab=10, seed=0):
    """x random tokens (n, length) in [0, vocab); y = x."""
    x = _tokens(n, length, vocab, seed)
    return x, x.copy()


def reverse_task(n=512, length=8, vocab=10, seed=0):
    """y is x reversed: y[:, t] = x[:, length - 1 - t]."""
    x = _tokens(n, length, vocab, seed)
    return x, x[:, ::-1].copy()


def sort_task(n=512, length=8, vocab=10, seed=0):
    """y is x sorted ascending."""
    x = _tokens(n, length, vocab, seed)
    return x, np.sort(x, axis=1)


TOKEN_TASKS = {"copy": copy_task, "reverse": reverse_task, "sort": sort_task}


# --- MNIST -------------------------------------------------------------------

_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}

_IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


def read_idx(path):
    """Read one IDX file (optionally gzip-compressed): magic 0x0000, a type byte,
    the number of dimensions, the dimensions as big-endian uint32, then the data."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError("%s: not an IDX file" % path)
    ndim = raw[3]
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    offset = 4 + 4 * ndim
    count = int(np.prod(dims)) if dims else 1
    if len(raw) - offset != count * dtype.itemsize:
        raise ValueError("%s: expected %d values of %s after the header" % (path, count, dtype))
    return np.frombuffer(raw, dtype=dtype, count=count, offset=offset).reshape(dims)


def _find_idx(folder, name):
    # Some mirrors write "train-images.idx3-ubyte" instead of "train-images-idx3-ubyte".
    dotted = name.replace("-idx", ".idx")
    for candidate in (name, name + ".gz", dotted, dotted + ".gz"):
        path = os.path.join(folder, candidate)
        if os.path.exists(path):
            return path
    raise FileNotFoundError("%s not found in %s" % (name, folder))


def load_mnist(path):
    """Load MNIST from the book's packed ``mnist.npz`` or from a folder of the
    standard IDX files (train-images-idx3-ubyte, ..., optionally .gz).

    Returns ((x_train, y_train), (x_test, y_test)): images float32 in [0, 1]
    with shape (N, 28, 28), labels np.intp."""
    if os.path.isdir(path):
        arrays = {key: read_idx(_find_idx(path, name)) for key, name in _IDX_FILES.items()}
    else:
        with np.load(path) as f:
            arrays = {key: f[key] for key in _IDX_FILES}
    for part in ("train", "test"):
        if len(arrays["x_" + part]) != len(arrays["y_" + part]):
            raise ValueError("%s: %s images and labels differ in number" % (path, part))

    def images(a):
        return (a.astype(np.float32) / 255.0).reshape(-1, 28, 28)

    return ((images(arrays["x_train"]), arrays["y_train"].astype(np.intp)),
            (images(arrays["x_test"]), arrays["y_test"].astype(np.intp)))
