"""The attention demo session (demos/apps/attention.py): the Transformer block learns to reverse and to sort on
held-out sequences, its attention moves to the positions each output needs, bad settings get a message, a diverging
run is stopped, and a seed repeats a run."""
import json

import numpy as np
import pytest

from demos.apps import InputError, clean, run, start, stop
from demos.apps.attention import Session
from demos.train import Divergence


def finish(session):
    updates = []
    while not session.done:
        updates.append(session.advance(1.0))
    return updates


def test_reverse_reaches_the_target_on_sequences_it_never_saw():
    session = Session({})
    finish(session)
    result = session.result()
    assert result["accuracy"] >= 0.9 and result["sequence_accuracy"] >= 0.5
    assert result["steps"] == 300 and result["task"] == "reverse"

    train = set(map(tuple, session.x_train.tolist()))
    assert len(session.x_test) == result["test_sequences"] > 100
    assert not any(tuple(row) in train for row in session.x_test.tolist())
    # the reported accuracy, recomputed against the reversal done here
    pred = session.model.forward(session.x_test, training=False).argmax(axis=-1)
    truth = session.x_test[:, ::-1]
    assert result["accuracy"] == pytest.approx(np.mean(pred == truth))
    assert result["sequence_accuracy"] == pytest.approx(np.mean(np.all(pred == truth, axis=1)))


def test_after_training_each_output_position_attends_to_the_mirrored_input():
    session = Session({})
    untrained = session.advance(0.0)
    assert untrained["step"] == 0
    updates = [untrained] + finish(session)
    views = [u["view"] for u in updates if "view" in u]
    length = session.length
    mirror = length - 1 - np.arange(length)

    def on_anti_diagonal(view):
        attn = np.array([ex["attention"] for ex in view["examples"]])  # (examples, query i, key j)
        return attn[:, np.arange(length), mirror].mean(), np.mean(attn.argmax(axis=-1) == mirror)

    mass_before, _ = on_anti_diagonal(views[0])
    mass_after, argmax_after = on_anti_diagonal(views[-1])
    assert mass_before < 0.4
    assert mass_after > 0.5 and argmax_after >= 0.9
    for ex in views[-1]["examples"]:
        assert sorted(map(tuple, np.asarray(ex["needed"]).tolist())) == [(i, length - 1 - i) for i in range(length)]


def test_sort_also_learns():
    session = Session({"task": "sort"})
    finish(session)
    result = session.result()
    assert result["accuracy"] >= 0.9
    pred = session.model.forward(session.x_test, training=False).argmax(axis=-1)
    assert result["accuracy"] == pytest.approx(np.mean(pred == np.sort(session.x_test, axis=1)))


def test_the_readers_own_example_is_shown_first_with_its_answer():
    session = Session({"task": "sort", "example": "3 1 4 1 5 2", "steps": 5})
    view = session.advance(1.0)["view"]
    first = view["examples"][0]
    assert list(first["input"]) == [3, 1, 4, 1, 5, 2]
    assert list(first["target"]) == [1, 1, 2, 3, 4, 5]
    np.testing.assert_allclose(np.sum(first["attention"], axis=1), 1.0, atol=0.01)
    # sorting: output 0 needs either position that holds a 1
    assert sorted(tuple(p) for p in np.asarray(first["needed"]).tolist() if p[0] == 0) == [(0, 1), (0, 3)]


@pytest.mark.parametrize("params,word", [
    ({"lr": 0}, "学习率"),
    ({"lr": "abc"}, "学习率"),
    ({"lr": float("nan")}, "学习率"),
    ({"length": 2}, "序列长度"),
    ({"length": 1000}, "序列长度"),
    ({"d_model": 0}, "d_model"),
    ({"d_model": 4096}, "d_model"),
    ({"steps": 0}, "训练步数"),
    ({"steps": 10 ** 9}, "训练步数"),
    ({"task": "copy"}, "任务"),
    ({"example": "1 2 3"}, "示例"),
    ({"example": "a b c d e f"}, "示例"),
    ({"example": "1 2 3 4 5 8"}, "示例"),
])
def test_bad_settings_get_a_message_for_the_reader(params, word):
    with pytest.raises(InputError) as err:
        Session(params)
    assert word in str(err.value)
    reply = json.loads(start("bad-attention", "attention", json.dumps(params, allow_nan=True)))
    assert reply["state"] == "error" and word in reply["message"]
    stop("bad-attention")


def test_a_diverging_run_is_stopped_with_an_explanation():
    session = Session({"lr": 10})
    with pytest.raises(Divergence) as err:
        finish(session)
    assert "发散" in str(err.value) and "学习率" in str(err.value)
    reply, _ = run("attention", {"lr": 10})
    assert reply["state"] == "error" and "发散" in reply["message"]


def test_same_seed_same_run_other_seed_other_run():
    def figures(params):
        reply, updates = run("attention", dict(params, steps=40))
        assert reply["state"] == "done"
        losses = [l for u in updates if "losses" in u for l in u["losses"]["y"]]
        return losses, {k: v for k, v in reply["result"].items() if not k.startswith("seconds")}

    a, b, c = figures({"seed": 1}), figures({"seed": 1}), figures({"seed": 2})
    assert a == b
    assert a[0] != c[0]


def test_progress_stays_small_at_the_largest_sizes():
    session = Session({"length": 10, "d_model": 64, "steps": 1, "example": "0 1 2 3 4 5 6 7 0 1"})
    update = session.advance(5.0)
    assert len(update["view"]["examples"]) == 5
    assert len(json.dumps(clean(update))) < 20000
