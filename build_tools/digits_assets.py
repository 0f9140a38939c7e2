"""Write the held-out digits that the digit-recogniser page needs, as one small binary file.

The page (docs/assets/js/demos/digits.js) shows a gallery of held-out digits and classifies the whole
held-out set in its batch mode. Both come from the 2,000 held-out digits of docs/vendor/data/mnist.npz
(the fixed split of build_tools/pack_mnist.py, the same digits the CNN was evaluated on), stored as raw
bytes so the browser reads them with one fetch and no decoder:

    offset          size        content
    0               4           magic b"MNHO"
    4               4           N, uint32 little-endian
    8               N * 784     images, uint8, row-major 28 x 28, white ink (255) on black (0)
    8 + N * 784     N           labels, uint8 0..9

    python -m build_tools.digits_assets [--npz docs/vendor/data/mnist.npz] [--out-dir docs/vendor/data]
"""
import argparse
import os
import struct

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_NPZ = os.path.join(ROOT, "docs", "vendor", "data", "mnist.npz")
DEFAULT_OUT_DIR = os.path.join(ROOT, "docs", "vendor", "data")
FILE_NAME = "heldout-digits.bin"
MAGIC = b"MNHO"
SIDE = 28


def encode(images, labels):
    """The file's bytes for uint8 images (N, 28, 28) and labels (N,)."""
    images = np.asarray(images)
    labels = np.asarray(labels)
    if images.ndim != 3 or images.shape[1:] != (SIDE, SIDE):
        raise ValueError("images must have shape (N, 28, 28), not %s" % (images.shape,))
    if len(labels) != len(images):
        raise ValueError("%d images but %d labels" % (len(images), len(labels)))
    if images.dtype != np.uint8 or labels.min() < 0 or labels.max() > 9:
        raise ValueError("images must be uint8 and labels 0..9")
    return MAGIC + struct.pack("<I", len(images)) + images.tobytes() + labels.astype(np.uint8).tobytes()


def main(out_dir=DEFAULT_OUT_DIR, npz=DEFAULT_NPZ):
    """Write ``out_dir/heldout-digits.bin`` from the held-out part of ``npz``; return its path."""
    with np.load(npz) as data:
        payload = encode(data["x_test"], data["y_test"])
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, FILE_NAME)
    # Rewrite only on change, so the file keeps its date and the HTTP cache of `mkdocs serve` stays valid.
    if not (os.path.exists(path) and open(path, "rb").read() == payload):
        with open(path, "wb") as f:
            f.write(payload)
    return path


def cli(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--npz", default=DEFAULT_NPZ, help="the packed MNIST digits (build_tools/pack_mnist.py)")
    parser.add_argument("--out-dir", default=DEFAULT_OUT_DIR, help="where %s is written" % FILE_NAME)
    args = parser.parse_args(argv)
    path = main(args.out_dir, args.npz)
    print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))


if __name__ == "__main__":
    cli()
