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
What the book's NumPy core computes (sigmoid, softmax, the losses and their gradients, the optimiser steps, a
forward and backward pass, convolution and pooling shapes, positional encoding) is computed here by that core,
``demos/``, so the worked examples show what the demos run.
"""
import importlib.util
import math
from pathlib import Path

import numpy as np

from demos.layers import Conv2D, Dense, Flatten, MaxPool2D, Sequential, Sigmoid, sigmoid, softmax
from demos.losses import MSE, BinaryCrossEntropy, SoftmaxCrossEntropy
from demos.optim import SGD, Adam, Momentum

from . import fmt

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
    mse = MSE()
    mse_value = mse.forward(y_hat, y)
    mse_grad = mse.backward()
    z = np.array([[2.0, 1.0, 0.1]])
    ce = SoftmaxCrossEntropy()
    ce_right = ce.forward(z, [0])
    p, ce_grad = ce.probs[0], ce.backward()[0]
    ce_wrong = ce.forward(z, [2])
    bce = BinaryCrossEntropy(from_logits=True)
    bce_pos = bce.forward(np.array([2.0]), [1.0])
    bce_grad = bce.backward()[0]
    bce_neg = bce.forward(np.array([2.0]), [0.0])
    q = float(sigmoid(2.0))
    # a saturated sigmoid output z = -4 with target 1: MSE on σ(z) against cross-entropy on the logit
    z_sat = -4.0
    p_sat = float(sigmoid(z_sat))
    squash = Sigmoid()
    mse.forward(squash.forward(np.array([z_sat])), [1.0])
    sat_mse_grad = squash.backward(mse.backward())[0]
    bce.forward(np.array([z_sat]), [1.0])
    sat_ce_grad = bce.backward()[0]
    out = {
        "loss_m": fmt(len(y), 0),
        "loss_sq_sum": fmt(np.sum(diff ** 2), 2),
        "loss_mse": fmt(mse_value, 2),
        "loss_src_mse": fmt((1.0 - 0.5) ** 2, 2),
        "loss_src_ce": fmt(-math.log(0.5), 4),
        "loss_src_ce_bits": fmt(-math.log2(0.5), 0),
        "loss_ce_right": fmt(ce_right, 4),
        "loss_ce_wrong": fmt(ce_wrong, 4),
        "loss_bce_p": fmt(q, 4),
        "loss_bce_pos": fmt(bce_pos, 4),
        "loss_bce_neg": fmt(bce_neg, 4),
        "loss_bce_grad": fmt(bce_grad, 4),
        "loss_bce_softplus": fmt(math.log1p(math.exp(-2.0)), 4),
        "loss_sat_z": fmt(z_sat, 0),
        "loss_sat_p": fmt(p_sat, 4),
        "loss_sat_mse_grad": fmt(sat_mse_grad, 4),
        "loss_sat_ce_grad": fmt(sat_ce_grad, 4),
    }
    put_matrix(out, "loss_y", y, 1)
    put_matrix(out, "loss_yhat", y_hat, 1)
    put_matrix(out, "loss_diff", diff, 1)
    put_matrix(out, "loss_sq", diff ** 2, 2)
    put_matrix(out, "loss_mse_grad", mse_grad, 4)
    put_matrix(out, "loss_ce_p", p, 4)
    put_matrix(out, "loss_ce_grad", ce_grad, 4)
    return out


# ---------------------------------------------------------------- math/optimizers.md

def quadratic_runs(steps, lr=0.1, target=3.0):
    """Trajectories [(g, w) after each step] of GD, momentum (beta 0.9) and Adam (default betas) from
    ``demos.optim`` on J(w) = (w - target)^2 from w = 0."""
    runs = {}
    for name, opt in (("gd", SGD(lr)), ("mom", Momentum(lr, beta=0.9)), ("adam", Adam(lr))):
        w, trace = np.zeros(1), []
        for _ in range(steps):
            g = 2.0 * (w - target)
            opt.update("w", w, g)
            trace.append((float(g[0]), float(w[0])))
        runs[name] = trace
    return runs


def first_steps(opt, w0, g, steps):
    """Weights after each of ``steps`` updates by ``opt`` with the same gradient ``g``, and the optimiser."""
    w, after = np.array([w0]), []
    for _ in range(steps):
        opt.update("w", w, np.array([g]))
        after.append(float(w[0]))
    return after, opt


def optimizer_numbers():
    w0, lr, g = 1.0, 0.1, 0.1
    beta, beta1, beta2 = 0.9, 0.9, 0.999
    (gd_w1,), _ = first_steps(SGD(lr), w0, g, 1)
    # momentum, textbook form v <- beta v + g, w <- w - lr v, with the same gradient twice
    momentum = Momentum(lr, beta)
    (mom_w1,), _ = first_steps(momentum, w0, g, 1)
    v1 = float(momentum.state["w"][0])
    (mom_w2,), _ = first_steps(momentum, mom_w1, g, 1)
    v2 = float(momentum.state["w"][0])
    # the source's own formula w - lr g - beta v with v = 0.9 * 0 + 0.1 g
    src_v = 0.9 * 0 + 0.1 * g
    # Adam, first step
    (adam_w1,), adam = first_steps(Adam(lr, beta1, beta2), w0, g, 1)
    m1, s1 = float(adam.state["w"]["m"][0]), float(adam.state["w"]["v"][0])
    m_hat = m1 / (1 - beta1)
    s_hat = s1 / (1 - beta2)
    step = w0 - adam_w1
    raw = m1 / math.sqrt(s1)
    out = {
        "opt_w0": fmt(w0, 0), "opt_lr": fmt(lr, 1), "opt_g": fmt(g, 1),
        "opt_beta": fmt(beta, 1), "opt_beta1": fmt(beta1, 1), "opt_beta2": fmt(beta2, 3),
        "opt_lr_g": fmt(lr * g, 2),
        "opt_gd_w1": fmt(gd_w1, 2),
        "opt_mom_v1": fmt(v1, 1),
        "opt_mom_w1": fmt(mom_w1, 2),
        "opt_mom_v2": fmt(v2, 2),
        "opt_mom_w2": fmt(mom_w2, 3),
        "opt_src_v": fmt(src_v, 2),
        "opt_src_beta_v": fmt(beta * src_v, 3),
        "opt_src_mom_w": fmt(w0 - lr * g - beta * src_v, 3),
        "opt_adam_m1": fmt(m1, 2),
        "opt_adam_v1": fmt(s1, 5),
        "opt_adam_mhat": fmt(m_hat, 1),
        "opt_adam_vhat": fmt(s_hat, 2),
        "opt_adam_sqrt_vhat": fmt(math.sqrt(s_hat), 1),
        "opt_adam_step": fmt(step, 4),
        "opt_adam_w1": fmt(adam_w1, 4),
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


def bp_model(W1, b1, W2, b2):
    """The worked example's network in demos.layers: Dense -> Sigmoid -> Dense (logits), float64."""
    rng = np.random.RandomState(0)
    model = Sequential([Dense(2, 2, rng), Sigmoid(), Dense(2, 2, rng)]).astype(np.float64)
    model.load_state_dict({"0.W": W1, "0.b": b1, "2.W": W2, "2.b": b2})
    return model


