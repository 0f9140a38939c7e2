"""The practice, business and outlook chapters: their code listings, the NumPy programs and the book numbers.

* Every ```python block of these pages is parsed with ast (PyTorch, TensorFlow and transformers cannot run
  here); a block that includes a file with `--8<--` is parsed with that file's text.
* The NumPy programs in demos/examples/ written for practice/code.md are run as the reader runs them
  (a subprocess, cwd = the repo root) and their printed results are checked.
* The numbers of build_tools/book_numbers/practice.py are recomputed here by other means: parameter counts
  by building the same shapes with the NumPy core, the business example with exact fractions, the
  training results by parsing what the programs print.
"""
import ast
import math
import os
import re
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from build_tools.book_numbers import practice
from demos.attention import Embedding, TransformerBlock
from demos.layers import Conv2D, Dense, Flatten, MaxPool2D, ReLU, Sequential

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PAGES = [
    "practice/setup.md", "practice/code.md", "practice/optimization.md", "applications.md",
    "business/channels.md", "business/models.md", "business/growth.md", "tools.md", "trends.md",
    "faq.md", "glossary.md", "references.md", "errata.md",
]
SNIPPET_DIRS = [os.path.join(ROOT, "includes"), os.path.join(ROOT, "demos", "examples")]
EXAMPLES = ["regression_numpy", "mnist_mlp_numpy", "mnist_cnn_numpy", "text_classifier_numpy"]
FENCE = re.compile(r"^(?P<indent>[ \t]*)```python[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)
SNIPPET = re.compile(r'^\s*--8<--\s+"([^"]+)"\s*$', re.M)
KEY = re.compile(r"\{\{n:([A-Za-z0-9_]+)\}\}")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def snippet_path(name):
    for folder in SNIPPET_DIRS:
        path = os.path.join(folder, name)
        if os.path.exists(path):
            return path
    raise AssertionError("snippet {} is in neither includes/ nor demos/examples/".format(name))


def python_blocks(page, resolve=True):
    """(page, index, source) for every ```python fence, indentation removed and (unless told not to)
    `--8<--` lines replaced by the included file."""
    blocks = []
    for i, m in enumerate(FENCE.finditer(read(os.path.join(ROOT, "docs", page)))):
        indent = len(m.group("indent"))
        body = "".join(line[indent:] if line.strip() else "\n" for line in m.group("body").splitlines(True))
        if resolve:
            body = SNIPPET.sub(lambda s: read(snippet_path(s.group(1))), body)
        blocks.append((page, i, body))
    return blocks


ALL_BLOCKS = [b for page in PAGES for b in python_blocks(page)]


@pytest.mark.parametrize("page,index,source", ALL_BLOCKS, ids=["{}#{}".format(p, i) for p, i, _ in ALL_BLOCKS])
def test_python_block_parses(page, index, source):
    ast.parse(source, filename="{} block {}".format(page, index))


def test_code_page_has_every_listing():
    """Five corrected framework listings and the four NumPy programs (the CNN one serves both CNN listings)."""
    blocks = python_blocks("practice/code.md")
    text = read(os.path.join(ROOT, "docs", "practice", "code.md"))
    assert len(blocks) == 9
    for name in EXAMPLES:
        assert '--8<-- "{}.py"'.format(name) in text
    imports = "\n".join(source for _, _, source in blocks)
    for needle in ("import torch.nn.functional as F", "sparse_categorical_crossentropy", "nn.Linear(64 * 8 * 8, 128)",
                   "torch.tensor([[1.0], [2.0], [3.0]])", "outputs.pooler_output", "train_loader = DataLoader"):
        assert needle in imports, needle


def test_corrected_listings_fix_the_seed_bugs():
    """The corrected framework listings must not contain the lines that broke the originals."""
    source = "\n".join(s for _, _, s in python_blocks("practice/code.md", resolve=False))
    code = re.sub(r"#.*", "", source)  # comments may quote the original
    for broken in ("torch.tensor([1.0, 2.0, 3.0])", "64 * 6 * 6", "loss='categorical_crossentropy'",
                   'loss="categorical_crossentropy"', "outputs[1]", "view(-1,"):
        assert broken not in code, broken


def test_setup_page_mentions_make_serve():
    text = read(os.path.join(ROOT, "docs", "practice", "setup.md"))
    assert "make serve" in text and "python -m demos.examples.regression_numpy" in text


# --- the NumPy programs, run as a reader runs them ---------------------------------------------------

def run_example(name):
    result = subprocess.run([sys.executable, "-m", "demos.examples." + name], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def outputs():
    return {name: run_example(name) for name in EXAMPLES}


@pytest.fixture(scope="module")
def numbers():
    return practice.numbers()


def grab(pattern, text):
    m = re.search(pattern, text)
    assert m, "{!r} not found in:\n{}".format(pattern, text)
    return m.group(1)


def test_regression_program_learns_y_equals_2x(outputs, numbers):
    out = outputs["regression_numpy"]
    final = float(grab(r"final training loss: (\S+)", out))
    pred = float(grab(r"prediction at x = 4 \(true value 8\): (\S+)", out))
    losses = [float(v) for v in re.findall(r"epoch +\d+/1000 +loss (\S+)", out)]
    assert len(losses) == 10 and losses[-1] < losses[0]
    assert final < 1e-4
    assert abs(pred - 8) < 0.5
    assert grab(r"parameters: (\d+)", out) == numbers["code_reg_params"] == "31"
    assert abs(float(numbers["code_reg_pred4"]) - pred) < 1e-3
    mantissa, exponent = re.match(r"(\d+) \\times 10\^\{(-?\d+)\}", numbers["code_reg_loss_final"]).groups()
    assert abs(math.log10(final) - math.log10(float(mantissa) * 10 ** int(exponent))) < 0.5


@pytest.mark.parametrize("name,prefix,floor", [("mnist_mlp_numpy", "code_mlp", 0.8), ("mnist_cnn_numpy", "code_cnn", 0.8)])
def test_mnist_programs_learn(outputs, numbers, name, prefix, floor):
    out = outputs[name]
    acc = float(grab(r"test accuracy on \d+ images: ([\d.]+)%", out)) / 100
    losses = [float(v) for v in re.findall(r"mean training loss ([\d.]+)", out)]
    assert acc > floor
    assert losses[-1] < losses[0] / 2
    assert numbers[prefix + "_acc"] == "{:.1f}".format(100 * acc)
    assert numbers[prefix + "_loss_first"] == "{:.2f}".format(losses[0])
    assert numbers[prefix + "_loss_last"] == "{:.2f}".format(losses[-1])
    assert numbers[prefix + "_params"] == "{:,}".format(int(grab(r"parameters: (\d+)", out)))


def test_text_classifier_learns_the_negation(outputs, numbers):
    out = outputs["text_classifier_numpy"]
    accs = [float(v) / 100 for v in re.findall(r"test accuracy ([\d.]+)%", out)]
    assert accs[0] < 0.7, "the task should not be solved after one epoch"
    assert accs[-1] > 0.9
    assert numbers["code_txt_acc"] == "{:.1f}".format(100 * accs[-1])
    assert numbers["code_txt_params"] == "{:,}".format(int(grab(r"parameters: (\d+)", out)))
    for line in re.findall(r"label (\d)  P\(positive\) = ([\d.]+)", out):
        assert (float(line[1]) > 0.5) == (line[0] == "1")


# --- parameter counts: the same shapes built with the NumPy core ----------------------------------

def flat_size(layers, shape):
    return Sequential(layers).forward(np.zeros(shape, dtype=np.float32), training=False).shape[1]


def test_keras_cnn_numbers(numbers):
    rng = np.random.RandomState(0)
    convs = [Conv2D(1, 32, 3, rng), ReLU(), MaxPool2D(2), Conv2D(32, 64, 3, rng), ReLU(), MaxPool2D(2),
             Conv2D(64, 64, 3, rng), ReLU(), Flatten()]
    flat = flat_size(convs, (1, 1, 28, 28))
    model = Sequential(convs + [Dense(flat, 64, rng), ReLU(), Dense(64, 10, rng)])
    assert numbers["code_keras_flat"] == "{:,}".format(flat)
    assert numbers["code_keras_params"] == "{:,}".format(model.n_params())
    assert numbers["code_keras_train_samples"] == "48,000"
    assert numbers["code_keras_steps"] == "{:,}".format(-(-48000 // 32))


def test_torch_cnn_numbers(numbers):
    rng = np.random.RandomState(0)
    convs = [Conv2D(3, 32, 3, rng, padding=1), ReLU(), MaxPool2D(2), Conv2D(32, 64, 3, rng, padding=1), ReLU(),
             MaxPool2D(2), Flatten()]
    flat = flat_size(convs, (1, 3, 32, 32))
    model = Sequential(convs + [Dense(flat, 128, rng), ReLU(), Dense(128, 10, rng)])
    assert numbers["code_torch_flat_right"] == "{:,}".format(flat) == "4,096"
    assert numbers["code_torch_cnn_params"] == "{:,}".format(model.n_params())
    side = int(numbers["code_torch_side_wrong"])
    assert flat_size(convs, (1, 3, side, side)) == 64 * 6 * 6
    assert numbers["code_torch_flat_wrong"] == "2,304"


def test_mlp_parameter_count(numbers):
    rng = np.random.RandomState(0)
    model = Sequential([Dense(784, 500, rng), ReLU(), Dense(500, 10, rng)])
    assert numbers["code_mlp_torch_params"] == numbers["code_mlp_params"] == "{:,}".format(model.n_params())


def test_bert_parameter_count(numbers):
    """bert-base-uncased, summed over the shapes of its weight tensors (the layout of its checkpoint)."""
    hidden, ffn, vocab = 768, 3072, 30522
    shapes = [(vocab, hidden), (512, hidden), (2, hidden), (hidden,), (hidden,)]        # embeddings + LayerNorm
    layer = [(hidden, hidden), (hidden,)] * 4 + [(hidden,), (hidden,)]                   # Q K V O + LayerNorm
    layer += [(hidden, ffn), (ffn,), (ffn, hidden), (hidden,), (hidden,), (hidden,)]     # FFN + LayerNorm
    shapes += layer * 12 + [(hidden, hidden), (hidden,)]                                 # 12 blocks + pooler
    total = sum(int(np.prod(s)) for s in shapes)
    assert numbers["code_bert_params"] == "{:,}".format(total)
    assert numbers["code_bert_head_params"] == "{:,}".format(hidden * 2 + 2)
    assert numbers["code_bert_fp32_mb"] == numbers["po_bert_fp32_mb"] == "{:,}".format(round(total * 4 / 1e6))
    assert numbers["po_bert_int8_mb"] == "{:,}".format(round(total / 1e6))
    txt = practice.load_example("text_classifier_numpy")
    small = txt.build_model(np.random.RandomState(0)).n_params()
    assert numbers["code_txt_ratio"] == "{:,}".format(round(total / small))
    assert isinstance(txt.build_model(np.random.RandomState(0)).layers[0], Embedding)
    assert any(isinstance(layer, TransformerBlock) for layer in txt.build_model(np.random.RandomState(0)).layers)


def test_broadcast_floor(numbers):
    """Predicting a constant c for targets 2, 4, 6 costs mean((c - y)^2); the best c and the floor."""
    costs = {c / 100: sum((c / 100 - y) ** 2 for y in (2, 4, 6)) / 3 for c in range(0, 801)}
    best = min(costs, key=costs.get)
    assert numbers["code_reg_broadcast_mean"] == "{:.0f}".format(best)
    assert numbers["code_reg_broadcast_floor"] == "{:.2f}".format(costs[best])


# --- optimization, trends, business: recomputed with exact fractions --------------------------------

def test_memory_numbers(numbers):
    assert numbers["po_train_bytes_fp32"] == numbers["po_train_bytes_mixed"] == "16"
    assert numbers["po_7b_train_gb"] == "112"
    for name, gb in (("fp32", "28.0"), ("fp16", "14.0"), ("int8", "7.0"), ("int4", "3.5")):
        assert numbers["po_7b_{}_gb".format(name)] == gb


def test_trend_numbers(numbers):
    flops = 6 * 7 * 10 ** 9 * 2 * 10 ** 12
    assert numbers["trend_flops"] == "8.4 \\times 10^{22}" and flops == 84 * 10 ** 21
    seconds = Fraction(flops) / (Fraction(312 * 10 ** 12) * Fraction(2, 5))
    hours = seconds / 3600
    assert numbers["trend_gpu_hours"] == "{:,}".format(round(hours / 1000) * 1000)
    assert numbers["trend_cost_usd_wan"] == "{:,}".format(round(hours * 2 / 10000))
    assert numbers["trend_eu_ratio"] == "{:,}".format(round(Fraction(10 ** 25, flops)))
    assert numbers["trend_tokens_per_param"] == "{:,}".format(round(Fraction(2 * 10 ** 12, 7 * 10 ** 9)))
    assert numbers["trend_chinchilla_tokens_b"] == "140"


def money(x, digits):
    """Round a Fraction half up to `digits` decimals, as text (the book's values are never exact halves)."""
    return "{:.{}f}".format(float(x), digits)


def test_unit_economics(numbers):
    F = Fraction
    p = practice
    model = (p.TOKENS_IN * F(p.PRICE_IN) + p.TOKENS_OUT * F(p.PRICE_OUT)) / 10 ** 6 * F(str(p.OVERHEAD))
    request = model + F(str(p.INFRA_PER_REQUEST))
    assert numbers["bm_model_cost"] == money(model, 4)
    assert numbers["bm_request_cost"] == money(request, 4)
    seat_avg = p.REVIEWS_AVERAGE * request
    seat_heavy = p.REVIEWS_HEAVY * request
    assert numbers["bm_seat_cost_avg"] == money(seat_avg, 2)
    assert numbers["bm_seat_cost_heavy"] == money(seat_heavy, 2)
    assert numbers["bm_margin_avg_pct"] == money(100 * (1 - seat_avg / F(p.SEAT_PRICE)), 1)
    assert numbers["bm_margin_heavy_pct"] == money(100 * (1 - seat_heavy / F(p.SEAT_PRICE)), 1)
    agent = p.AGENT_CALLS * (p.AGENT_TOKENS_IN * F(p.PRICE_IN) + p.AGENT_TOKENS_OUT * F(p.PRICE_OUT)) / 10 ** 6 \
        * F(str(p.OVERHEAD)) + F(str(p.INFRA_PER_REQUEST))
    assert numbers["bm_agent_task"] == money(agent, 3)
    assert numbers["bm_agent_heavy_cost"] == "{:,}".format(round(p.REVIEWS_HEAVY * agent))
    assert p.REVIEWS_HEAVY * agent > p.SEAT_PRICE, "the example's point: agent mode loses money on heavy users"
    gpu = F(p.GPU_HOUR) / (p.GPU_REVIEWS_PER_HOUR * F(str(p.GPU_UTILISATION)))
    assert numbers["bm_gpu_cost"] == money(gpu, 4)
    assert numbers["bm_gpu_breakeven_pct"] == money(100 * F(p.GPU_HOUR) / (p.GPU_REVIEWS_PER_HOUR * model), 0)
    assert numbers["bm_reviews_break_even"] == "{:,}".format(math.floor(F(p.SEAT_PRICE) / request))
    for name, share, churn, cac in (("direct", 0, p.CHURN, p.CAC_DIRECT),
                                    ("partner", p.PARTNER_SHARE, p.CHURN_PARTNER, p.CAC_PARTNER)):
        gp = F(p.SEAT_PRICE) * (1 - F(str(share))) - seat_avg
        churn = F(str(churn))
        assert numbers["ch_{}_gp".format(name)] == money(gp, 2)
        assert numbers["ch_{}_life".format(name)] == money(1 / churn, 1)
        assert numbers["ch_{}_ltv".format(name)] == "{:,}".format(round(gp / churn))
        assert numbers["ch_{}_ltv_cac".format(name)] == money(gp / churn / F(cac), 1)
        assert numbers["ch_{}_payback".format(name)] == money(F(cac) / gp, 1)


def test_growth_scores(numbers):
    weights = dict(practice.GROWTH_CRITERIA)
    assert sum(Fraction(str(w)) for w in weights.values()) == 1
    totals = {}
    for name, scores in practice.GROWTH_CANDIDATES.items():
        assert set(scores) == set(weights) and all(1 <= v <= 5 for v in scores.values())
        totals[name] = sum(Fraction(str(weights[k])) * v for k, v in scores.items())
        assert numbers["gr_{}_total".format(name)] == money(totals[name], 2)
    assert max(totals, key=totals.get) == "a" and min(totals, key=totals.get) == "b", "the page's reading of the table"


# --- every number is used, and every page key exists ----------------------------------------------

def test_number_keys_match_the_pages(numbers):
    used = set()
    for page in PAGES:
        used |= set(KEY.findall(read(os.path.join(ROOT, "docs", page))))
    mine = {k for k in used if k.split("_")[0] in ("code", "po", "trend", "bm", "ch", "gr")}
    assert mine <= set(numbers), sorted(mine - set(numbers))
    assert set(numbers) <= used, "defined but never printed: {}".format(sorted(set(numbers) - used))
