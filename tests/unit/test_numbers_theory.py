"""The numbers of the theory chapters (build_tools/book_numbers/theory.py), recomputed independently.

Every value is recomputed here with the standard library only (math, plain loops, hand-unrolled
optimiser steps), apart from the training-loop run, which is replayed with a separate einsum-based
implementation. A printed number passes when it is the expected value rounded to the decimals it shows.
"""
import math
import os
import re

import numpy as np
import pytest

from build_tools.book_numbers import exercises, theory

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PAGES = [
    "index.md", "concepts/neural-networks.md", "concepts/cnn.md", "concepts/rnn.md",
    "concepts/transformer.md", "concepts/pretraining.md", "training/loop.md", "math/activations.md",
    "math/losses.md", "math/optimizers.md", "math/backprop.md", "math/cnn-rnn-attention.md",
]
KEY = re.compile(r"\{\{n:([A-Za-z0-9_]+)\}\}")
SCI = re.compile(r"^(-?\d+(?:\.\d+)?) \\times 10\^\{(-?\d+)\}$")


def sig(x):
    return 1.0 / (1.0 + math.exp(-x))


def softmax(z):
    top = max(z)
    e = [math.exp(v - top) for v in z]
    return [v / sum(e) for v in e]


class Expected(dict):
    """key -> (kind, value, decimals) with kind 'dec', 'sci' or 'int'."""

    def dec(self, key, value, decimals):
        self[key] = ("dec", float(value), decimals)

    def sci(self, key, value, decimals):
        self[key] = ("sci", float(value), decimals)

    def int(self, key, value):
        self[key] = ("int", value, 0)

    def vec(self, prefix, values, decimals):
        for i, v in enumerate(values):
            self.dec("{}_{}".format(prefix, i + 1), v, decimals)

    def mat(self, prefix, rows, decimals):
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                self.dec("{}_{}{}".format(prefix, i + 1, j + 1), v, decimals)


def expected_intro(e):
    n, d = 1.75e11, 3.0e11
    c = 6 * n * d
    secs = c / 1.0e14
    cnn = 320 + 18496 + 36928 + 36928 + 650
    e.sci("intro_gpt3_params", n, 2)
    e.sci("intro_gpt3_tokens", d, 1)
    e.sci("intro_gpt3_flops", c, 2)
    e.sci("intro_gpu_rate", 1.0e14, 0)
    e.dec("intro_gpu_tflops", 100, 0)
    e.sci("intro_one_gpu_seconds", secs, 2)
    e.dec("intro_one_gpu_years", secs / 31557600, 0)
    e.int("intro_gpus", 1000)
    e.dec("intro_cluster_days", secs / 1000 / 86400, 0)
    e.dec("intro_bytes_per_param", 2, 0)
    e.dec("intro_gpt3_fp16_gb", n * 2 / 1e9, 0)
    e.int("intro_small_cnn_params", cnn)
    e.dec("intro_param_ratio_wan", n / cnn / 1e4, 0)


