"""The small CNN demo session (demos/apps/cnn.py), natively: target, the pictures it sends, bad input,
a learning rate that kills the network, determinism."""
import base64

import numpy as np
import pytest

from demos.apps import InputError, run
from demos.apps.cnn import Session
from demos.layers import softmax
from demos.train import Divergence


def run_to_end(session):
    updates = []
    while not session.done:
        updates.append(session.advance(0.2))
    return updates


def test_default_run_reaches_its_target():
    reply, updates = run("cnn", {})
    assert reply["state"] == "done", reply
    result = reply["result"]
    assert result["filters"] == 8 and result["finished_by"] == "epochs" and result["steps"] == 3 * 250
    assert result["test_accuracy"] >= 0.93
    assert sum("visual" in u for u in updates) >= 2


def test_visual_shows_the_filters_and_feature_maps_of_the_chosen_digit():
    session = Session({"filters": 5, "digit": 17, "epochs": 1})
    updates = run_to_end(session)
    visual = updates[-1]["visual"]  # the last update always carries the final picture
    W = session.model.layers[0].params["W"]
    assert np.allclose(visual["filters"], W[:, 0], atol=1e-4)
    assert visual["digit"] == 17 and visual["label"] == session.y_test[17]
    digit = session.x_test[17:18, None]
    maps = np.maximum(session.model.layers[0].forward(digit, training=False), 0)[0]
    sent = np.frombuffer(base64.b64decode(visual["maps"]), dtype=np.uint8).reshape(5, 26, 26)
    assert visual["map_size"] == 26
    for m, s in zip(maps, sent):
        if m.max() > 0:
            assert s.max() == 255 and np.abs(s / 255.0 - m / m.max()).max() <= 0.5 / 255 + 1e-6
        else:
            assert s.max() == 0
    probs = softmax(session.model.forward(digit, training=False))[0]
    assert np.allclose(visual["probs"], probs, atol=1e-4)


@pytest.mark.parametrize("params, words", [
    ({"filters": 0}, "卷积核个数"), ({"filters": 64}, "卷积核个数"), ({"digit": 2000}, "示例数字"),
    ({"digit": -1}, "示例数字"), ({"lr": float("nan")}, "学习率"), ({"batch": "many"}, "批大小"),
])
def test_bad_settings_are_refused_with_a_message(params, words):
    with pytest.raises(InputError, match=words):
        Session(params)


def test_a_far_too_large_learning_rate_is_stopped_and_explained():
    # with lr 1 the first updates either blow the loss up or push every convolution output below 0 (the loss then
    # stays at ln 10 and the accuracy at the level of guessing): either way the run stops with the reason
    session = Session({"lr": 1.0})
    with pytest.raises(Divergence, match="(发散|停滞).*学习率 1.0 太大"):
        run_to_end(session)



def test_same_seed_same_filters():
    def filters(seed):
        session = Session({"epochs": 1, "seconds": 600, "seed": seed})
        run_to_end(session)
        return session.model.layers[0].params["W"].copy()

    assert np.array_equal(filters(1), filters(1))
    assert not np.array_equal(filters(1), filters(2))
