"""The optimizer race: trajectories checked against closed forms, the race's outcome, divergence handling."""
import math

import pytest

from demos.apps import InputError, run
from demos.apps.optimizers import GRID_SIZE, Session
from demos.train import Divergence

QUADRATIC = {"surface": "quadratic", "x0": -4, "y0": 1.5, "steps": 150,
             "lr_gd": 0.035, "lr_momentum": 0.035, "lr_adam": 0.1}
ROSENBROCK = {"surface": "rosenbrock", "x0": -1.5, "y0": 2, "steps": 2000,
              "lr_gd": 0.001, "lr_momentum": 0.001, "lr_adam": 0.05}


def race(params):
    reply, updates = run("optimizers", params)
    assert reply["state"] == "done", reply.get("message")
    return reply["result"], updates


def test_gradient_descent_follows_the_closed_form_on_the_quadratic():
    # f = (x² + 50 y²)/2: each GD step multiplies x by (1 - η) and y by (1 - 50 η)
    result, _ = race(QUADRATIC)
    eta, k = 0.035, 150
    x, y = result["optimizers"]["gd"]["position"]
    assert x == pytest.approx(-4 * (1 - eta) ** k, rel=1e-9)
    assert y == pytest.approx(1.5 * (1 - 50 * eta) ** k, abs=1e-15)
    assert result["optimizers"]["gd"]["loss"] == pytest.approx(0.5 * (x * x + 50 * y * y), rel=1e-12)


def test_momentum_and_adam_beat_gradient_descent_in_the_narrow_valley():
    result, _ = race(QUADRATIC)
    losses = {name: r["loss"] for name, r in result["optimizers"].items()}
    assert losses["momentum"] < losses["gd"] / 10
    assert losses["adam"] < losses["gd"] / 10
    assert result["steps"] == 150 and result["diverged"] == {}
    assert result["best"] == min(losses, key=losses.get)


def test_rosenbrock_race():
    result, _ = race(ROSENBROCK)
    opts = result["optimizers"]
    assert opts["gd"]["loss"] > 0.01  # still crawling along the curved valley
    for name in ("momentum", "adam"):
        assert opts[name]["loss"] < 1e-4
        assert opts[name]["position"] == pytest.approx([1.0, 1.0], abs=0.02)


def test_saddle_point_traps_whoever_starts_exactly_on_it():
    # on y = 0 the gradient has no y component: nobody can leave the x-axis, all end at the saddle (f = 1/4)
    common = {"surface": "saddle", "x0": -2, "steps": 200, "lr_gd": 0.05, "lr_momentum": 0.05, "lr_adam": 0.05}
    trapped, _ = race(dict(common, y0=0))
    for r in trapped["optimizers"].values():
        assert r["position"][1] == 0 and r["loss"] == pytest.approx(0.25, abs=1e-3)
    escaped, _ = race(dict(common, y0=0.001))
    for r in escaped["optimizers"].values():
        assert abs(r["position"][1]) == pytest.approx(1, abs=0.01) and r["loss"] < 1e-4


@pytest.mark.parametrize("lr, diverges", [(0.039, False), (0.041, True)])
def test_gradient_descent_diverges_exactly_above_two_over_the_curvature(lr, diverges):
    result, _ = race(dict(QUADRATIC, lr_gd=lr))
    assert result["optimizers"]["gd"]["diverged"] is diverges
    assert ("gd" in result["diverged"]) is diverges
    # the other two finish the race either way
    assert result["optimizers"]["momentum"]["steps"] == 150 and result["optimizers"]["adam"]["steps"] == 150
    if diverges:
        message = result["diverged"]["gd"]
        assert "GD" in message and "0.04" in message and "学习率" in message
        assert result["optimizers"]["gd"]["loss"] is None


@pytest.mark.parametrize("lr, diverges", [(0.07, False), (0.08, True)])
def test_momentum_bound_is_explained(lr, diverges):
    # heavy ball on curvature λ is stable for η < 2 (1 + β) / λ = 0.076 at β = 0.9
    result, _ = race(dict(QUADRATIC, lr_momentum=lr))
    assert result["optimizers"]["momentum"]["diverged"] is diverges
    if diverges:
        assert "0.076" in result["diverged"]["momentum"]


def test_all_three_diverging_stops_the_run_with_an_error():
    params = dict(ROSENBROCK, lr_gd=0.01, lr_momentum=0.01, lr_adam=50)
    session = Session(params)
    with pytest.raises(Divergence) as err:
        for _ in range(100):
            session.advance(0.1)
    assert "都发散" in str(err.value) and "GD" in str(err.value) and "Adam" in str(err.value)
    reply, _ = run("optimizers", params)
    assert reply["state"] == "error" and "发散" in reply["message"]


def test_progress_is_drawn_in_small_chunks_and_the_grid_sent_once():
    _, updates = race(dict(QUADRATIC, steps=600))
    assert "grid" in updates[0] and all("grid" not in u for u in updates[1:])
    grid = updates[0]["grid"]
    assert len(grid["values"]) == GRID_SIZE * GRID_SIZE
    # log10(f + 1e-3) is smallest at the minimum, in the middle of the map
    middle = (GRID_SIZE // 2) * GRID_SIZE + GRID_SIZE // 2
    assert min(grid["values"]) == pytest.approx(grid["values"][middle], abs=1.0)
    assert len(updates) >= 60
    points = sum(len(u["paths"]["gd"]) for u in updates)
    assert points == 601  # the start and one point per step
    assert max(len(u["paths"]["adam"]) for u in updates) <= 11


@pytest.mark.parametrize("params, words", [
    ({"lr_gd": 0}, "GD 学习率"), ({"lr_adam": "abc"}, "数字"), ({"lr_momentum": "NaN"}, "数字"),
    ({"steps": 0}, "步数"), ({"steps": 1e9}, "步数"), ({"steps": 2.5}, "整数"),
    ({"surface": "moon"}, "曲面"), ({"x0": 7}, "起点 x"), ({"surface": "rosenbrock", "x0": 0, "y0": -2}, "起点 y"),
    ({"beta": 1}, "β"), ({"beta2": 1}, "β2")])
def test_bad_input_is_explained(params, words):
    with pytest.raises(InputError) as err:
        Session(params)
    assert words in str(err.value)


def test_deterministic():
    a, _ = race(ROSENBROCK)
    b, _ = race(ROSENBROCK)
    for name in ("gd", "momentum", "adam"):
        assert a["optimizers"][name] == b["optimizers"][name]
    assert all(math.isfinite(r["loss"]) for r in a["optimizers"].values())