def expected_concepts(e):
    z = 0.8 * 1.0 + (-0.3) * 2.0 + 0.1
    for k, v in dict(nn_x1=1.0, nn_x2=2.0, nn_w1=0.8, nn_w2=-0.3, nn_b=0.1, nn_wx1=0.8, nn_wx2=-0.6,
                     nn_z=z, nn_relu=max(z, 0.0)).items():
        e.dec(k, v, 1)
    e.dec("nn_sigmoid", sig(z), 4)
    e.int("nn_mlp_layer1", 784 * 128 + 128)
    e.int("nn_mlp_layer2", 128 * 10 + 10)
    e.int("nn_mlp_params", 784 * 128 + 128 + 128 * 10 + 10)
    e.dec("nn_matmul_n", 1024, 0)
    e.sci("nn_matmul_flops", 1024 * 1024 * 1024 * 2, 2)

    e.dec("cnn_side", 28, 0)
    e.dec("cnn_pixels", 784, 0)
    e.dec("cnn_units", 32, 0)
    e.int("cnn_dense_params", 784 * 32 + 32)
    e.int("cnn_conv_params", 9 * 32 + 32)
    e.dec("cnn_param_ratio", 25120 / 320, 1)
    e.int("cnn_rgb_inputs", 150528)
    e.dec("cnn_rgb_dense_params_yi", (150528 * 1000 + 1000) / 1e8, 1)

    # one LSTM step, gate by gate
    x, h, c = 1.0, 0.2, 0.5
    f = sig(0.6 * x + 0.4 * h)
    i = sig(0.8 * x - 0.2 * h)
    g = math.tanh(1.0 * x + 0.5 * h)
    o = sig(0.3 * x + 0.1 * h + 0.2)
    c_new = f * c + i * g
    for k, v in dict(rnn_x=x, rnn_hprev=h, rnn_cprev=c, rnn_wf=0.6, rnn_uf=0.4, rnn_bf=0, rnn_wi=0.8,
                     rnn_ui=-0.2, rnn_bi=0, rnn_wg=1.0, rnn_ug=0.5, rnn_bg=0, rnn_wo=0.3, rnn_uo=0.1,
                     rnn_bo=0.2).items():
        e.dec(k, v, 1)
    for k, v in dict(rnn_pre_f=0.68, rnn_pre_i=0.76, rnn_pre_g=1.1, rnn_pre_o=0.52).items():
        e.dec(k, v, 2)
    for k, v in dict(rnn_f=f, rnn_i=i, rnn_g=g, rnn_o=o, rnn_keep=f * c, rnn_write=i * g, rnn_c=c_new,
                     rnn_tanh_c=math.tanh(c_new), rnn_h=o * math.tanh(c_new)).items():
        e.dec(k, v, 4)

    e.dec("tf_dmodel", 512, 0)
    e.dec("tf_heads", 8, 0)
    e.dec("tf_dk", 64, 0)
    e.dec("tf_sqrt_dk", 8, 0)
    e.dec("tf_seq", 2048, 0)
    e.int("tf_attn_entries", 2048 ** 2)
    e.int("tf_attn_params", 4 * 512 ** 2)

    nll = [-math.log(0.5), -math.log(0.25), -math.log(0.8)]
    mean = sum(nll) / 3
    e.dec("pt_seq", 512, 0)
    e.dec("pt_rate", 15, 0)
    e.dec("pt_chosen", 512 * 0.15, 1)
    e.dec("pt_share_mask", 12, 0)
    e.dec("pt_share_random", 1.5, 1)
    e.dec("pt_share_keep", 1.5, 1)
    e.vec("pt_p", [0.5, 0.25, 0.8], 2)
    e.vec("pt_nll", nll, 4)
    e.dec("pt_nll_mean", mean, 4)
    e.dec("pt_ppl", (1 / (0.5 * 0.25 * 0.8)) ** (1 / 3), 4)  # perplexity = geometric mean of 1/p
    e.dec("pt_hidden", 768, 0)
    e.int("pt_head_params", 1538)
    e.dec("pt_bert_base_m", 110, 0)
    e.dec("pt_head_share", 1538 / 110e6 * 100, 4)


