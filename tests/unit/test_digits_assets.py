"""build_tools/digits_assets.py: the held-out digits file the digit-recogniser page reads."""
import os
import struct
import subprocess
import sys

import numpy as np
import pytest

from build_tools import digits_assets, pack_mnist

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

NPZ = os.path.join(ROOT, "docs", "vendor", "data", "mnist.npz")


@pytest.fixture(scope="module")
def npz(tmp_path_factory):
    """The packed digits, built into a temporary folder when docs/vendor/ has not been made yet."""
    if os.path.exists(NPZ):
        return NPZ
    return pack_mnist.pack(out=str(tmp_path_factory.mktemp("data") / "mnist.npz"))


def parse(payload):
    """Read the documented layout back, independently of the writer."""
    assert payload[:4] == b"MNHO"
    (n,) = struct.unpack("<I", payload[4:8])
    images = np.frombuffer(payload, dtype=np.uint8, count=n * 784, offset=8).reshape(n, 28, 28)
    labels = np.frombuffer(payload, dtype=np.uint8, offset=8 + n * 784)
    return images, labels


def test_file_holds_the_held_out_digits_with_their_labels(npz, tmp_path):
    path = digits_assets.main(str(tmp_path), npz)
    assert os.path.basename(path) == "heldout-digits.bin"
    images, labels = parse(open(path, "rb").read())
    with np.load(npz) as data:
        expected_x, expected_y = data["x_test"], data["y_test"]
    assert images.shape == (2000, 28, 28)
    assert labels.shape == (2000,)
    np.testing.assert_array_equal(images, expected_x)
    np.testing.assert_array_equal(labels, expected_y)
    # the stratified split: 200 of each digit, and real ink in every image
    assert np.bincount(labels, minlength=10).tolist() == [200] * 10
    assert (images.reshape(2000, -1).max(axis=1) > 200).all()
    assert os.path.getsize(path) == 8 + 2000 * 785


def test_rewriting_an_unchanged_file_keeps_it(npz, tmp_path):
    path = digits_assets.main(str(tmp_path), npz)
    os.utime(path, (1, 1))
    digits_assets.main(str(tmp_path), npz)
    assert os.stat(path).st_mtime == 1


def test_bad_arrays_are_refused():
    with pytest.raises(ValueError, match="shape"):
        digits_assets.encode(np.zeros((2, 28, 27), np.uint8), np.zeros(2, np.uint8))
    with pytest.raises(ValueError, match="labels"):
        digits_assets.encode(np.zeros((2, 28, 28), np.uint8), np.zeros(3, np.uint8))
    with pytest.raises(ValueError, match="0..9"):
        digits_assets.encode(np.zeros((1, 28, 28), np.uint8), np.array([10]))


def test_command_line(npz, tmp_path):
    out = subprocess.run([sys.executable, "-m", "build_tools.digits_assets",
                          "--npz", npz, "--out-dir", str(tmp_path)], check=True, capture_output=True, text=True, cwd=ROOT)
    assert "heldout-digits.bin" in out.stdout
    images, labels = parse((tmp_path / "heldout-digits.bin").read_bytes())
    assert len(images) == len(labels) == 2000
