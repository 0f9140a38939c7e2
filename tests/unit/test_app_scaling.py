"""The scaling demo session (demos/apps/scaling.py): the power-law fit recovers a known exponent, the loss at a
compute budget is interpolated in log compute, every size reads the same tokens, bad budgets are explained."""
import numpy as np
import pytest

from demos.apps import InputError
from demos.apps import scaling as app


@pytest.mark.parametrize("alpha, c", [(0.076, 1.7), (0.3, 0.0), (0.5, 2.5)])
def test_fit_recovers_a_known_power_law(alpha, c):
    n = np.array([1e3, 4e3, 1.6e4, 6.4e4, 2.5e5])
    loss = 20.0 * n ** -alpha + c
    fit = app.fit_power_law(n, loss, grid=2000)
    assert fit["alpha"] == pytest.approx(alpha, rel=0.05)
    assert fit["c"] == pytest.approx(c, abs=0.05)
    assert fit["rmse"] < 1e-3


def test_fit_with_noise_stays_near_the_exponent():
    rng = np.random.RandomState(0)
    n = np.geomspace(1e3, 1e6, 8)
    loss = 10.0 * n ** -0.2 + 1.0 + rng.normal(0, 0.002, n.shape)
    assert app.fit_power_law(n, loss)["alpha"] == pytest.approx(0.2, abs=0.03)


def test_fit_needs_three_points():
    with pytest.raises(ValueError):
        app.fit_power_law([1e3, 1e4], [3.0, 2.0])


def test_loss_at_compute_interpolates_in_log_compute():
    assert app.loss_at_compute([1e6, 1e8], [4.0, 2.0], 1e7) == pytest.approx(3.0)
    assert app.loss_at_compute([1e6, 1e8], [4.0, 2.0], 1e9) is None
    assert app.loss_at_compute([1e6, 1e8], [4.0, 2.0], 1e5) is None


def test_block_params_counts_what_the_model_has():
    from demos.gpt import GPT
    for width, layers, heads in app.PRESETS["width"] + app.PRESETS["deep"]:
        model = GPT(app.VOCAB, app.CONTEXT, width, layers, heads, np.random.RandomState(0))
        assert app.non_embedding_params(model) == app.block_params(width, layers)


def test_the_experiment_runs_reports_curves_fit_and_a_budget_winner():
    session = app.Session({"sizes": "width", "steps": 12, "budget": 0.02, "seed": 1})
    updates = []
    while not session.done:
        updates.append(session.advance(0.5))
    r = session.result()
    assert len(r["sizes"]) == 4 and r["tokens"] == 12 * app.BATCH * app.CONTEXT
    n = [s["params"] for s in r["sizes"]]
    assert n == sorted(n) and len(set(n)) == 4
    for curve, size in zip(r["curves"], r["sizes"]):
        assert curve["steps"][-1] == 12 and curve["steps"] == sorted(curve["steps"])
        # C = 6 N D with D the tokens read so far
        assert curve["compute"][-1] == pytest.approx(6 * size["params"] * r["tokens"])
        assert all(np.isfinite(curve["val_loss"]))
    assert r["fit"] is not None and np.isfinite(r["alpha"])
    measured = [i for i, loss in enumerate(r["budget_losses"]) if loss is not None]
    assert len(measured) >= 2 and r["winner"] in measured
    assert r["budget_losses"][r["winner"]] == min(r["budget_losses"][i] for i in measured)
    assert r["budget_tokens"][0] == pytest.approx(r["budget"] / (6 * n[0]))
    assert updates[-1]["fit"] == r["fit"]
    assert 0.5 < r["coverage"] < 1


def test_same_seed_same_tokens_same_losses():
    a = app.Session({"sizes": "width", "steps": 10, "budget": 0.02, "seed": 3})
    b = app.Session({"sizes": "width", "steps": 10, "budget": 0.02, "seed": 3})
    for s in (a, b):
        while not s.done:
            s.advance(1.0)
    assert a.result()["curves"][0]["val_loss"] == b.result()["curves"][0]["val_loss"]


@pytest.mark.parametrize("params, words", [
    ({"budget": 1e5}, "计算预算"), ({"budget": 0.001, "steps": 2000}, "计算预算"),
    ({"steps": "NaN"}, "训练步数"), ({"steps": "1.5"}, "训练步数"), ({"steps": "5"}, "训练步数"),
    ({"sizes": "huge"}, "四个模型的大小"), ({"seed": "-1"}, "随机种子"), ({"budget": "abc"}, "计算预算"),
])
def test_bad_settings_are_explained(params, words):
    with pytest.raises(InputError) as err:
        app.Session(params)
    assert words in str(err.value)


def test_full_width_digits_are_read():
    session = app.Session({"steps": "２００", "budget": "０.３"})
    assert session.steps_each == 200 and session.budget == pytest.approx(0.3e9)