def replay_training_loop():
    """The training of demos/examples/training_loop.py, rewritten with einsum and explicit sums."""
    n, hidden, lr, epochs = 40, 16, 0.05, 4000
    x = np.linspace(-3.0, 3.0, n)
    y = np.sin(x)
    rng = np.random.RandomState(0)
    w1 = rng.randn(hidden) * math.sqrt(2.0 / 17)
    w2 = rng.randn(hidden) * math.sqrt(2.0 / 17)
    b1 = np.zeros(hidden)
    b2 = 0.0

    def loss_and_parts():
        a = np.tanh(np.einsum("n,h->nh", x, w1) + b1)
        out = np.einsum("nh,h->n", a, w2) + b2
        return float(np.sum((out - y) ** 2) / n), a, out

    first = None
    for _ in range(epochs):
        loss, a, out = loss_and_parts()
        first = loss if first is None else first
        d_out = 2.0 * (out - y) / n
        d_pre = np.einsum("n,h->nh", d_out, w2) * (1.0 - a * a)
        g_w2, g_b2 = np.einsum("nh,n->h", a, d_out), float(np.sum(d_out))
        g_w1, g_b1 = np.einsum("n,nh->h", x, d_pre), np.sum(d_pre, axis=0)
        w1, b1, w2, b2 = w1 - lr * g_w1, b1 - lr * g_b1, w2 - lr * g_w2, b2 - lr * g_b2
    return first, loss_and_parts()[0]


def expected_loop(e):
    first, last = replay_training_loop()
    e.dec("loop_points", 40, 0)
    e.dec("loop_hidden", 16, 0)
    e.dec("loop_lr", 0.05, 2)
    e.int("loop_epochs", 4000)
    e.dec("loop_params", 16 + 16 + 16 + 1, 0)
    e.dec("loop_loss_start", first, 4)
    e.dec("loop_loss_end", last, 4)
    e.dec("loop_loss_ratio", first / last, 0)


def expected_activations(e):
    s = sig(2.0)
    t = math.tanh(2.0)
    z = [2.0, 1.0, 0.1]
    ex = [math.exp(v) for v in z]
    p = [v / sum(ex) for v in ex]
    shift = [v - 2.0 for v in z]
    e.dec("act_x", 2, 0)
    e.dec("act_exp_neg_x", math.exp(-2), 4)
    e.dec("act_denom", 1 + math.exp(-2), 4)
    e.dec("act_sigmoid", s, 4)
    e.dec("act_one_minus", 1 - s, 4)
    e.dec("act_sigmoid_grad", s - s * s, 4)
    e.dec("act_sigmoid_0", 0.5, 1)
    e.dec("act_sigmoid_grad_0", 0.25, 2)
    e.dec("act_layers", 10, 0)
    e.sci("act_vanish", 1.0 / 4 ** 10, 1)
    e.dec("act_relu_neg_x", -1, 0)
    e.dec("act_relu_neg", 0, 0)
    e.dec("act_relu_pos", 2, 0)
    e.dec("act_relu_grad_neg", 0, 0)
    e.dec("act_relu_grad_pos", 1, 0)
    e.dec("act_tanh", (math.exp(2) - math.exp(-2)) / (math.exp(2) + math.exp(-2)), 4)
    e.dec("act_tanh_neg", -t, 4)
    e.dec("act_tanh_1", (math.e - 1 / math.e) / (math.e + 1 / math.e), 4)
    e.dec("act_tanh_sq", t * t, 4)
    e.dec("act_tanh_grad", 1 - t * t, 4)
    e.dec("act_sigmoid_2x", sig(4.0), 4)
    e.vec("act_sm_z", z, 1)
    e.vec("act_sm_exp", ex, 4)
    e.dec("act_sm_sum", sum(ex), 4)
    e.vec("act_sm_shift", shift, 1)
    e.vec("act_sm_shift_exp", [math.exp(v) for v in shift], 4)
    e.dec("act_sm_shift_sum", sum(math.exp(v) for v in shift), 4)
    e.vec("act_sm_p", p, 4)
    e.dec("act_sm_jac_11", p[0] - p[0] ** 2, 4)
    e.dec("act_sm_jac_12", -p[0] * p[1], 4)


