"""The training step, batches, the divergence rule and the Trainer built on them: learning, determinism,
callbacks, stopping, time slices, divergence."""

import time

import numpy as np
import pytest

from demos import data, layers, losses, optim
from demos.train import Divergence, LossGuard, Trainer, accuracy, batches, step


def mlp(seed, n_out=2, hidden=16):
    rng = np.random.RandomState(seed)
    return layers.Sequential([layers.Dense(2, hidden, rng), layers.Tanh(),
                              layers.Dense(hidden, hidden, rng), layers.Tanh(), layers.Dense(hidden, n_out, rng)])


def test_accuracy():
    assert accuracy(np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]), np.array([1, 1, 1])) == pytest.approx(2 / 3)
    assert accuracy(np.array([[0.7], [0.2]]), np.array([1, 1])) == 0.5
    assert accuracy(np.array([[0.3], [-0.2]]), np.array([1, 0]), threshold=0.0) == 1.0


def test_mlp_learns_xor():
    x, y = data.xor(n=400, noise=0.05, seed=1)
    trainer = Trainer(mlp(0), losses.SoftmaxCrossEntropy(), optim.Adam(0.01), x, y, batch_size=32, seed=0)
    trainer.run(epochs=40)
    loss, acc = trainer.evaluate(x, y)
    assert acc > 0.97
    assert loss < 0.1


def test_mlp_learns_spiral():
    x, y = data.spiral(n=300, classes=3, noise=0.1, seed=2)
    trainer = Trainer(mlp(1, n_out=3, hidden=32), losses.SoftmaxCrossEntropy(), optim.Adam(0.01), x, y,
                      batch_size=32, seed=0)
    trainer.run(epochs=150)
    assert trainer.evaluate(x, y)[1] > 0.95


def test_same_seed_same_run_and_different_seed_differs():
    x, y = data.circles(n=200, noise=0.1, seed=3)

    def history(model_seed, batch_seed):
        trainer = Trainer(mlp(model_seed), losses.SoftmaxCrossEntropy(), optim.Momentum(0.1), x, y,
                          batch_size=16, seed=batch_seed)
        trainer.run(steps=40)
        return np.array(trainer.history), trainer.model.state_dict()

    h1, s1 = history(0, 0)
    h2, s2 = history(0, 0)
    np.testing.assert_array_equal(h1, h2)
    for key in s1:
        np.testing.assert_array_equal(s1[key], s2[key])
    assert not np.array_equal(h1, history(0, 1)[0])
    assert not np.array_equal(h1, history(5, 0)[0])


def test_epochs_steps_and_callbacks():
    x, y = data.blobs(n=100, seed=4)
    steps, epochs = [], []
    trainer = Trainer(mlp(0, n_out=3), losses.SoftmaxCrossEntropy(), optim.SGD(0.1), x, y, batch_size=32,
                      on_step=steps.append, on_epoch=epochs.append)
    result = trainer.run(epochs=3)
    assert result["done"] and result["epoch"] == 3
    assert result["steps"] == 12 == len(steps)  # 100 examples = 3 full batches + 1 of 4, per epoch
    assert [e["epoch"] for e in epochs] == [1, 2, 3]
    assert epochs[0]["loss"] == pytest.approx(np.mean([s["loss"] for s in steps[:4]]))
    assert [s["step"] for s in steps] == list(range(1, 13))
    assert trainer.run(steps=5)["steps"] == 5 and trainer.step_count == 17
    assert trainer.run(epochs=3)["steps"] == 0


def test_stop_request_is_honoured_between_steps():
    x, y = data.xor(n=64, seed=5)
    holder = {}

    def on_step(info):
        if info["step"] == 7:
            holder["trainer"].request_stop()

    trainer = Trainer(mlp(0), losses.SoftmaxCrossEntropy(), optim.SGD(0.1), x, y, batch_size=8, on_step=on_step)
    holder["trainer"] = trainer
    result = trainer.run(steps=1000)
    assert result["steps"] == 7 and result["done"] and trainer.stop_requested


def test_time_sliced_run_returns_on_time():
    x, y = data.spiral(n=300, seed=6)
    trainer = Trainer(mlp(0, n_out=3), losses.SoftmaxCrossEntropy(), optim.Adam(0.01), x, y, batch_size=16)
    start = time.time()
    result = trainer.run(seconds=0.2)
    elapsed = time.time() - start
    assert 0.2 <= elapsed < 1.0  # a slice overruns by at most one step (plus scheduling)
    assert result["steps"] > 1 and not result["done"]
    slices = [trainer.run(seconds=0.02)["steps"] for _ in range(3)]
    assert all(s >= 1 for s in slices)


