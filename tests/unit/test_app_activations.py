"""The activations demo's session: values and derivatives from the core's layers, checked against the formulas."""
import math

import pytest

from demos.apps import InputError, run
from demos.apps.activations import Session


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


# (f, f') written out independently of demos.layers
FORMULAS = {
    "sigmoid": lambda x: (sigmoid(x), sigmoid(x) * (1 - sigmoid(x))),
    "relu": lambda x: (max(x, 0.0), 1.0 if x > 0 else 0.0),
    "tanh": lambda x: (math.tanh(x), 1 - math.tanh(x) ** 2),
}


@pytest.mark.parametrize("x", [-5.0, -0.75, 0.0, 0.5, 2.0, 6.0])
def test_result_matches_the_formulas(x):
    reply, _ = run("activations", {"x": x})
    assert reply["state"] == "done"
    result = reply["result"]
    assert result["x"] == x
    for name, formula in FORMULAS.items():
        f, df = formula(x)
        assert result["values"][name] == pytest.approx([f, df], abs=1e-12), name


def test_grid_curves_match_the_formulas_everywhere():
    _, updates = run("activations", {})
    grid = updates[-1]
    xs = grid["x"]
    assert len(xs) == 241 and xs[0] == -6.0 and xs[-1] == 6.0
    assert xs[1] - xs[0] == pytest.approx(grid["x_step"])
    for name, formula in FORMULAS.items():
        for i, x in enumerate(xs):
            f, df = formula(x)
            assert grid["curves"][name]["f"][i] == pytest.approx(f, abs=1e-6)
            assert grid["curves"][name]["df"][i] == pytest.approx(df, abs=1e-6)


def test_saturation_is_visible_on_the_grid():
    """The book's point: far from 0 the sigmoid's slope vanishes while ReLU's stays 1."""
    _, updates = run("activations", {})
    curves, xs = updates[-1]["curves"], updates[-1]["x"]
    at_5 = xs.index(5.0)
    assert curves["sigmoid"]["df"][at_5] < 0.01
    assert curves["tanh"]["df"][at_5] < 0.001
    assert curves["relu"]["df"][at_5] == 1.0
    assert max(curves["sigmoid"]["df"]) == pytest.approx(0.25, abs=1e-6)


@pytest.mark.parametrize("x, words", [("abc", "数字"), ("NaN", "数字"), (100, "之间"), (None, "数字")])
def test_bad_x_is_explained(x, words):
    with pytest.raises(InputError) as err:
        Session({"x": x})
    assert words in str(err.value)
    reply, _ = run("activations", {"x": x})
    assert reply["state"] == "error" and "x" in reply["message"]


def test_deterministic():
    a, _ = run("activations", {"x": 1.25})
    b, _ = run("activations", {"x": 1.25})
    assert a["result"]["values"] == b["result"]["values"]