def expected_losses(e):
    y, yh = [1.0, 0.0, 2.0], [0.8, 0.2, 1.5]
    d = [b - a for a, b in zip(y, yh)]
    p = softmax([2.0, 1.0, 0.1])
    q = sig(2.0)
    ps = sig(-4.0)
    e.dec("loss_m", 3, 0)
    e.vec("loss_y", y, 1)
    e.vec("loss_yhat", yh, 1)
    e.vec("loss_diff", d, 1)
    e.vec("loss_sq", [v * v for v in d], 2)
    e.dec("loss_sq_sum", sum(v * v for v in d), 2)
    e.dec("loss_mse", sum(v * v for v in d) / 3, 2)
    e.vec("loss_mse_grad", [2 * v / 3 for v in d], 4)
    e.dec("loss_src_mse", 0.25, 2)
    e.dec("loss_src_ce", math.log(2), 4)
    e.dec("loss_src_ce_bits", 1, 0)
    e.vec("loss_ce_p", p, 4)
    e.dec("loss_ce_right", -math.log(p[0]), 4)
    e.dec("loss_ce_wrong", -math.log(p[2]), 4)
    e.vec("loss_ce_grad", [p[0] - 1, p[1], p[2]], 4)
    e.dec("loss_bce_p", q, 4)
    e.dec("loss_bce_pos", -math.log(q), 4)
    e.dec("loss_bce_neg", -math.log(1 - q), 4)
    e.dec("loss_bce_grad", q - 1, 4)
    e.dec("loss_bce_softplus", math.log(1 + math.exp(-2)), 4)
    e.dec("loss_sat_z", -4, 0)
    e.dec("loss_sat_p", ps, 4)
    # d/dz (p - 1)^2 = 2 (p - 1) p (1 - p) for p = sigmoid(z)
    e.dec("loss_sat_mse_grad", 2 * (ps - 1) * ps * (1 - ps), 4)
    e.dec("loss_sat_ce_grad", ps - 1, 4)


def expected_optimizers(e):
    for k, v, dgt in (("opt_w0", 1, 0), ("opt_lr", 0.1, 1), ("opt_g", 0.1, 1), ("opt_beta", 0.9, 1),
                      ("opt_beta1", 0.9, 1), ("opt_beta2", 0.999, 3), ("opt_lr_g", 0.01, 2),
                      ("opt_gd_w1", 0.99, 2), ("opt_mom_v1", 0.1, 1), ("opt_mom_w1", 0.99, 2),
                      ("opt_mom_v2", 0.19, 2), ("opt_mom_w2", 0.99 - 0.019, 3), ("opt_src_v", 0.01, 2),
                      ("opt_src_beta_v", 0.009, 3), ("opt_src_mom_w", 1 - 0.01 - 0.009, 3),
                      ("opt_adam_m1", 0.01, 2), ("opt_adam_v1", 0.001 * 0.01, 5), ("opt_adam_mhat", 0.1, 1),
                      ("opt_adam_vhat", 0.01, 2), ("opt_adam_sqrt_vhat", 0.1, 1), ("opt_bc1", 0.1, 1),
                      ("opt_bc2", 0.001, 3), ("opt_q_target", 3, 0), ("opt_q_steps", 20, 0),
                      ("opt_q_gd_closed", 0.8, 1)):
        e.dec(k, v, dgt)
    step = 0.1 * 0.1 / (math.sqrt(0.01) + 1e-8)
    e.dec("opt_adam_step", step, 4)
    e.dec("opt_adam_w1", 1 - step, 4)
    e.dec("opt_adam_sqrt_v1", math.sqrt(1e-5), 6)
    e.dec("opt_adam_raw_ratio", 0.01 / math.sqrt(1e-5), 4)
    e.dec("opt_adam_raw_step", 0.1 * 0.01 / math.sqrt(1e-5), 4)
    e.dec("opt_adam_raw_w1", 1 - 0.1 * 0.01 / math.sqrt(1e-5), 4)
    e.dec("opt_src_sqrt", 0.011 ** 0.5, 4)
    e.dec("opt_src_div", 0.019 / 0.11, 4)
    e.dec("opt_src_final", 0.9826, 4)

    # J(w) = (w - 3)^2 from w = 0, lr = 0.1: gradient descent has the closed form 3 (1 - 0.8^t)
    gd = [3 * (1 - 0.8 ** t) for t in range(1, 21)]
    for t in (1, 2, 3):
        e.dec("opt_q_gd_g{}".format(t), 2 * ((gd[t - 2] if t > 1 else 0.0) - 3), 4)
        e.dec("opt_q_gd_w{}".format(t), gd[t - 1], 4)
    e.dec("opt_q_gd_w20", gd[19], 4)
    # momentum, unrolled: w_t = w_{t-1} - 0.1 v_t, v_t = 0.9 v_{t-1} + g_t
    w, v, trace = 0.0, 0.0, []
    for _ in range(20):
        g = 2 * w - 6
        v = 0.9 * v + g
        w = w - 0.1 * v
        trace.append((g, w))
    for t in (1, 2, 3):
        e.dec("opt_q_mom_g{}".format(t), trace[t - 1][0], 4)
        e.dec("opt_q_mom_w{}".format(t), trace[t - 1][1], 4)
    e.dec("opt_q_mom_w20", trace[19][1], 4)
    # Adam, with the bias corrections written out
    w, m, s, trace = 0.0, 0.0, 0.0, []
    for t in range(1, 21):
        g = 2 * w - 6
        m = 0.9 * m + 0.1 * g
        s = 0.999 * s + 0.001 * g * g
        m_hat = m / (1 - 0.9 ** t)
        s_hat = s / (1 - 0.999 ** t)
        w = w - 0.1 * m_hat / (s_hat ** 0.5 + 1e-8)
        trace.append((g, w))
    for t in (1, 2, 3):
        e.dec("opt_q_adam_g{}".format(t), trace[t - 1][0], 4)
        e.dec("opt_q_adam_w{}".format(t), trace[t - 1][1], 4)
    e.dec("opt_q_adam_w20", trace[19][1], 4)


