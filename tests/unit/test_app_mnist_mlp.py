"""The MNIST MLP demo session (demos/apps/mnist_mlp.py), natively: target, budget, bad input, divergence,
determinism, the shift augmentation and the learning-rate schedule, and memory over repeated runs."""
import base64
import math
import tracemalloc

import numpy as np
import pytest

from demos.apps import InputError, mnist_mlp, run
from demos.apps.mnist_mlp import Session, cosine_lr, shift_images
from demos.train import Divergence


def run_to_end(session):
    updates = []
    while not session.done:
        updates.append(session.advance(0.2))
    return updates


def test_default_run_reaches_95_percent():
    reply, updates = run("mnist-mlp", {})
    assert reply["state"] == "done", reply
    result = reply["result"]
    assert result["hidden"] == 128 and result["finished_by"] == "epochs"
    assert result["steps"] == 15 * math.ceil(8000 / 64)
    assert result["test_accuracy"] >= 0.95
    assert result["seconds_to_95"] is not None and result["seconds_to_95"] <= result["seconds"]
    points = [p for u in updates for p in u["points"]]
    assert points[0]["step"] == 0 and points[0]["accuracy"] < 0.3  # the untrained network guesses
    assert points[-1]["step"] == result["steps"] and points[-1]["accuracy"] == result["test_accuracy"]
    assert max(p["accuracy"] for p in points) >= 0.95


def test_mistakes_are_the_wrongly_classified_test_images():
    session = Session({"epochs": 1, "hidden": 32})
    updates = run_to_end(session)
    mistakes = updates[-1]["mistakes"]
    result = session.result()
    assert mistakes["count"] == result["mistakes"] == round((1 - result["test_accuracy"]) * 2000)
    index = np.array(mistakes["index"])
    assert len(index) == min(24, mistakes["count"]) and np.all(np.diff(index) > 0)
    assert np.array_equal(mistakes["label"], session.y_test[index])
    assert np.all(np.array(mistakes["predicted"]) != np.array(mistakes["label"]))
    x = session.x_test[index].reshape(-1, 784)
    assert np.array_equal(mistakes["predicted"], session.model.forward(x, training=False).argmax(axis=1))
    pixels = np.frombuffer(base64.b64decode(mistakes["images"]), dtype=np.uint8).reshape(-1, 28, 28)
    assert np.abs(pixels / 255.0 - session.x_test[index]).max() <= 0.5 / 255 + 1e-6


def test_time_budget_ends_the_run():
    session = Session({"epochs": 200, "seconds": 1, "hidden": 32})
    run_to_end(session)
    result = session.result()
    assert result["finished_by"] == "time"
    assert 1.0 <= result["seconds"] < 1.5
    assert 0 < result["epochs"] < 200


@pytest.mark.parametrize("params, words", [
    ({"lr": 0}, "学习率"), ({"lr": "abc"}, "学习率"), ({"lr": float("nan")}, "学习率"),
    ({"hidden": 5000}, "隐藏层大小"), ({"batch": 0}, "批大小"), ({"batch": 2.5}, "批大小"),
    ({"epochs": -1}, "训练轮数"), ({"seconds": float("inf")}, "时间上限"),
])
def test_bad_settings_are_refused_with_a_message(params, words):
    with pytest.raises(InputError, match=words):
        Session(params)


def test_a_far_too_large_learning_rate_is_stopped_and_explained():
    session = Session({"lr": 1.0, "hidden": 32})
    with pytest.raises(Divergence, match="发散.*学习率 1.0 太大"):
        run_to_end(session)


def test_same_seed_same_run_other_seed_other_run():
    def final(seed):
        session = Session({"epochs": 1, "hidden": 32, "seed": seed})
        run_to_end(session)
        return session.result()["test_accuracy"], session.model.layers[0].params["W"].copy()

    acc_a, w_a = final(3)
    acc_b, w_b = final(3)
    _, w_c = final(4)
    assert acc_a == acc_b and np.array_equal(w_a, w_b)
    assert not np.array_equal(w_a, w_c)


def test_shift_moves_each_image_by_at_most_one_pixel():
    (x, _), _ = mnist_mlp.mnist()
    images = x[:50]  # MNIST digits keep a blank border, so a one-pixel move loses no ink
    shifted = shift_images(images, np.random.RandomState(0))
    offsets = set()
    for original, moved in zip(images, shifted):
        matches = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)
                   if np.array_equal(np.roll(original, (dy, dx), axis=(0, 1)), moved)]
        assert matches, "an image was not a one-pixel translation of its original"
        offsets.add(matches[0])
    assert len(offsets) > 3  # each image draws its own offset


def test_cosine_schedule():
    assert cosine_lr(0.004, 0.0) == pytest.approx(0.004)
    assert cosine_lr(0.004, 0.5) == pytest.approx(0.002)
    assert cosine_lr(0.004, 1.0) == pytest.approx(0.0, abs=1e-12)
    assert cosine_lr(0.004, 3.0) == pytest.approx(0.0, abs=1e-12)  # past the end it stays at 0


def test_the_data_set_is_loaded_once_and_repeated_runs_do_not_grow_memory():
    assert mnist_mlp.mnist() is mnist_mlp.mnist()
    params = {"epochs": 1, "hidden": 32, "batch": 500}
    run("mnist-mlp", params)
    tracemalloc.start()
    try:
        run("mnist-mlp", params)
        after_one = tracemalloc.get_traced_memory()[0]
        for _ in range(8):
            run("mnist-mlp", params)
        after_nine = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after_nine - after_one < 2e6
