"""The playground's session: it separates the toy sets, stops by itself, explains bad settings and divergence."""
import numpy as np
import pytest

from demos import data
from demos.apps import InputError, run
from demos.apps.playground import GRID, Session, parse_layers
from demos.train import Divergence


def train(**params):
    reply, updates = run("playground", params)
    assert reply["state"] == "done", reply.get("message")
    return reply["result"], updates


def test_default_spiral_is_separated():
    result, updates = train()
    assert result["dataset"] == "spiral"
    assert result["reached"] and result["accuracy"] >= 0.95
    assert result["test_accuracy"] >= 0.85
    assert result["steps"] > 0 and result["seconds"] > 0
    assert result["layers"] == [16, 16]
    # 2 -> 16 -> 16 -> 3 parameters: weights and biases
    assert result["parameters"] == (2 * 16 + 16) + (16 * 16 + 16) + (16 * 3 + 3)
    history = [e for u in updates for e in u["epochs"]]
    assert [e["epoch"] for e in history] == list(range(1, len(history) + 1))
    assert history[-1]["accuracy"] == pytest.approx(result["accuracy"])
    assert history[0]["loss"] > history[-1]["loss"]  # the training loss went down


@pytest.mark.parametrize("dataset", ["xor", "circles", "blobs"])
def test_other_datasets_are_separated(dataset):
    result, _ = train(dataset=dataset)
    assert result["reached"] and result["accuracy"] >= 0.95


def test_the_page_gets_the_data_set_split_80_20():
    result, updates = train(dataset="xor", points=200, seed=3)
    x, y = data.xor(n=200, noise=0.1, seed=3)
    sent = updates[0]["data"]
    assert sent["train"] == 160 and sent["classes"] == 2
    assert np.allclose(sent["x"], x, atol=1e-3) and sent["y"] == y.tolist()


def test_without_hidden_layers_xor_cannot_be_separated():
    """A linear classifier (no hidden layer) cannot solve XOR: the reason hidden layers exist."""
    result, _ = train(dataset="xor", layers="0", max_epochs=100)
    assert not result["reached"] and result["epochs"] == 100
    assert result["accuracy"] < 0.8
    assert result["parameters"] == 2 * 2 + 2


def test_stops_at_the_epoch_limit_when_the_target_is_out_of_reach():
    result, _ = train(target=1.0, max_epochs=3)
    assert result["epochs"] == 3 and not result["reached"]
    assert result["steps"] == 3 * 8  # 240 training points in batches of 32


def test_boundary_grid_is_small_and_meaningful():
    result, updates = train()
    grid = updates[-1]["grid"]
    # a view at most every 0.25 s of training, and the first and the last (one view when a single slice finished it)
    views = sum("grid" in u for u in updates)
    assert (views >= 2 or len(updates) == 1) and views <= 2 + result["seconds"] / 0.25
    assert updates[-1]["grid_size"] == GRID
    assert len(grid["label"]) == len(grid["confidence"]) == GRID * GRID
    assert set(grid["label"]) == {0, 1, 2}
    assert all(1 / 3 - 0.01 <= c <= 1 for c in grid["confidence"])


@pytest.mark.parametrize("text, units", [("16-16", [16, 16]), ("", []), ("0", []), (" 8 - 4 ", [8, 4]),
                                         ([64, 1, 2, 3], [64, 1, 2, 3])])
def test_layers_are_parsed(text, units):
    assert parse_layers(text) == units


@pytest.mark.parametrize("params, words", [
    ({"layers": "1e9"}, "隐藏层"), ({"layers": "65"}, "64"), ({"layers": "8-8-8-8-8"}, "最多 4 层"),
    ({"layers": "a"}, "隐藏层"), ({"layers": "8--8"}, "隐藏层"), ({"points": 0}, "点数"),
    ({"points": 1e9}, "点数"), ({"lr": 0}, "学习率"), ({"lr": "NaN"}, "数字"), ({"lr": "abc"}, "数字"),
    ({"batch": 0}, "批大小"), ({"dataset": "moons"}, "数据集"), ({"activation": "gelu"}, "激活函数"),
    ({"optimizer": "rmsprop"}, "优化器"), ({"noise": -1}, "噪声")])
def test_bad_input_is_explained(params, words):
    with pytest.raises(InputError) as err:
        Session(params)
    assert words in str(err.value)


@pytest.mark.parametrize("optimizer, lr", [("sgd", 10), ("adam", 10)])
def test_divergence_is_stopped_and_explained(optimizer, lr):
    session = Session({"optimizer": optimizer, "lr": lr})
    with pytest.raises(Divergence) as err:
        for _ in range(200):
            session.advance(0.05)
            assert not session.done
    assert "发散" in str(err.value) and "学习率 10" in str(err.value)
    reply, _ = run("playground", {"optimizer": optimizer, "lr": lr})
    assert reply["state"] == "error" and "调小" in reply["message"]


def test_deterministic_under_a_seed():
    a, _ = train(seed=7)
    b, _ = train(seed=7)
    c, _ = train(seed=8)
    for key in ("accuracy", "test_accuracy", "loss", "steps"):
        assert a[key] == b[key]
    assert (a["loss"], a["steps"]) != (c["loss"], c["steps"])