def bp_loss(w1, b1, w2, b2, x=(1.0, 0.5)):
    a = [sig(x[0] * w1[0][j] + x[1] * w1[1][j] + b1[j]) for j in range(2)]
    z = [a[0] * w2[0][k] + a[1] * w2[1][k] + b2[k] for k in range(2)]
    return -math.log(math.exp(z[0]) / (math.exp(z[0]) + math.exp(z[1])))


def expected_backprop(e):
    x = [1.0, 0.5]
    w1 = [[0.1, 0.4], [-0.3, 0.2]]
    b1 = [0.1, -0.1]
    w2 = [[0.5, -0.6], [0.3, 0.8]]
    b2 = [0.0, 0.0]
    z1 = [x[0] * w1[0][j] + x[1] * w1[1][j] + b1[j] for j in range(2)]
    a1 = [sig(v) for v in z1]
    z2 = [a1[0] * w2[0][k] + a1[1] * w2[1][k] + b2[k] for k in range(2)]
    p = softmax(z2)
    y = [1.0, 0.0]
    dz2 = [p[k] - y[k] for k in range(2)]
    dw2 = [[a1[j] * dz2[k] for k in range(2)] for j in range(2)]
    da1 = [w2[j][0] * dz2[0] + w2[j][1] * dz2[1] for j in range(2)]
    sp = [a * (1 - a) for a in a1]
    dz1 = [da1[j] * sp[j] for j in range(2)]
    dw1 = [[x[i] * dz1[j] for j in range(2)] for i in range(2)]
    lr = 0.5
    nw1 = [[w1[i][j] - lr * dw1[i][j] for j in range(2)] for i in range(2)]
    nb1 = [b1[j] - lr * dz1[j] for j in range(2)]
    nw2 = [[w2[j][k] - lr * dw2[j][k] for k in range(2)] for j in range(2)]
    nb2 = [b2[k] - lr * dz2[k] for k in range(2)]
    e.vec("bp_x", x, 1)
    e.mat("bp_w1", w1, 1)
    e.vec("bp_b1", b1, 1)
    e.mat("bp_w2", w2, 1)
    e.vec("bp_b2", b2, 1)
    e.vec("bp_y", y, 0)
    for name, vec in (("z1", z1), ("a1", a1), ("z2", z2), ("p", p), ("dz2", dz2), ("db2", dz2), ("da1", da1),
                      ("sp", sp), ("dz1", dz1), ("db1", dz1)):
        e.vec("bp_" + name, vec, 4)
    e.mat("bp_dw2", dw2, 4)
    e.mat("bp_dw1", dw1, 4)
    e.dec("bp_lr", lr, 1)
    e.dec("bp_loss", -math.log(p[0]), 4)
    e.dec("bp_loss_new", bp_loss(nw1, nb1, nw2, nb2), 4)
    e.dec("bp_w1_new_11", nw1[0][0], 4)
    e.dec("bp_w2_new_11", nw2[0][0], 4)
    e.dec("bp_dw1_11_long", dw1[0][0], 7)
    h = 1e-5
    up = [[w1[0][0] + h, w1[0][1]], w1[1]]
    down = [[w1[0][0] - h, w1[0][1]], w1[1]]
    e.dec("bp_fd_w1_11", (bp_loss(up, b1, w2, b2) - bp_loss(down, b1, w2, b2)) / (2 * h), 7)


