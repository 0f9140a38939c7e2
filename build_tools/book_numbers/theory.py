"""Numbers of the theory chapters: the introduction, the core concepts, the training loop and the maths.

Each page writes ``{{n:key}}``; the key prefix names the page:

========  ===============================  ========  ===============================
prefix    page                             prefix    page
========  ===============================  ========  ===============================
intro_    index.md                         act_      math/activations.md
nn_       concepts/neural-networks.md      loss_     math/losses.md
cnn_      concepts/cnn.md                  opt_      math/optimizers.md
rnn_      concepts/rnn.md                  bp_       math/backprop.md
tf_       concepts/transformer.md          conv_     math/cnn-rnn-attention.md (convolution)
pt_       concepts/pretraining.md          seq_      math/cnn-rnn-attention.md (recurrence)
loop_     training/loop.md                 attn_     math/cnn-rnn-attention.md (attention)
========  ===============================  ========  ===============================

Inputs of a worked example are keys too, so that the page, the computation and the test cannot drift.
"""
import importlib.util
import math
from pathlib import Path

import numpy as np

from book_numbers import fmt

EXAMPLES = Path(__file__).resolve().parents[2] / "demos" / "examples"


def sci(x, digits=2):
    """LaTeX scientific notation for use inside $...$: 3.15e23 -> '3.15 \\times 10^{23}'."""
    exponent = int(math.floor(math.log10(abs(x))))
    mantissa = x / 10 ** exponent
    if round(abs(mantissa), digits) >= 10:  # 9.996 rounds up to 10.00
        exponent += 1
        mantissa = x / 10 ** exponent
    return "{} \\times 10^{{{}}}".format(fmt(mantissa, digits), exponent)