def test_divergence_on_nan():
    x, y = data.circles(n=100, seed=7)
    model = layers.Sequential([layers.Dense(2, 8, np.random.RandomState(0)), layers.ReLU(),
                               layers.Dense(8, 1, np.random.RandomState(1))])
    trainer = Trainer(model, losses.MSE(), optim.SGD(10.0), x, y.astype(np.float32), batch_size=50)
    with np.errstate(all="ignore"), pytest.raises(Divergence, match="发散"):
        trainer.run(steps=200)
    assert trainer.step_count < 200


def test_divergence_on_explosion():
    x, y = data.blobs(n=64, seed=8)

    class Constant:
        values = iter([1.0, 2.0, 50.0])

        def forward(self, pred, target):
            return next(self.values)

        def backward(self):
            return np.zeros((8, 3), dtype=np.float32)

    trainer = Trainer(mlp(0, n_out=3), Constant(), optim.SGD(0.1), x, y, batch_size=8, explode_factor=10)
    trainer.run(steps=2)
    with pytest.raises(Divergence, match="第 3 步的损失已经是 50（开始时约 1）"):
        trainer.step()


def test_one_step_by_hand():
    """y = w x with w = 1, x = 2, target 6, MSE: L = (2 - 6)² = 16, dL/dw = 2 (w x - y) x = -16;
    SGD with lr 0.1 moves w to 1 + 1.6 = 2.6."""
    model = layers.Dense(1, 1, np.random.RandomState(0))
    model.params["W"][...] = 1.0
    model.params["b"][...] = 0.0
    x, y = np.array([[2.0]], dtype=np.float32), np.array([[6.0]], dtype=np.float32)
    done = step(model, losses.MSE(), optim.SGD(0.1), x, y)
    assert done.loss == pytest.approx(16.0)
    assert done.output[0, 0] == pytest.approx(2.0)  # the prediction before the update
    assert done.grad_norm is None
    assert model.params["W"][0, 0] == pytest.approx(2.6)
    assert model.params["b"][0] == pytest.approx(0.8)  # dL/db = 2 (w x - y) = -8


def test_clipping_in_the_step_reports_the_norm_before_clipping():
    """Same step: gradients (dW, db) = (-16, -8), norm √320 ≈ 17.89; clipped to norm 1, W moves by 0.1 · 16/√320."""
    model = layers.Dense(1, 1, np.random.RandomState(0))
    model.params["W"][...] = 1.0
    model.params["b"][...] = 0.0
    x, y = np.array([[2.0]], dtype=np.float32), np.array([[6.0]], dtype=np.float32)
    done = step(model, losses.MSE(), optim.SGD(0.1), x, y, clip_norm=1.0)
    assert done.grad_norm == pytest.approx(np.sqrt(320.0), rel=1e-6)
    assert model.params["W"][0, 0] == pytest.approx(1 + 0.1 * 16 / np.sqrt(320.0), rel=1e-6)


def test_batches_cover_every_example_once_per_epoch():
    stream = batches(10, 4, np.random.RandomState(0))
    first = [next(stream) for _ in range(3)]
    assert [e for e, _ in first] == [0, 0, 0] and [len(i) for _, i in first] == [4, 4, 2]
    assert sorted(np.concatenate([i for _, i in first]).tolist()) == list(range(10))
    assert next(stream)[0] == 1  # then the next epoch, in a new order
    again = batches(10, 4, np.random.RandomState(0))
    assert all(np.array_equal(next(again)[1], i) for _, i in first)


def test_the_divergence_rule():
    guard = LossGuard(10, advice="调小学习率。")
    guard.check(0.5)  # the limit counts from 1 when the first loss is smaller: 10 · max(0.5, 1) = 10
    guard.check(10.0)
    with pytest.raises(Divergence) as err:
        guard.check(10.5)
    assert str(err.value) == "训练发散了：第 3 步的损失已经是 10.5（开始时约 0.5）。调小学习率。"
    big = LossGuard(10)
    big.check(3.0)
    big.check(30.0)  # 10 · 3: still allowed
    with pytest.raises(Divergence, match="第 3 步的损失已经是 30.1"):
        big.check(30.1)
    nan = LossGuard()
    nan.check(1.0)
    with pytest.raises(Divergence, match="第 2 步的损失变成了 NaN"):
        nan.check(float("nan"))
    with pytest.raises(Divergence, match="第 1 步的损失变成了无穷大"):
        LossGuard().check(float("inf"))
    with pytest.raises(Divergence, match="第 1 步的损失变成了 NaN"):
        LossGuard().check(np.float32("nan"))