def expected_cnn_rnn_attention(e):
    x = [[1, 1, 1, 5, 5] for _ in range(5)]
    k = [[1, 0, -1] for _ in range(3)]
    y = [[sum(x[i + u][j + v] * k[u][v] for u in range(3) for v in range(3)) for j in range(3)] for i in range(3)]
    f = [[1, 3, 2, 0], [4, 2, 1, 1], [0, 1, 5, 2], [2, 2, 3, 4]]
    pool = [[max(f[2 * i + u][2 * j + v] for u in range(2) for v in range(2)) for j in range(2)] for i in range(2)]
    e.mat("conv_x", x, 0)
    e.mat("conv_k", k, 0)
    e.mat("conv_y", y, 0)
    e.mat("conv_f", f, 0)
    e.mat("conv_pool", pool, 0)
    # backward pass with L = sum(Y): dL/dY = 1 everywhere; the chain rule written out as plain loops
    g = [[1] * 3 for _ in range(3)]
    dk = [[sum(g[i][j] * x[i + u][j + v] for i in range(3) for j in range(3)) for v in range(3)] for u in range(3)]
    dx = [[sum(g[a - u][b - v] * k[u][v] for u in range(3) for v in range(3) if 0 <= a - u < 3 and 0 <= b - v < 3)
           for b in range(5)] for a in range(5)]
    e.mat("convb_dk", dk, 0)
    e.mat("convb_dx", dx, 0)
    e.dec("convb_db", sum(map(sum, g)), 0)
    e.dec("convb_dk_col1_rows", len(g), 0)
    for key, v in dict(conv_x_side=5, conv_k_side=3, conv_y_side=5 - 3 + 1, conv_colsum_left=3,
                       conv_colsum_right=15, conv_n_example=7, conv_out_example=(7 + 2 - 3) // 2 + 1,
                       conv_keras_c1=26, conv_keras_p1=13, conv_keras_c2=11, conv_keras_p2=5, conv_keras_c3=3,
                       conv_pt_side=32, conv_pt_same=32, conv_pt_after=8, conv_pt_fits_side=24).items():
        e.dec(key, v, 0)
    params = [9 * 32 + 32, 9 * 32 * 64 + 64, 9 * 64 * 64 + 64, 3 * 3 * 64 * 64 + 64, 650]
    for i, v in enumerate(params):
        e.int("conv_keras_params_{}".format(i + 1), v)
    e.int("conv_keras_flat", 576)
    e.int("conv_keras_total", sum(params))
    e.int("conv_pt_flat", 64 * 8 * 8)
    e.int("conv_pt_wrong_flat", 64 * 36)

    e.dec("seq_wx", 0.5, 1)
    e.dec("seq_wh", 0.8, 1)
    e.dec("seq_b", 0.0, 1)
    e.dec("seq_h0", 0, 0)
    h, chain = 0.0, 1.0
    for t, xt in enumerate([1.0, 0.5, -1.0], start=1):
        pre = 0.5 * xt + 0.8 * h
        h = math.tanh(pre)
        chain *= 0.8 * (1 - h * h)
        e.dec("seq_x{}".format(t), xt, 1)
        e.dec("seq_pre{}".format(t), pre, 4)
        e.dec("seq_h{}".format(t), h, 4)
        e.dec("seq_factor{}".format(t), 0.8 * (1 - h * h), 4)
    e.dec("seq_chain", chain, 4)
    e.dec("seq_small_20", 0.8 ** 20, 4)
    e.sci("seq_small_50", 0.8 ** 50, 1)
    e.int("seq_big_50", round(1.2 ** 50))
    e.dec("seq_d", 10, 0)
    e.dec("seq_hidden", 20, 0)
    e.int("seq_params", 10 * 20 + 20 * 20 + 20)

    xs = [[1, 0], [0, 1], [1, 1]]
    s = [[sum(a * b for a, b in zip(r, c)) for c in xs] for r in xs]
    sc = [[v / math.sqrt(2) for v in row] for row in s]
    a = [softmax(row) for row in sc]
    o = [[sum(a[i][j] * xs[j][c] for j in range(3)) for c in range(2)] for i in range(3)]
    e.dec("attn_dk", 2, 0)
    e.dec("attn_sqrt_dk", math.sqrt(2), 4)
    e.mat("attn_x", xs, 0)
    e.mat("attn_s", s, 0)
    e.mat("attn_sc", sc, 4)
    e.vec("attn_row1_exp", [math.exp(v) for v in sc[0]], 4)
    e.dec("attn_row1_sum", sum(math.exp(v) for v in sc[0]), 4)
    e.mat("attn_a", a, 4)
    e.mat("attn_o", o, 4)
    e.vec("attn_pe1", [math.sin(1), math.cos(1), math.sin(0.01), math.cos(0.01)], 4)
    e.vec("attn_pe2", [math.sin(2), math.cos(2), math.sin(0.02), math.cos(0.02)], 4)
    e.dec("attn_pe1_angle", 1 / 100, 2)
    e.dec("attn_pe2_angle", 2 / 100, 2)
    e.dec("attn_pe_dmodel", 4, 0)
    e.dec("attn_pe_wavelen", 100, 0)