def grouped(n):
    """An integer with thousands separators, for prose: 93322 -> '93,322'."""
    return "{:,}".format(int(round(n)))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def softmax(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def put_matrix(table, prefix, m, digits):
    """Keys prefix_ij (1-based row i, column j) or prefix_i for a vector."""
    m = np.asarray(m, dtype=float)
    if m.ndim == 1:
        for i, v in enumerate(m):
            table["{}_{}".format(prefix, i + 1)] = fmt(v, digits)
    else:
        for (i, j), v in np.ndenumerate(m):
            table["{}_{}{}".format(prefix, i + 1, j + 1)] = fmt(v, digits)


# ---------------------------------------------------------------- index.md

def intro_numbers():
    params, tokens = 175e9, 300e9  # GPT-3 (Brown et al. 2020): 175 B parameters, 300 B training tokens
    flops = 6 * params * tokens  # C ~ 6 N D (Kaplan et al. 2020): forward 2 N + backward 4 N per token
    rate = 1e14  # an assumed sustained 100 TFLOP/s on one accelerator (illustrative)
    seconds = flops / rate
    gpus = 1000
    small = conv_layer_params()["total"]
    return {
        "intro_gpt3_params": sci(params, 2),
        "intro_gpt3_tokens": sci(tokens, 1),
        "intro_gpt3_flops": sci(flops, 2),
        "intro_gpu_rate": sci(rate, 0),
        "intro_gpu_tflops": fmt(rate / 1e12, 0),
        "intro_one_gpu_seconds": sci(seconds, 2),
        "intro_one_gpu_years": fmt(seconds / (365.25 * 86400), 0),
        "intro_gpus": grouped(gpus),
        "intro_cluster_days": fmt(seconds / gpus / 86400, 0),
        "intro_bytes_per_param": fmt(2, 0),
        "intro_gpt3_fp16_gb": fmt(params * 2 / 1e9, 0),
        "intro_small_cnn_params": grouped(small),
        "intro_param_ratio_wan": fmt(params / small / 1e4, 0),
    }


# ---------------------------------------------------------------- concepts/neural-networks.md

def neural_network_numbers():
    x = np.array([1.0, 2.0])
    w = np.array([0.8, -0.3])
    b = 0.1
    z = float(w @ x + b)
    layer1 = 784 * 128 + 128
    layer2 = 128 * 10 + 10
    n = 1024
    return {
        "nn_x1": fmt(x[0], 1), "nn_x2": fmt(x[1], 1),
        "nn_w1": fmt(w[0], 1), "nn_w2": fmt(w[1], 1), "nn_b": fmt(b, 1),
        "nn_wx1": fmt(w[0] * x[0], 1), "nn_wx2": fmt(w[1] * x[1], 1),
        "nn_z": fmt(z, 1),
        "nn_relu": fmt(max(0.0, z), 1),
        "nn_sigmoid": fmt(sigmoid(z), 4),
        "nn_mlp_layer1": grouped(layer1),
        "nn_mlp_layer2": grouped(layer2),
        "nn_mlp_params": grouped(layer1 + layer2),
        "nn_matmul_n": fmt(n, 0),
        "nn_matmul_flops": sci(2 * n ** 3, 2),
    }


# ---------------------------------------------------------------- concepts/cnn.md

def cnn_concept_numbers():
    side, hidden, k = 28, 32, 3
    dense = side * side * hidden + hidden
    conv = k * k * 1 * hidden + hidden
    rgb_inputs = 224 * 224 * 3
    return {
        "cnn_side": fmt(side, 0),
        "cnn_pixels": fmt(side * side, 0),
        "cnn_units": fmt(hidden, 0),
        "cnn_dense_params": grouped(dense),
        "cnn_conv_params": grouped(conv),
        "cnn_param_ratio": fmt(dense / conv, 1),
        "cnn_rgb_inputs": grouped(rgb_inputs),
        "cnn_rgb_dense_params_yi": fmt((rgb_inputs * 1000 + 1000) / 1e8, 1),
    }


# ---------------------------------------------------------------- concepts/rnn.md

def lstm_numbers():
    x, h_prev, c_prev = 1.0, 0.2, 0.5
    weights = {  # gate: (w on x_t, u on h_{t-1}, bias)
        "f": (0.6, 0.4, 0.0),
        "i": (0.8, -0.2, 0.0),
        "g": (1.0, 0.5, 0.0),
        "o": (0.3, 0.1, 0.2),
    }
    out = {"rnn_x": fmt(x, 1), "rnn_hprev": fmt(h_prev, 1), "rnn_cprev": fmt(c_prev, 1)}
    gate = {}
    for name, (w, u, b) in weights.items():
        pre = w * x + u * h_prev + b
        gate[name] = math.tanh(pre) if name == "g" else float(sigmoid(pre))
        out["rnn_w" + name] = fmt(w, 1)
        out["rnn_u" + name] = fmt(u, 1)
        out["rnn_b" + name] = fmt(b, 1)
        out["rnn_pre_" + name] = fmt(pre, 2)
        out["rnn_" + name] = fmt(gate[name], 4)
    keep = gate["f"] * c_prev
    write = gate["i"] * gate["g"]
    c = keep + write
    out.update({
        "rnn_keep": fmt(keep, 4),
        "rnn_write": fmt(write, 4),
        "rnn_c": fmt(c, 4),
        "rnn_tanh_c": fmt(math.tanh(c), 4),
        "rnn_h": fmt(gate["o"] * math.tanh(c), 4),
    })
    return out


# ---------------------------------------------------------------- concepts/transformer.md

def transformer_concept_numbers():
    d_model, heads, n = 512, 8, 2048
    d_k = d_model // heads
    return {
        "tf_dmodel": fmt(d_model, 0),
        "tf_heads": fmt(heads, 0),
        "tf_dk": fmt(d_k, 0),
        "tf_sqrt_dk": fmt(math.sqrt(d_k), 0),
        "tf_seq": fmt(n, 0),
        "tf_attn_entries": grouped(n * n),
        "tf_attn_params": grouped(4 * d_model * d_model),
    }


# ---------------------------------------------------------------- concepts/pretraining.md

def pretraining_numbers():
    seq, rate = 512, 0.15  # BERT: 15 % of the tokens are chosen; of those 80 % [MASK], 10 % random, 10 % kept
    probs = np.array([0.5, 0.25, 0.8])
    nll = -np.log(probs)
    hidden, classes, bert_base = 768, 2, 110e6
    head = hidden * classes + classes
    out = {
        "pt_seq": fmt(seq, 0),
        "pt_rate": fmt(rate * 100, 0),
        "pt_chosen": fmt(seq * rate, 1),
        "pt_share_mask": fmt(rate * 0.8 * 100, 0),
        "pt_share_random": fmt(rate * 0.1 * 100, 1),
        "pt_share_keep": fmt(rate * 0.1 * 100, 1),
        "pt_nll_mean": fmt(nll.mean(), 4),
        "pt_ppl": fmt(math.exp(nll.mean()), 4),
        "pt_hidden": fmt(hidden, 0),
        "pt_head_params": grouped(head),
        "pt_bert_base_m": fmt(bert_base / 1e6, 0),
        "pt_head_share": fmt(head / bert_base * 100, 4),
    }
    put_matrix(out, "pt_p", probs, 2)
    put_matrix(out, "pt_nll", nll, 4)
    return out


# ---------------------------------------------------------------- training/loop.md

def load_example(name):
    spec = importlib.util.spec_from_file_location("book_example_" + name, str(EXAMPLES / (name + ".py")))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def loop_numbers():
    loop = load_example("training_loop")
    x, _ = loop.make_data()
    _, history = loop.train()
    return {
        "loop_points": fmt(len(x), 0),
        "loop_hidden": fmt(loop.HIDDEN, 0),
        "loop_lr": fmt(loop.LEARNING_RATE, 2),
        "loop_epochs": grouped(loop.EPOCHS),
        "loop_params": fmt(3 * loop.HIDDEN + 1, 0),
        "loop_loss_start": fmt(history[0], 4),
        "loop_loss_end": fmt(history[-1], 4),
        "loop_loss_ratio": fmt(history[0] / history[-1], 0),
    }


# ---------------------------------------------------------------- math/activations.md

def activation_numbers():
    x = 2.0
    s = float(sigmoid(x))
    z = np.array([2.0, 1.0, 0.1])
    shifted = z - z.max()
    p = softmax(z)
    layers = 10
    out = {
        "act_x": fmt(x, 0),
        "act_exp_neg_x": fmt(math.exp(-x), 4),
        "act_denom": fmt(1 + math.exp(-x), 4),
        "act_sigmoid": fmt(s, 4),
        "act_one_minus": fmt(1 - s, 4),
        "act_sigmoid_grad": fmt(s * (1 - s), 4),
        "act_sigmoid_0": fmt(sigmoid(0.0), 1),
        "act_sigmoid_grad_0": fmt(sigmoid(0.0) * (1 - sigmoid(0.0)), 2),
        "act_layers": fmt(layers, 0),
        "act_vanish": sci(0.25 ** layers, 1),
        "act_relu_neg_x": fmt(-1.0, 0),
        "act_relu_neg": fmt(max(0.0, -1.0), 0),
        "act_relu_pos": fmt(max(0.0, x), 0),
        "act_relu_grad_neg": fmt(float(-1.0 > 0), 0),
        "act_relu_grad_pos": fmt(float(x > 0), 0),
        "act_tanh": fmt(math.tanh(x), 4),
        "act_tanh_neg": fmt(math.tanh(-x), 4),
        "act_tanh_1": fmt(math.tanh(1.0), 4),
        "act_tanh_sq": fmt(math.tanh(x) ** 2, 4),
        "act_tanh_grad": fmt(1 - math.tanh(x) ** 2, 4),
        "act_sigmoid_2x": fmt(sigmoid(2 * x), 4),
        "act_sm_sum": fmt(np.exp(z).sum(), 4),
        "act_sm_shift_sum": fmt(np.exp(shifted).sum(), 4),
        "act_sm_jac_11": fmt(p[0] * (1 - p[0]), 4),
        "act_sm_jac_12": fmt(-p[0] * p[1], 4),
    }
    put_matrix(out, "act_sm_z", z, 1)
    put_matrix(out, "act_sm_exp", np.exp(z), 4)
    put_matrix(out, "act_sm_shift", shifted, 1)
    put_matrix(out, "act_sm_shift_exp", np.exp(shifted), 4)
    put_matrix(out, "act_sm_p", p, 4)
    return out


# ---------------------------------------------------------------- math/losses.md

def loss_numbers():
    y = np.array([1.0, 0.0, 2.0])
    y_hat = np.array([0.8, 0.2, 1.5])
    diff = y_hat - y
    p = softmax(np.array([2.0, 1.0, 0.1]))
    onehot = np.array([1.0, 0.0, 0.0])
    q = float(sigmoid(2.0))
    z_sat = -4.0
    p_sat = float(sigmoid(z_sat))
    out = {
        "loss_m": fmt(len(y), 0),
        "loss_sq_sum": fmt(np.sum(diff ** 2), 2),
        "loss_mse": fmt(np.mean(diff ** 2), 2),
        "loss_src_mse": fmt((1.0 - 0.5) ** 2, 2),
        "loss_src_ce": fmt(-math.log(0.5), 4),
        "loss_src_ce_bits": fmt(-math.log2(0.5), 0),
        "loss_ce_right": fmt(-math.log(p[0]), 4),
        "loss_ce_wrong": fmt(-math.log(p[2]), 4),
        "loss_bce_p": fmt(q, 4),
        "loss_bce_pos": fmt(-math.log(q), 4),
        "loss_bce_neg": fmt(-math.log(1 - q), 4),
        "loss_bce_grad": fmt(q - 1.0, 4),
        "loss_bce_softplus": fmt(math.log1p(math.exp(-2.0)), 4),
        "loss_sat_z": fmt(z_sat, 0),
        "loss_sat_p": fmt(p_sat, 4),
        "loss_sat_mse_grad": fmt(2 * (p_sat - 1) * p_sat * (1 - p_sat), 4),
        "loss_sat_ce_grad": fmt(p_sat - 1, 4),
    }
    put_matrix(out, "loss_y", y, 1)
    put_matrix(out, "loss_yhat", y_hat, 1)
    put_matrix(out, "loss_diff", diff, 1)
    put_matrix(out, "loss_sq", diff ** 2, 2)
    put_matrix(out, "loss_mse_grad", 2 * diff / len(y), 4)
    put_matrix(out, "loss_ce_p", p, 4)
    put_matrix(out, "loss_ce_grad", p - onehot, 4)
    return out


# ---------------------------------------------------------------- math/optimizers.md

def quadratic_runs(steps, lr=0.1, beta=0.9, beta1=0.9, beta2=0.999, eps=1e-8, target=3.0):
    """Trajectories of GD, momentum and Adam on J(w) = (w - target)^2 from w = 0."""
    def grad(w):
        return 2.0 * (w - target)

    runs = {"gd": [], "mom": [], "adam": []}
    w = 0.0
    for _ in range(steps):
        g = grad(w)
        w -= lr * g
        runs["gd"].append((g, w))
    w, v = 0.0, 0.0
    for _ in range(steps):
        g = grad(w)
        v = beta * v + g
        w -= lr * v
        runs["mom"].append((g, w))
    w, m, s = 0.0, 0.0, 0.0
    for t in range(1, steps + 1):
        g = grad(w)
        m = beta1 * m + (1 - beta1) * g
        s = beta2 * s + (1 - beta2) * g * g
        w -= lr * (m / (1 - beta1 ** t)) / (math.sqrt(s / (1 - beta2 ** t)) + eps)
        runs["adam"].append((g, w))
    return runs


def optimizer_numbers():
    w0, lr, g = 1.0, 0.1, 0.1
    beta, beta1, beta2 = 0.9, 0.9, 0.999
    # momentum, textbook form v <- beta v + g, w <- w - lr v, with the same gradient twice
    v1 = g
    v2 = beta * v1 + g
    # the source's own formula w - lr g - beta v with v = 0.9 * 0 + 0.1 g
    src_v = 0.9 * 0 + 0.1 * g
    # Adam, first step
    m1 = (1 - beta1) * g
    s1 = (1 - beta2) * g * g
    m_hat = m1 / (1 - beta1)
    s_hat = s1 / (1 - beta2)
    step = lr * m_hat / (math.sqrt(s_hat) + 1e-8)
    raw = m1 / math.sqrt(s1)
    out = {
        "opt_w0": fmt(w0, 0), "opt_lr": fmt(lr, 1), "opt_g": fmt(g, 1),
        "opt_beta": fmt(beta, 1), "opt_beta1": fmt(beta1, 1), "opt_beta2": fmt(beta2, 3),
        "opt_lr_g": fmt(lr * g, 2),
        "opt_gd_w1": fmt(w0 - lr * g, 2),
        "opt_mom_v1": fmt(v1, 1),
        "opt_mom_w1": fmt(w0 - lr * v1, 2),
        "opt_mom_v2": fmt(v2, 2),
        "opt_mom_w2": fmt(w0 - lr * v1 - lr * v2, 3),
        "opt_src_v": fmt(src_v, 2),
        "opt_src_beta_v": fmt(beta * src_v, 3),
        "opt_src_mom_w": fmt(w0 - lr * g - beta * src_v, 3),
        "opt_adam_m1": fmt(m1, 2),
        "opt_adam_v1": fmt(s1, 5),
        "opt_adam_mhat": fmt(m_hat, 1),
        "opt_adam_vhat": fmt(s_hat, 2),
        "opt_adam_sqrt_vhat": fmt(math.sqrt(s_hat), 1),
        "opt_adam_step": fmt(step, 4),
        "opt_adam_w1": fmt(w0 - step, 4),
        "opt_adam_sqrt_v1": fmt(math.sqrt(s1), 6),
        "opt_adam_raw_ratio": fmt(raw, 4),
        "opt_adam_raw_step": fmt(lr * raw, 4),
        "opt_adam_raw_w1": fmt(w0 - lr * raw, 4),
        "opt_bc1": fmt(1 - beta1, 1),
        "opt_bc2": fmt(1 - beta2, 3),
        "opt_src_sqrt": fmt(math.sqrt(0.011), 4),
        "opt_src_div": fmt(0.019 / 0.11, 4),
        "opt_src_final": fmt(1 - 0.1 * 0.174, 4),
    }
    steps, long = 3, 20
    runs = quadratic_runs(long)
    out["opt_q_target"] = fmt(3, 0)
    out["opt_q_steps"] = fmt(long, 0)
    for name, trace in runs.items():
        for t in range(steps):
            out["opt_q_{}_g{}".format(name, t + 1)] = fmt(trace[t][0], 4)
            out["opt_q_{}_w{}".format(name, t + 1)] = fmt(trace[t][1], 4)
        out["opt_q_{}_w{}".format(name, long)] = fmt(trace[-1][1], 4)
    out["opt_q_gd_closed"] = fmt(1 - 2 * lr, 1)
    return out


# ---------------------------------------------------------------- math/backprop.md

BP = {
    "x": np.array([[1.0, 0.5]]),
    "W1": np.array([[0.1, 0.4], [-0.3, 0.2]]),
    "b1": np.array([0.1, -0.1]),
    "W2": np.array([[0.5, -0.6], [0.3, 0.8]]),
    "b2": np.array([0.0, 0.0]),
    "label": 0,
    "lr": 0.5,
}


def bp_forward(x, W1, b1, W2, b2, label):
    z1 = x @ W1 + b1
    a1 = sigmoid(z1)
    z2 = a1 @ W2 + b2
    p = softmax(z2)
    return z1, a1, z2, p, float(-np.log(p[0, label]))


def backprop_numbers():
    x, W1, b1, W2, b2, label, lr = (BP[k] for k in ("x", "W1", "b1", "W2", "b2", "label", "lr"))
    z1, a1, z2, p, loss = bp_forward(x, W1, b1, W2, b2, label)
    y = np.zeros_like(p)
    y[0, label] = 1.0
    n = x.shape[0]
    dz2 = (p - y) / n
    dW2 = a1.T @ dz2
    db2 = dz2.sum(axis=0)
    da1 = dz2 @ W2.T
    sig_prime = a1 * (1 - a1)
    dz1 = da1 * sig_prime
    dW1 = x.T @ dz1
    db1 = dz1.sum(axis=0)
    new = dict(W1=W1 - lr * dW1, b1=b1 - lr * db1, W2=W2 - lr * dW2, b2=b2 - lr * db2)
    new_loss = bp_forward(x, new["W1"], new["b1"], new["W2"], new["b2"], label)[4]
    eps = 1e-5
    up, down = W1.copy(), W1.copy()
    up[0, 0] += eps
    down[0, 0] -= eps
    numeric = (bp_forward(x, up, b1, W2, b2, label)[4] - bp_forward(x, down, b1, W2, b2, label)[4]) / (2 * eps)
    out = {
        "bp_lr": fmt(lr, 1),
        "bp_loss": fmt(loss, 4),
        "bp_loss_new": fmt(new_loss, 4),
        "bp_dw1_11_long": fmt(dW1[0, 0], 7),
        "bp_fd_w1_11": fmt(numeric, 7),
        "bp_w1_new_11": fmt(new["W1"][0, 0], 4),
        "bp_w2_new_11": fmt(new["W2"][0, 0], 4),
    }
    for name, value, digits in (
            ("x", x[0], 1), ("w1", W1, 1), ("b1", b1, 1), ("w2", W2, 1), ("b2", b2, 1),
            ("z1", z1[0], 4), ("a1", a1[0], 4), ("z2", z2[0], 4), ("p", p[0], 4), ("y", y[0], 0),
            ("dz2", dz2[0], 4), ("dw2", dW2, 4), ("db2", db2, 4), ("da1", da1[0], 4),
            ("sp", sig_prime[0], 4), ("dz1", dz1[0], 4), ("dw1", dW1, 4), ("db1", db1, 4)):
        put_matrix(out, "bp_" + name, value, digits)
    return out


# ---------------------------------------------------------------- math/cnn-rnn-attention.md

CONV_X = np.array([[1, 1, 1, 5, 5]] * 5, dtype=float)  # a dark-to-bright vertical edge
CONV_K = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]], dtype=float)
POOL_F = np.array([[1, 3, 2, 0], [4, 2, 1, 1], [0, 1, 5, 2], [2, 2, 3, 4]], dtype=float)


