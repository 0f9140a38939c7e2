"""Numbers of the practice, business and outlook chapters.

==========  ==================================  ==========  ==================================
prefix      page                                prefix      page
==========  ==================================  ==========  ==================================
code_       practice/code.md                    ch_         business/channels.md
po_         practice/optimization.md            bm_         business/models.md
trend_      trends.md                           gr_         business/growth.md
==========  ==================================  ==========  ==================================

Training results come from running the NumPy programs in demos/examples/ (each takes about a second);
they are cached per process and recomputed when a file of demos/ changes, so `mkdocs serve` stays quick.
The business examples are fictional: their inputs are assumptions, listed here as constants and printed
on the page through their own keys, so that the page, the computation and the test cannot drift.
"""
import importlib.util
import math
from pathlib import Path

import numpy as np

from . import fmt

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "demos" / "examples"


def grouped(n):
    """An integer with thousands separators: 397510 -> '397,510'."""
    return "{:,}".format(int(round(n)))


def pct(x, digits=1):
    """A fraction as a percentage without the sign: 0.9071 -> '90.7'."""
    return fmt(100 * x, digits)


# --- running the example programs -----------------------------------------------------------------

_cache = {}


def _demos_stamp():
    return tuple(sorted((str(p), p.stat().st_mtime) for p in (ROOT / "demos").rglob("*.py")))


def load_example(name):
    spec = importlib.util.spec_from_file_location("practice_example_" + name, str(EXAMPLES / (name + ".py")))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_example(name, compute):
    """compute(module) -> dict, memoised until a file under demos/ changes."""
    stamp = _demos_stamp()
    if name not in _cache or _cache[name][0] != stamp:
        _cache[name] = (stamp, compute(load_example(name)))
    return _cache[name][1]


def regression_results(m):
    model, history = m.train()
    return {"params": model.n_params(), "first": history[0], "final": history[-1],
            "pred4": float(model.forward(m.X_NEW, training=False)[0, 0])}


def mlp_results(m):
    data = m.load_subset()
    model, losses = m.train(data)
    return {"params": model.n_params(), "losses": losses, "acc": m.accuracy(model, data[2], data[3])}


def cnn_results(m):
    data = m.load_subset()
    model, n_flat, losses = m.train(data)
    return {"params": model.n_params(), "flat": n_flat, "losses": losses, "acc": m.accuracy(model, data[2], data[3])}


def text_results(m):
    model, losses, test = m.train()
    return {"params": model.n_params(), "losses": losses, "acc": m.accuracy(model, test[0], test[1])}


# --- parameter counts of the framework listings (formulas; the test rebuilds the same shapes) ------

def dense_params(n_in, n_out):
    return n_in * n_out + n_out


def conv_params(c_in, c_out, k):
    return c_in * c_out * k * k + c_out


def conv_out(size, k, padding=0, stride=1):
    return (size + 2 * padding - k) // stride + 1


def keras_cnn_shapes():
    """The Keras MNIST CNN: 28 -conv3-> 26 -pool-> 13 -conv3-> 11 -pool-> 5 -conv3-> 3, 64 channels."""
    side = conv_out(28, 3) // 2
    side = conv_out(side, 3) // 2
    side = conv_out(side, 3)
    flat = side * side * 64
    params = (conv_params(1, 32, 3) + conv_params(32, 64, 3) + conv_params(64, 64, 3)
              + dense_params(flat, 64) + dense_params(64, 10))
    return flat, params