def build_expected():
    e = Expected()
    for part in (expected_intro, expected_concepts, expected_loop, expected_activations, expected_losses,
                 expected_optimizers, expected_backprop, expected_cnn_rnn_attention):
        part(e)
    return e


@pytest.fixture(scope="module")
def table():
    return theory.numbers()


@pytest.fixture(scope="module")
def expected():
    return build_expected()


def decimals(text):
    return len(text.split(".")[1]) if "." in text else 0


def test_every_key_is_recomputed(table, expected):
    assert set(table) == set(expected), (sorted(set(table) - set(expected)), sorted(set(expected) - set(table)))


def test_every_value_matches_its_recomputation(table, expected):
    wrong = []
    for key, (kind, value, digits) in sorted(expected.items()):
        text = table[key]
        if kind == "int":
            ok = re.fullmatch(r"-?\d{1,3}(,\d{3})*", text) is not None and int(text.replace(",", "")) == value
        elif kind == "sci":
            m = SCI.match(text)
            ok = m is not None and decimals(m.group(1)) == digits
            if ok:
                mantissa, exponent = float(m.group(1)), int(m.group(2))
                ok = 1 <= abs(mantissa) < 10 and abs(mantissa * 10 ** exponent - value) <= 0.5000001 * 10 ** (exponent - digits)
        else:
            ok = (re.fullmatch(r"-?\d+(\.\d+)?", text) is not None and decimals(text) == digits
                  and abs(float(text) - value) <= 0.5000001 * 10 ** -digits)
        if not ok:
            wrong.append((key, text, value, digits))
    assert not wrong