def out_size(n, k, p=0, s=1):
    return (n + 2 * p - k) // s + 1


def conv_layer_params():
    """Shapes and parameter counts of the Keras MNIST CNN in the sources (28x28x1 input)."""
    c1 = out_size(28, 3)
    p1 = c1 // 2
    c2 = out_size(p1, 3)
    p2 = c2 // 2
    c3 = out_size(p2, 3)
    flat = c3 * c3 * 64
    params = [3 * 3 * 1 * 32 + 32, 3 * 3 * 32 * 64 + 64, 3 * 3 * 64 * 64 + 64, flat * 64 + 64, 64 * 10 + 10]
    return {"sizes": (c1, p1, c2, p2, c3), "flat": flat, "params": params, "total": sum(params)}


def conv_numbers():
    k = CONV_K.shape[0]
    y_side = out_size(CONV_X.shape[0], k)
    y = np.array([[np.sum(CONV_X[i:i + k, j:j + k] * CONV_K) for j in range(y_side)] for i in range(y_side)])
    pooled = POOL_F.reshape(2, 2, 2, 2).max(axis=(1, 3))
    keras = conv_layer_params()
    out = {
        "conv_x_side": fmt(CONV_X.shape[0], 0),
        "conv_k_side": fmt(k, 0),
        "conv_y_side": fmt(y_side, 0),
        "conv_colsum_left": fmt(CONV_X[:k, 1].sum(), 0),
        "conv_colsum_right": fmt(CONV_X[:k, 3].sum(), 0),
        "conv_n_example": fmt(7, 0),
        "conv_out_example": fmt(out_size(7, 3, 1, 2), 0),
        "conv_keras_flat": grouped(keras["flat"]),
        "conv_keras_total": grouped(keras["total"]),
    }
    for name, value in zip(("c1", "p1", "c2", "p2", "c3"), keras["sizes"]):
        out["conv_keras_" + name] = fmt(value, 0)
    for i, value in enumerate(keras["params"]):
        out["conv_keras_params_{}".format(i + 1)] = grouped(value)
    # the PyTorch CNN of the sources: two conv(k=3, p=1) + pool(2) stages on a 32x32 RGB image
    side = 32
    after = out_size(out_size(side, 3, 1, 1) // 2, 3, 1, 1) // 2
    out.update({
        "conv_pt_side": fmt(side, 0),
        "conv_pt_same": fmt(out_size(side, 3, 1, 1), 0),
        "conv_pt_after": fmt(after, 0),
        "conv_pt_flat": grouped(64 * after * after),
        "conv_pt_wrong_flat": grouped(64 * 6 * 6),
        "conv_pt_fits_side": fmt(6 * 4, 0),
    })
    put_matrix(out, "conv_x", CONV_X, 0)
    put_matrix(out, "conv_k", CONV_K, 0)
    put_matrix(out, "conv_y", y, 0)
    put_matrix(out, "conv_f", POOL_F, 0)
    put_matrix(out, "conv_pool", pooled, 0)
    return out


def conv_backward():
    """(dL/dK, dL/db, dL/dX) of the book's own Conv2D layer on the page's edge image, with L = sum(Y)."""
    from demos.layers import Conv2D

    k = CONV_K.shape[0]
    layer = Conv2D(1, 1, k, np.random.RandomState(0))
    layer.params["W"] = CONV_K.reshape(1, 1, k, k).astype(np.float64)
    layer.params["b"] = np.zeros(1)
    y = layer.forward(CONV_X.reshape(1, 1, *CONV_X.shape))
    dx = layer.backward(np.ones_like(y))
    return layer.grads["W"][0, 0], float(layer.grads["b"][0]), dx[0, 0]


def conv_backward_numbers():
    dk, db, dx = conv_backward()
    out = {"convb_db": fmt(db, 0), "convb_dk_col1_rows": fmt(CONV_X.shape[0] - CONV_K.shape[0] + 1, 0)}
    put_matrix(out, "convb_dk", dk, 0)
    put_matrix(out, "convb_dx", dx, 0)
    return out


def recurrence_numbers():
    w_x, w_h, b = 0.5, 0.8, 0.0
    xs = [1.0, 0.5, -1.0]
    h = 0.0
    out = {"seq_wx": fmt(w_x, 1), "seq_wh": fmt(w_h, 1), "seq_b": fmt(b, 1), "seq_h0": fmt(h, 0)}
    chain = 1.0
    for t, x in enumerate(xs, start=1):
        pre = w_x * x + w_h * h + b
        h = math.tanh(pre)
        factor = w_h * (1 - h * h)
        chain *= factor
        out["seq_x{}".format(t)] = fmt(x, 1)
        out["seq_pre{}".format(t)] = fmt(pre, 4)
        out["seq_h{}".format(t)] = fmt(h, 4)
        out["seq_factor{}".format(t)] = fmt(factor, 4)
    d, hidden = 10, 20
    out.update({
        "seq_chain": fmt(chain, 4),
        "seq_small_20": fmt(0.8 ** 20, 4),
        "seq_small_50": sci(0.8 ** 50, 1),
        "seq_big_50": grouped(1.2 ** 50),
        "seq_d": fmt(d, 0),
        "seq_hidden": fmt(hidden, 0),
        "seq_params": grouped(d * hidden + hidden * hidden + hidden),
    })
    return out


def attention_numbers():
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    d_k = x.shape[1]
    scores = x @ x.T
    scaled = scores / math.sqrt(d_k)
    weights = softmax(scaled)
    output = weights @ x
    out = {
        "attn_dk": fmt(d_k, 0),
        "attn_sqrt_dk": fmt(math.sqrt(d_k), 4),
        "attn_row1_sum": fmt(np.exp(scaled[0]).sum(), 4),
    }
    put_matrix(out, "attn_x", x, 0)
    put_matrix(out, "attn_s", scores, 0)
    put_matrix(out, "attn_sc", scaled, 4)
    put_matrix(out, "attn_row1_exp", np.exp(scaled[0]), 4)
    put_matrix(out, "attn_a", weights, 4)
    put_matrix(out, "attn_o", output, 4)
    # sinusoidal positional encoding, d_model = 4, positions 1 and 2
    d_model = 4
    for pos in (1, 2):
        pe = []
        out["attn_pe{}_angle".format(pos)] = fmt(pos / 10000 ** (2 / d_model), 2)
        for i in range(d_model // 2):
            angle = pos / 10000 ** (2 * i / d_model)
            pe += [math.sin(angle), math.cos(angle)]
        put_matrix(out, "attn_pe{}".format(pos), pe, 4)
    out["attn_pe_dmodel"] = fmt(d_model, 0)
    out["attn_pe_wavelen"] = fmt(10000 ** (2 / d_model), 0)
    return out


def numbers():
    table = {}
    for part in (intro_numbers, neural_network_numbers, cnn_concept_numbers, lstm_numbers,
                 transformer_concept_numbers, pretraining_numbers, loop_numbers, activation_numbers,
                 loss_numbers, optimizer_numbers, backprop_numbers, conv_numbers, conv_backward_numbers, recurrence_numbers,
                 attention_numbers):
        for key, value in part().items():
            assert key not in table, key
            table[key] = value
    return table