def bp_loss(x, W1, b1, W2, b2, label):
    return SoftmaxCrossEntropy().forward(bp_model(W1, b1, W2, b2).forward(x), [label])


def backprop_numbers():
    x, W1, b1, W2, b2, label, lr = (BP[k] for k in ("x", "W1", "b1", "W2", "b2", "label", "lr"))
    model = bp_model(W1, b1, W2, b2)
    dense1, act, dense2 = model.layers
    z1 = dense1.forward(x)
    a1 = act.forward(z1)
    z2 = dense2.forward(a1)
    ce = SoftmaxCrossEntropy()
    loss = ce.forward(z2, [label])
    p = ce.probs
    y = np.eye(p.shape[1])[[label]]
    dz2 = ce.backward()
    da1 = dense2.backward(dz2)
    dz1 = act.backward(da1)
    dense1.backward(dz1)
    dW1, db1, dW2, db2 = dense1.grads["W"], dense1.grads["b"], dense2.grads["W"], dense2.grads["b"]
    sig_prime = a1 * (1 - a1)
    SGD(lr).step(model)
    state = model.state_dict()
    new = {"W1": state["0.W"], "b1": state["0.b"], "W2": state["2.W"], "b2": state["2.b"]}
    new_loss = bp_loss(x, label=label, **new)
    eps = 1e-5
    up, down = W1.copy(), W1.copy()
    up[0, 0] += eps
    down[0, 0] -= eps
    numeric = (bp_loss(x, up, b1, W2, b2, label) - bp_loss(x, down, b1, W2, b2, label)) / (2 * eps)
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


def side_after(layers, side, channels=1):
    """The side of the feature map after a side x side input has gone through ``layers`` (demos.layers)."""
    x = np.zeros((1, channels, side, side))
    for layer in layers:
        x = layer.forward(x, training=False)
    return x.shape[2]


def out_size(n, k, p=0, s=1):
    """Output side of a k x k convolution, padding p, stride s, on an n x n input: (n + 2p - k) // s + 1."""
    return side_after([Conv2D(1, 1, k, np.random.RandomState(0), stride=s, padding=p)], n)


def conv_layer_params():
    """Shapes and parameter counts of the Keras MNIST CNN in the sources (28x28x1 input), built in demos.layers."""
    rng = np.random.RandomState(0)
    features = [Conv2D(1, 32, 3, rng), MaxPool2D(2), Conv2D(32, 64, 3, rng), MaxPool2D(2), Conv2D(64, 64, 3, rng)]
    sizes = [side_after(features[:i + 1], 28) for i in range(len(features))]
    flat = Flatten().forward(np.zeros((1, 64, sizes[-1], sizes[-1]))).shape[1]
    weighted = [layer for layer in features if layer.params] + [Dense(flat, 64, rng), Dense(64, 10, rng)]
    params = [int(layer.n_params()) for layer in weighted]
    return {"sizes": tuple(sizes), "flat": flat, "params": params, "total": sum(params)}


def conv_numbers():
    k = CONV_K.shape[0]
    y_side = out_size(CONV_X.shape[0], k)
    conv = Conv2D(1, 1, k, np.random.RandomState(0)).astype(np.float64)
    conv.load_state_dict({"W": CONV_K[None, None], "b": np.zeros(1)})
    y = conv.forward(CONV_X[None, None])[0, 0]
    pooled = MaxPool2D(2).forward(POOL_F[None, None])[0, 0]
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
    rng = np.random.RandomState(0)
    after = side_after([Conv2D(3, 8, 3, rng, padding=1), MaxPool2D(2), Conv2D(8, 8, 3, rng, padding=1), MaxPool2D(2)],
                       side, channels=3)
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
    # (in float64: demos.attention.positional_encoding returns float32, in which cos(0.01) = 0.99995 rounds
    # to 0.9999 instead of 1.0000 at the four decimals the page shows)
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
