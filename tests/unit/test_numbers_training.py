"""The numbers of training/initialization.md and training/regularization.md, recomputed independently.

The initialisation experiment is replayed with plain NumPy matrix products and the initialisers written out
here (not demos.init); the regularisation examples are redone by hand.
"""
import math
import os
import re

import numpy as np
import pytest

from build_tools.book_numbers import training

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAGES = ["training/initialization.md", "training/regularization.md"]
KEY = re.compile(r"\{\{n:([A-Za-z0-9_]+)\}\}")


@pytest.fixture(scope="module")
def table():
    return training.numbers()


def rms_after_layers(std_of, layers=20, width=256, batch=1000):
    """Same construction order as the book (input first, then one weight matrix per layer, same seed)."""
    rng = np.random.RandomState(0)
    h = rng.randn(batch, width)
    out = []
    for _ in range(layers):
        w = rng.randn(width, width) * std_of(width, width)
        h = np.maximum(h @ w, 0.0)
        out.append(math.sqrt(float(np.mean(h ** 2))))
    return out


def close(printed, value):
    """A printed number (plain or LaTeX scientific) equals value to the digits it shows."""
    m = re.match(r"^(-?\d+(?:\.\d+)?) \\times 10\^\{(-?\d+)\}$", printed)
    if m:
        mantissa, exponent = float(m.group(1)), int(m.group(2))
        digits = len(m.group(1).split(".")[1]) if "." in m.group(1) else 0
        return abs(value / 10 ** exponent - mantissa) <= 0.5 * 10 ** -digits + 1e-12
    digits = len(printed.split(".")[1]) if "." in printed else 0
    return abs(float(printed) - value) <= 0.5 * 10 ** -digits + 1e-12


def test_variance_formulas(table):
    assert close(table["init_xavier_var"], 2 / (784 + 256))
    assert close(table["init_xavier_a"], (6 / 1040) ** 0.5)
    assert close(table["init_he_std"], (2 / 784) ** 0.5)
    assert close(table["init_he_var"], 2 / 784)
    assert close(table["init_half_factor"], 0.5 ** 10)
    assert close(table["init_small_factor"], 0.01 * 16 / 2 ** 0.5)
    assert close(table["init_ex_conv_std"], (2 / 576) ** 0.5)
    assert close(table["init_ex_sigma"], (2 / 256) ** 0.5)
    assert close(table["init_ex_he_a"], (6 / 784) ** 0.5)
    assert close(table["init_ex_tanh_grad_2"], 1 / math.cosh(2) ** 2)


@pytest.mark.parametrize("scheme, std_of", [
    ("normal", lambda i, o: 0.01),
    ("xavier_normal", lambda i, o: (2 / (i + o)) ** 0.5),
    ("he_normal", lambda i, o: (2 / i) ** 0.5),
])
def test_deep_relu_experiment(table, scheme, std_of):
    rms = rms_after_layers(std_of)
    for layer in (5, 10, 20):
        assert close(table["init_rms_{}_{}".format(scheme, layer)], rms[layer - 1]), (scheme, layer)


def test_the_experiment_agrees_with_the_variance_argument(table):
    he = [float(table["init_rms_he_normal_{}".format(n)]) for n in (5, 10, 20)]
    assert all(0.5 < v < 2 for v in he)
    # Xavier with ReLU halves the second moment per layer: rms ~ sqrt(1/2)^20 = 0.5^10 after 20 layers
    rms20 = rms_after_layers(lambda i, o: (2 / (i + o)) ** 0.5)[19]
    assert 0.5 < rms20 / 0.5 ** 10 < 2


def test_regularisation_examples(table):
    w, g, lr, lam = 2.0, 0.5, 0.1, 0.01
    assert close(table["reg_plain"], w - lr * g)
    assert close(table["reg_decayed"], w - lr * (g + lam * w))  # the L2 gradient form
    assert close(table["reg_adam_l2"], w - lr)                  # Adam's first step: lr * sign
    assert close(table["reg_adamw"], w * (1 - lr * lam) - lr)   # PyTorch's AdamW order
    assert [table["reg_kept_{}".format(i)] for i in range(1, 5)] == ["2.0", "0.0", "6.0", "0.0"]
    assert close(table["reg_ex1_w"], math.exp(100 * math.log(0.999)))
    assert table["reg_ex2_scale"] == "1.25" and table["reg_ex2_dropped"] == "200"


def test_early_stopping(table):
    losses = [0.92, 0.61, 0.48, 0.43, 0.41, 0.42, 0.40, 0.43, 0.45, 0.47, 0.50]
    best = losses.index(min(losses)) + 1
    assert table["reg_best"] == str(best)
    assert table["reg_stop"] == str(best + 3)
    assert (table["reg_ex3_stop"], table["reg_ex3_best"]) == (str(best + 2), str(best))


def test_pages_print_exactly_these_numbers(table):
    used = set()
    for page in PAGES:
        with open(os.path.join(ROOT, "docs", page), encoding="utf-8") as fh:
            keys = set(KEY.findall(fh.read()))
        assert keys <= set(table), sorted(keys - set(table))
        used |= keys
    assert not sorted(set(table) - used)