def torch_cnn_shapes(side_in=32):
    """The PyTorch CNN: two padding-1 3x3 convolutions keep the size, two 2x2 poolings halve it."""
    side = conv_out(conv_out(side_in, 3, padding=1) // 2, 3, padding=1) // 2
    flat = 64 * side * side
    params = conv_params(3, 32, 3) + conv_params(32, 64, 3) + dense_params(flat, 128) + dense_params(128, 10)
    return flat, params


def bert_base_params(vocab=30522, hidden=768, layers=12, ffn=3072, positions=512, segments=2):
    """BertModel (bert-base-uncased) including the pooler."""
    embeddings = (vocab + positions + segments) * hidden + 2 * hidden           # + LayerNorm
    attention = 4 * dense_params(hidden, hidden) + 2 * hidden                   # Q, K, V, output + LayerNorm
    feed_forward = dense_params(hidden, ffn) + dense_params(ffn, hidden) + 2 * hidden
    pooler = dense_params(hidden, hidden)
    return embeddings + layers * (attention + feed_forward) + pooler


def code_numbers():
    t = {}
    r = run_example("regression_numpy", regression_results)
    t["code_reg_params"] = grouped(r["params"])
    t["code_reg_loss_first"] = fmt(r["first"], 2)
    t["code_reg_loss_final"] = sci_text(r["final"], 0)
    t["code_reg_pred4"] = fmt(r["pred4"], 3)
    # Broadcasting a (3,) target against a (3, 1) output compares every prediction with every
    # target; the best constant answer is the mean 4 and the loss cannot go below Var(y).
    y = np.array([2.0, 4.0, 6.0])
    t["code_reg_broadcast_mean"] = fmt(y.mean(), 0)
    t["code_reg_broadcast_floor"] = fmt(y.var(), 2)

    with np.load(str(ROOT / "docs" / "vendor" / "data" / "mnist.npz")) as f:
        t["code_pack_train"] = grouped(len(f["y_train"]))
        t["code_pack_test"] = grouped(len(f["y_test"]))

    mlp_module = load_example("mnist_mlp_numpy")
    r = run_example("mnist_mlp_numpy", mlp_results)
    t["code_mlp_params"] = grouped(r["params"])
    t["code_mlp_torch_params"] = grouped(dense_params(784, 500) + dense_params(500, 10))
    t["code_mlp_n_train"] = grouped(mlp_module.N_TRAIN)
    t["code_mlp_n_test"] = grouped(mlp_module.N_TEST)
    t["code_mlp_epochs"] = str(mlp_module.EPOCHS)
    t["code_mlp_loss_first"] = fmt(r["losses"][0], 2)
    t["code_mlp_loss_last"] = fmt(r["losses"][-1], 2)
    t["code_mlp_acc"] = pct(r["acc"])

    keras_flat, keras_params = keras_cnn_shapes()
    t["code_keras_flat"] = grouped(keras_flat)
    t["code_keras_params"] = grouped(keras_params)
    t["code_keras_train_samples"] = grouped(60000 * (1 - 0.2))
    t["code_keras_steps"] = grouped(math.ceil(60000 * (1 - 0.2) / 32))

    right_flat, torch_params = torch_cnn_shapes(32)
    t["code_torch_flat_right"] = grouped(right_flat)
    t["code_torch_flat_wrong"] = grouped(64 * 6 * 6)
    t["code_torch_side_wrong"] = str(next(s for s in range(8, 64) if torch_cnn_shapes(s)[0] == 64 * 6 * 6))
    t["code_torch_cnn_params"] = grouped(torch_params)

    cnn_module = load_example("mnist_cnn_numpy")
    r = run_example("mnist_cnn_numpy", cnn_results)
    t["code_cnn_params"] = grouped(r["params"])
    t["code_cnn_flat"] = grouped(r["flat"])
    t["code_cnn_n_train"] = grouped(cnn_module.N_TRAIN)
    t["code_cnn_n_test"] = grouped(cnn_module.N_TEST)
    t["code_cnn_epochs"] = str(cnn_module.EPOCHS)
    t["code_cnn_loss_first"] = fmt(r["losses"][0], 2)
    t["code_cnn_loss_last"] = fmt(r["losses"][-1], 2)
    t["code_cnn_acc"] = pct(r["acc"])

    bert = bert_base_params()
    t["code_bert_params"] = grouped(bert)
    t["code_bert_fp32_mb"] = grouped(bert * 4 / 1e6)
    t["code_bert_head_params"] = grouped(dense_params(768, 2))

    text_module = load_example("text_classifier_numpy")
    r = run_example("text_classifier_numpy", text_results)
    t["code_txt_params"] = grouped(r["params"])
    t["code_txt_n_train"] = grouped(text_module.N_TRAIN)
    t["code_txt_n_test"] = grouped(text_module.N_TEST)
    t["code_txt_epochs"] = str(text_module.EPOCHS)
    t["code_txt_loss_first"] = fmt(r["losses"][0], 2)
    t["code_txt_loss_last"] = fmt(r["losses"][-1], 3)
    t["code_txt_acc"] = pct(r["acc"])
    t["code_txt_ratio"] = grouped(bert / r["params"])
    return t


# --- practice/optimization.md: memory per parameter ----------------------------------------------

BYTES = {"fp32": 4, "fp16": 2, "int8": 1, "int4": 0.5}
# Training with Adam keeps, per parameter (Rajbhandari et al., 2020, "ZeRO"):
TRAIN_BYTES_FP32 = 4 + 4 + 4 + 4          # weight, gradient, Adam m, Adam v, all float32
TRAIN_BYTES_MIXED = 2 + 2 + 4 + 4 + 4     # fp16 weight and gradient, fp32 master weight, m, v
EXAMPLE_PARAMS = 7e9                      # a "7B" model


def optimization_numbers():
    t = {}
    for name, b in BYTES.items():
        t["po_bytes_" + name] = fmt(b, 1) if b < 1 else str(b)
        t["po_7b_" + name + "_gb"] = fmt(EXAMPLE_PARAMS * b / 1e9, 1)
    t["po_train_bytes_fp32"] = str(TRAIN_BYTES_FP32)
    t["po_train_bytes_mixed"] = str(TRAIN_BYTES_MIXED)
    t["po_7b_train_gb"] = grouped(EXAMPLE_PARAMS * TRAIN_BYTES_MIXED / 1e9)
    t["po_7b_b"] = fmt(EXAMPLE_PARAMS / 1e9, 0)
    bert = bert_base_params()
    t["po_bert_fp32_mb"] = grouped(bert * 4 / 1e6)
    t["po_bert_int8_mb"] = grouped(bert * 1 / 1e6)
    return t


# --- trends.md: training compute --------------------------------------------------------------------

TREND_PARAMS = 7e9            # N, parameters
TREND_TOKENS = 2e12           # D, training tokens (the amount reported for Llama 2)
PEAK_FLOPS = 312e12           # A100 dense BF16 peak, FLOP/s
MFU = 0.40                    # assumed model FLOPs utilisation
GPU_HOUR_USD = 2.0            # assumed rental price per GPU-hour
EU_SYSTEMIC_FLOPS = 1e25      # EU AI Act presumption of systemic risk for general-purpose models
CHINCHILLA_TOKENS_PER_PARAM = 20


def sci_text(x, digits=1):
    """Plain-text scientific notation for prose: 8.4e22 -> '8.4 × 10^22' (written as LaTeX by the page)."""
    exponent = int(math.floor(math.log10(abs(x))))
    mantissa = x / 10 ** exponent
    if round(mantissa, digits) >= 10:
        exponent, mantissa = exponent + 1, mantissa / 10
    return "{} \\times 10^{{{}}}".format(fmt(mantissa, digits), exponent)


def trend_numbers():
    flops = 6 * TREND_PARAMS * TREND_TOKENS
    gpu_hours = flops / (PEAK_FLOPS * MFU) / 3600
    return {
        "trend_n_b": fmt(TREND_PARAMS / 1e9, 0),
        "trend_d_t": fmt(TREND_TOKENS / 1e12, 0),
        "trend_flops": sci_text(flops),
        "trend_peak_tflops": fmt(PEAK_FLOPS / 1e12, 0),
        "trend_mfu_pct": fmt(MFU * 100, 0),
        "trend_gpu_hours": grouped(round(gpu_hours, -3)),
        "trend_gpu_hour_usd": fmt(GPU_HOUR_USD, 0),
        "trend_cost_usd_wan": grouped(round(gpu_hours * GPU_HOUR_USD / 1e4)),
        "trend_eu_ratio": grouped(EU_SYSTEMIC_FLOPS / flops),
        "trend_chinchilla_tokens_b": grouped(CHINCHILLA_TOKENS_PER_PARAM * TREND_PARAMS / 1e9),
        "trend_tokens_per_param": grouped(TREND_TOKENS / TREND_PARAMS),
    }


# --- business/: the fictional start-up "条款通" ------------------------------------------------------

TOKENS_IN = 6000              # tokens sent per contract review (contract + instructions)
TOKENS_OUT = 800              # tokens generated per review
PRICE_IN = 2.0                # assumed API price, yuan per million input tokens
PRICE_OUT = 8.0               # assumed API price, yuan per million output tokens
OVERHEAD = 1.3                # retries, failed calls, evaluation traffic
INFRA_PER_REQUEST = 0.005     # yuan: storage, retrieval, logging
SEAT_PRICE = 299.0            # yuan per seat per month
REVIEWS_AVERAGE = 400         # reviews per seat per month, average user
REVIEWS_HEAVY = 3000          # reviews per seat per month, heaviest users
AGENT_CALLS = 15              # "agent mode": model calls per task
AGENT_TOKENS_IN = 20000       # context per call in agent mode
AGENT_TOKENS_OUT = 500
GPU_HOUR = 8.0                # assumed rent of one inference GPU, yuan per hour
GPU_REVIEWS_PER_HOUR = 1000   # reviews per hour at full load
GPU_UTILISATION = 0.35        # share of the hours the GPU is actually busy
CHURN = 0.04                  # monthly churn, direct customers
CHURN_PARTNER = 0.03          # monthly churn, customers who came through the partner
CAC_DIRECT = 3000.0           # yuan to win one seat by direct sales
CAC_PARTNER = 800.0           # yuan per seat through the partner (enablement, co-marketing)
PARTNER_SHARE = 0.30          # revenue share kept by the partner


def model_cost(tokens_in, tokens_out, calls=1):
    """Yuan per task for the model calls alone, overhead included."""
    return calls * (tokens_in * PRICE_IN + tokens_out * PRICE_OUT) / 1e6 * OVERHEAD


def business_inputs():
    return {
        "bm_tokens_in": grouped(TOKENS_IN), "bm_tokens_out": grouped(TOKENS_OUT),
        "bm_price_in": fmt(PRICE_IN, 0), "bm_price_out": fmt(PRICE_OUT, 0),
        "bm_overhead": fmt(OVERHEAD, 1), "bm_infra": fmt(INFRA_PER_REQUEST, 3),
        "bm_seat_price": grouped(SEAT_PRICE), "bm_reviews_avg": grouped(REVIEWS_AVERAGE),
        "bm_reviews_heavy": grouped(REVIEWS_HEAVY), "bm_agent_calls": str(AGENT_CALLS),
        "bm_agent_tokens_in": grouped(AGENT_TOKENS_IN), "bm_agent_tokens_out": grouped(AGENT_TOKENS_OUT),
        "bm_gpu_hour": fmt(GPU_HOUR, 0), "bm_gpu_reviews": grouped(GPU_REVIEWS_PER_HOUR),
        "bm_gpu_util_pct": fmt(GPU_UTILISATION * 100, 0),
        "ch_churn_pct": fmt(CHURN * 100, 0), "ch_churn_partner_pct": fmt(CHURN_PARTNER * 100, 0),
        "ch_cac_direct": grouped(CAC_DIRECT), "ch_cac_partner": grouped(CAC_PARTNER),
        "ch_share_pct": fmt(PARTNER_SHARE * 100, 0),
    }


def unit_economics():
    """The whole worked example as plain floats (yuan, months, ratios)."""
    e = {}
    e["model"] = model_cost(TOKENS_IN, TOKENS_OUT)
    e["request"] = e["model"] + INFRA_PER_REQUEST
    e["seat_cost_avg"] = REVIEWS_AVERAGE * e["request"]
    e["seat_cost_heavy"] = REVIEWS_HEAVY * e["request"]
    e["margin_avg"] = 1 - e["seat_cost_avg"] / SEAT_PRICE
    e["margin_heavy"] = 1 - e["seat_cost_heavy"] / SEAT_PRICE
    e["agent_task"] = model_cost(AGENT_TOKENS_IN, AGENT_TOKENS_OUT, AGENT_CALLS) + INFRA_PER_REQUEST
    e["agent_heavy_cost"] = REVIEWS_HEAVY * e["agent_task"]
    e["agent_ratio"] = e["agent_task"] / e["request"]
    e["gpu_model_cost"] = GPU_HOUR / (GPU_REVIEWS_PER_HOUR * GPU_UTILISATION)
    e["gpu_breakeven_util"] = GPU_HOUR / (GPU_REVIEWS_PER_HOUR * e["model"])
    e["price_per_review_break_even"] = SEAT_PRICE / e["request"]
    # Channels: monthly gross profit per seat, lifetime 1 / churn, LTV, payback.
    gp_direct = SEAT_PRICE - e["seat_cost_avg"]
    gp_partner = SEAT_PRICE * (1 - PARTNER_SHARE) - e["seat_cost_avg"]
    for name, gp, churn, cac in (("direct", gp_direct, CHURN, CAC_DIRECT),
                                 ("partner", gp_partner, CHURN_PARTNER, CAC_PARTNER)):
        e[name + "_gp"] = gp
        e[name + "_life"] = 1 / churn
        e[name + "_ltv"] = gp / churn
        e[name + "_ltv_cac"] = gp / churn / cac
        e[name + "_payback"] = cac / gp
    return e


def business_numbers():
    e = unit_economics()
    t = business_inputs()
    t.update({
        "bm_model_cost": fmt(e["model"], 4),
        "bm_request_cost": fmt(e["request"], 4),
        "bm_seat_cost_avg": fmt(e["seat_cost_avg"], 2),
        "bm_seat_cost_heavy": fmt(e["seat_cost_heavy"], 2),
        "bm_margin_avg_pct": pct(e["margin_avg"]),
        "bm_margin_heavy_pct": pct(e["margin_heavy"]),
        "bm_agent_task": fmt(e["agent_task"], 3),
        "bm_agent_ratio": grouped(e["agent_ratio"]),
        "bm_agent_heavy_cost": grouped(e["agent_heavy_cost"]),
        "bm_gpu_cost": fmt(e["gpu_model_cost"], 4),
        "bm_gpu_breakeven_pct": pct(e["gpu_breakeven_util"], 0),
        "bm_reviews_break_even": grouped(math.floor(e["price_per_review_break_even"])),
    })
    for name in ("direct", "partner"):
        t.update({
            "ch_{}_gp".format(name): fmt(e[name + "_gp"], 2),
            "ch_{}_life".format(name): fmt(e[name + "_life"], 1),
            "ch_{}_ltv".format(name): grouped(e[name + "_ltv"]),
            "ch_{}_ltv_cac".format(name): fmt(e[name + "_ltv_cac"], 1),
            "ch_{}_payback".format(name): fmt(e[name + "_payback"], 1),
        })
    return t


# --- business/growth.md: scoring candidate growth points -----------------------------------------

GROWTH_CRITERIA = [           # (key, weight)
    ("pain", 0.25),           # how costly the problem is for the user today
    ("data", 0.20),           # access to the data the model needs, legally
    ("pay", 0.20),            # who pays, and whether a budget line exists
    ("channel", 0.20),        # a route to the buyer we already have
    ("risk", 0.15),           # regulatory and liability exposure (5 = low risk)
]
GROWTH_CANDIDATES = {         # scores 1..5, assumptions of the fictional team
    "a": {"pain": 4, "data": 4, "pay": 4, "channel": 5, "risk": 4},   # clause comparison for firms already using the product
    "b": {"pain": 5, "data": 2, "pay": 3, "channel": 2, "risk": 2},   # legal advice chat for consumers
    "c": {"pain": 3, "data": 3, "pay": 4, "channel": 3, "risk": 4},   # compliance checks for procurement teams
}


def growth_scores():
    return {name: sum(w * scores[key] for key, w in GROWTH_CRITERIA)
            for name, scores in GROWTH_CANDIDATES.items()}


def growth_numbers():
    t = {"gr_w_" + key: fmt(w, 2) for key, w in GROWTH_CRITERIA}
    for name, scores in GROWTH_CANDIDATES.items():
        for key, value in scores.items():
            t["gr_{}_{}".format(name, key)] = str(value)
    for name, total in growth_scores().items():
        t["gr_{}_total".format(name)] = fmt(total, 2)
    return t


def numbers():
    table = {}
    for part in (code_numbers, optimization_numbers, trend_numbers, business_numbers, growth_numbers):
        table.update(part())
    return table