def test_sources_errors_are_really_errors(table):
    """The corrected values differ from what the source articles printed."""
    assert table["act_sigmoid"] != "0.8656"
    assert table["act_tanh"] != "0.7616" and table["act_tanh_1"] == "0.7616"
    assert table["opt_gd_w1"] != "0.9"
    assert table["opt_src_mom_w"] != "0.79"
    assert table["opt_adam_w1"] != "0.726"
    # the page says the finite difference and backprop agree to all seven printed decimals
    assert table["bp_fd_w1_11"] == table["bp_dw1_11_long"]


def page_keys():
    keys = {}
    for page in PAGES:
        with open(os.path.join(ROOT, "docs", page), encoding="utf-8") as fh:
            keys[page] = set(KEY.findall(fh.read()))
    return keys


def test_every_number_used_on_the_theory_pages_exists(table):
    """Stricter than the build's check: the theory pages print only numbers computed in theory.py
    (and, in their exercises, the ex_ numbers of exercises.py)."""
    known = set(table) | {key for key in exercises.numbers() if key.startswith("ex_")}
    missing = {page: sorted(k for k in keys if k not in known) for page, keys in page_keys().items()}
    assert not any(missing.values()), missing


def test_every_theory_number_is_printed_somewhere(table):
    used = set().union(*page_keys().values())
    assert not sorted(set(table) - used)


def test_training_loop_example_runs_and_learns(capsys):
    import runpy

    runpy.run_path(os.path.join(ROOT, "demos", "examples", "training_loop.py"), run_name="__main__")
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("gradient check")
    assert float(lines[0].split()[-1]) < 1e-6
    losses = [float(line.split()[-1]) for line in lines if line.startswith("epoch")]
    assert losses[-1] < losses[0] / 100


MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)


def test_grouped_numbers_inside_formulas_are_wrapped_in_text(table):
    """KaTeX spaces a bare ',' in math like punctuation ('93, 322'); \\text{93,322} keeps it a number."""
    bare = []
    for page in PAGES:
        with open(os.path.join(ROOT, "docs", page), encoding="utf-8") as fh:
            for formula in MATH.findall(fh.read()):
                for wrapped, key in re.findall(r"(\\text\{)?\{\{n:([A-Za-z0-9_]+)\}\}", formula):
                    if "," in table.get(key, "") and not wrapped:
                        bare.append((page, key))
    assert not bare


# The errata fragment is included as a snippet, after the {{n:...}} substitution has run, so it prints
# its numbers literally; each must be the value computed for the page it corrects.
ERRATA_KEYS = [
    "act_exp_neg_x", "act_denom", "act_sigmoid", "act_tanh", "act_tanh_1", "opt_gd_w1", "opt_mom_v2", "opt_mom_w2",
    "opt_src_mom_w", "opt_adam_v1", "opt_adam_vhat", "opt_adam_w1", "opt_src_sqrt", "opt_src_div",
    "opt_src_final", "opt_adam_raw_ratio", "conv_pt_after", "conv_pt_flat", "conv_pt_fits_side",
    "intro_small_cnn_params", "intro_gpt3_flops", "opt_mom_v1", "opt_mom_w1", "opt_adam_m1", "opt_adam_mhat",
]


def test_errata_numbers_match_the_computed_ones(table):
    with open(os.path.join(ROOT, "includes", "errata-theory.md"), encoding="utf-8") as fh:
        text = fh.read()
    assert text.startswith("## 核心概念、训练算法与数学模型")
    assert "{{n:" not in text
    missing = []
    for key in ERRATA_KEYS:
        variants = {table[key], table[key].replace(",", "")}
        if not any(re.search(r"(?<![\d.])" + re.escape(v) + r"(?![\d])", text) for v in variants):
            missing.append((key, table[key]))
    assert not missing
