"""The RNN demo session (demos/apps/rnn.py): it learns the sine wave, shows vanishing and exploding gradients,
rejects bad settings, stops a diverging run, and repeats itself under a seed."""
import json

import numpy as np
import pytest

from demos.apps import InputError, clean, run, start, stop
from demos.apps.rnn import DATA_END, PERIOD, TRAIN_END, Session
from demos.train import Divergence


def finish(session):
    updates = []
    while not session.done:
        updates.append(session.advance(1.0))
    return updates


def plain_rnn_predictions(session, windows):
    """The model's next-value predictions, recomputed from its weights with the recurrence written out."""
    p, r = session.model.rnn.params, session.model.readout.params
    h = np.zeros((len(windows), p["Wh"].shape[0]))
    for t in range(windows.shape[1]):
        h = np.tanh(windows[:, t:t + 1] * p["Wx"] + h.dot(p["Wh"]) + p["b"])
    return h.dot(r["W"])[:, 0] + r["b"][0]


def test_default_run_reaches_the_target_and_reports_the_true_held_out_loss():
    session = Session({})
    finish(session)
    result = session.result()
    assert result["steps"] == 500
    assert result["loss"] < result["target_loss"] == 1e-3
    assert result["seconds_to_target"] is not None and result["seconds_to_target"] <= result["seconds"]

    t = np.arange(DATA_END)
    series = np.sin(2 * np.pi * t / PERIOD)
    targets = np.arange(TRAIN_END, DATA_END)
    windows = np.stack([series[k - session.length:k] for k in targets])
    mse = np.mean((plain_rnn_predictions(session, windows) - series[targets]) ** 2)
    assert result["loss"] == pytest.approx(mse, rel=1e-6)

    # free running beyond the data stays close to the wave (its variance is 0.5)
    assert result["free_run_loss"] < 0.05


def test_free_run_feeds_each_prediction_back():
    session = Session({"steps": 50})
    finish(session)
    window = np.sin(2 * np.pi * np.arange(DATA_END - session.length, DATA_END) / PERIOD)
    free = session.model.run_free(window, 5)
    seq = list(window)
    for k in range(5):
        expected = plain_rnn_predictions(session, np.array([seq]))[0]
        assert free[k] == pytest.approx(expected, rel=1e-9, abs=1e-12)
        seq.append(expected)


@pytest.mark.parametrize("rho,vanishes", [("0.5", True), ("3", False)])
def test_gradient_reaching_early_steps_vanishes_or_explodes_with_the_recurrent_scale(rho, vanishes):
    session = Session({"rho": rho, "length": 40, "steps": 1})
    view = session.advance(1.0)["view"]
    norms = np.array(view["grad_norms_init"])
    assert np.isclose(np.max(np.abs(np.linalg.eigvals(Session({"rho": rho}).model.rnn.params["Wh"]))), float(rho))
    if vanishes:
        assert norms[0] < 1e-8 * norms[-1]
        assert np.all(np.diff(norms) > 0)
    else:
        assert norms[0] > 10 * norms[-1]


def test_clipping_bounds_the_update_but_reports_the_raw_norm():
    clipped = Session({"rho": "3", "length": 40, "clip": True})
    clipped.train_step()
    raw = clipped.grad_norm
    assert raw > 1.0
    after = np.sqrt(sum(float(np.sum(g ** 2)) for _, _, g in clipped.model.parameters()))
    assert after == pytest.approx(1.0, rel=1e-6)

    free = Session({"rho": "3", "length": 40, "clip": False})
    free.train_step()
    after = np.sqrt(sum(float(np.sum(g ** 2)) for _, _, g in free.model.parameters()))
    assert after == pytest.approx(free.grad_norm, rel=1e-9) and free.grad_norm == pytest.approx(raw, rel=1e-9)


@pytest.mark.parametrize("params,word", [
    ({"lr": 0}, "学习率"),
    ({"lr": -0.1}, "学习率"),
    ({"lr": "abc"}, "学习率"),
    ({"lr": float("nan")}, "学习率"),
    ({"hidden": 0}, "隐藏单元数"),
    ({"hidden": 100000}, "隐藏单元数"),
    ({"hidden": 2.5}, "隐藏单元数"),
    ({"length": 1}, "序列长度"),
    ({"length": 10 ** 6}, "序列长度"),
    ({"steps": 0}, "训练步数"),
    ({"steps": 10 ** 9}, "训练步数"),
    ({"rho": 0}, "W_hh 的初始大小"),
    ({"rho": "inf"}, "W_hh 的初始大小"),
    ({"clip": "maybe"}, "梯度裁剪"),
])
def test_bad_settings_get_a_message_for_the_reader(params, word):
    with pytest.raises(InputError) as err:
        Session(params)
    assert word in str(err.value)
    reply = json.loads(start("bad-rnn", "rnn", json.dumps(params, allow_nan=True)))
    assert reply["state"] == "error" and word in reply["message"]
    stop("bad-rnn")


def test_a_diverging_run_is_stopped_with_an_explanation():
    session = Session({"lr": 10})
    with pytest.raises(Divergence) as err:
        finish(session)
    assert "发散" in str(err.value) and "学习率" in str(err.value)
    assert session.step_count < 10

    reply, _ = run("rnn", {"lr": 10})
    assert reply["state"] == "error" and "发散" in reply["message"]


def test_same_seed_same_run_other_seed_other_run():
    def figures(params):
        reply, updates = run("rnn", dict(params, steps=80))
        assert reply["state"] == "done"
        losses = [l for u in updates if "losses" in u for l in u["losses"]["y"]]
        result = {k: v for k, v in reply["result"].items() if not k.startswith("seconds")}
        return losses, result

    a, b, c = figures({"seed": 3}), figures({"seed": 3}), figures({"seed": 4})
    assert a == b
    assert a[0] != c[0]


def test_progress_stays_small_at_the_largest_sizes():
    session = Session({"hidden": 64, "length": 100, "steps": 2})
    update = session.advance(5.0)
    view = update["view"]
    assert len(view["hidden"]) == 32 and len(view["hidden"][0]) == 100  # units capped for the heatmap
    assert len(json.dumps(clean(update))) < 40000
