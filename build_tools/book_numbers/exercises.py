"""Numbers of the exercises at the end of the concept, training-loop and maths pages (keys ``ex_<page>_``).

========  ===============================  ========  ===============================
prefix    page                             prefix    page
========  ===============================  ========  ===============================
ex_nn_    concepts/neural-networks.md      ex_act_   math/activations.md
ex_cnn_   concepts/cnn.md                  ex_loss_  math/losses.md
ex_rnn_   concepts/rnn.md                  ex_opt_   math/optimizers.md
ex_tf_    concepts/transformer.md          ex_bp_    math/backprop.md
ex_pt_    concepts/pretraining.md          ex_cra_   math/cnn-rnn-attention.md
ex_loop_  training/loop.md
========  ===============================  ========  ===============================

The inputs of an exercise are written in its question; every answer (and every number of a question that
follows from others) is computed here. Layers, losses and optimisers run through the book's NumPy core
(``demos.layers``, ``demos.losses``, ``demos.optim``, ``demos.rnn``, ``demos.attention``), in float64 wherever a
value (not only a shape or a parameter count) is read.
"""
import math

import numpy as np

from demos.attention import SelfAttention
from demos.layers import Conv2D, Dense, MaxPool2D, ReLU, Sequential, Sigmoid, Tanh, sigmoid, softmax
from demos.losses import MSE, BinaryCrossEntropy, SoftmaxCrossEntropy
from demos.optim import SGD, Adam, Momentum
from demos.rnn import RNN

from . import fmt
from .theory import grouped, sci

RNG = np.random.RandomState(0)  # only to construct layers; every weight used below is then set by hand


def with_params(layer, **values):
    """The layer in float64 with the given parameters (the rest keep their shapes)."""
    layer.astype(np.float64)
    for name, value in values.items():
        layer.params[name][...] = np.asarray(value, dtype=np.float64).reshape(layer.params[name].shape)
    return layer


def put(out, prefix, values, digits):
    """Keys prefix_1, prefix_2, ... (1-based) for a vector."""
    for i, v in enumerate(np.ravel(values)):
        out["{}_{}".format(prefix, i + 1)] = fmt(v, digits)


# ---------------------------------------------------------------- concepts/neural-networks.md

def neural_network_exercises():
    # 1. one neuron: x = (1, 3), w = (0.5, -0.4), b = 0.2
    x, w, b = np.array([1.0, 3.0]), np.array([0.5, -0.4]), 0.2
    neuron = with_params(Dense(2, 1, RNG), W=w, b=[b])
    z = neuron.forward(x[None, :])
    # 2. parameters of a 784-256-128-10 MLP
    sizes = [784, 256, 128, 10]
    layers = [Dense(a, c, RNG) for a, c in zip(sizes[:-1], sizes[1:])]
    # 3. 784 -> 128 -> 10 without activation collapses into one 784 -> 10 layer
    linear = Dense(784, 10, RNG)
    # 4. a forward pass costs about 2 N floating-point operations per token (one multiply and one add per weight)
    n_params, reply = 7e9, 500
    out = {
        "ex_nn_wx1": fmt(w[0] * x[0], 1), "ex_nn_wx2": fmt(w[1] * x[1], 1),
        "ex_nn_z": fmt(z[0, 0], 1),
        "ex_nn_relu": fmt(ReLU().forward(z)[0, 0], 0),
        "ex_nn_sigmoid": fmt(Sigmoid().forward(z)[0, 0], 4),
        "ex_nn_total": grouped(Sequential(layers).n_params()),
        "ex_nn_linear_params": grouped(linear.n_params()),
        "ex_nn_llm_flops_token": sci(2 * n_params, 1),
        "ex_nn_llm_flops_reply": sci(2 * n_params * reply, 1),
    }
    for i, layer in enumerate(layers):
        out["ex_nn_layer{}".format(i + 1)] = grouped(layer.n_params())
    return out


# ---------------------------------------------------------------- concepts/cnn.md

def cnn_exercises():
    # 1. 64 kernels of 3x3 on a 32x32 RGB image vs a dense layer of 64 units
    conv = Conv2D(3, 64, 3, RNG)
    inputs = 32 * 32 * 3
    dense = Dense(inputs, 64, RNG)
    # 2. a 5x5 convolution (no padding, stride 1) then 2x2 max pooling on a 32x32 image
    y = Conv2D(1, 1, 5, RNG).forward(np.zeros((1, 1, 32, 32)))
    pooled = MaxPool2D(2).forward(y)
    # 3. the same 3x3 layer on a 224x224 photo
    big = conv.forward(np.zeros((1, 3, 224, 224), dtype=np.float32))
    # 4. a 224x224 RGB image cut into 16x16 patches, one token each (as in the Vision Transformer)
    patches_side = 224 // 16
    return {
        "ex_cnn_conv_params": grouped(conv.n_params()),
        "ex_cnn_inputs": grouped(inputs),
        "ex_cnn_dense_params": grouped(dense.n_params()),
        "ex_cnn_ratio": fmt(dense.n_params() / conv.n_params(), 0),
        "ex_cnn_conv_side": fmt(y.shape[-1], 0),
        "ex_cnn_pool_side": fmt(pooled.shape[-1], 0),
        "ex_cnn_big_side": fmt(big.shape[-1], 0),
        "ex_cnn_big_outputs": grouped(big.size),
        "ex_cnn_patches_side": fmt(patches_side, 0),
        "ex_cnn_patches": fmt(patches_side ** 2, 0),
        "ex_cnn_patch_values": fmt(16 * 16 * 3, 0),
        "ex_cnn_patch_scores": grouped(patches_side ** 4),
    }


# ---------------------------------------------------------------- concepts/rnn.md

def rnn_exercises():
    # 1. one LSTM cell update with the gates given: f = 0.9, i = 0.1, candidate -0.5, o = 0.5, c_{t-1} = 2
    f, i, g, o, c_prev = 0.9, 0.1, -0.5, 0.5, 2.0
    c = f * c_prev + i * g
    tanh_c = Tanh().forward(np.array([c]))[0]
    # 2. what is left of a memory after 20 steps: forget gate 0.9 or 0.99; a plain RNN factor of 0.5
    steps = 20
    # 3. parameters with a 10-dimensional input and a 20-dimensional state: 4 (LSTM) or 3 (GRU) blocks of
    #    (W, U, b) of the plain recurrent layer
    d, h = 10, 20
    block = RNN(d, h, RNG).n_params()
    return {
        "ex_rnn_keep": fmt(f * c_prev, 2),
        "ex_rnn_write": fmt(i * g, 2),
        "ex_rnn_c": fmt(c, 2),
        "ex_rnn_tanh_c": fmt(tanh_c, 4),
        "ex_rnn_h": fmt(o * tanh_c, 4),
        "ex_rnn_f90": fmt(0.9 ** steps, 4),
        "ex_rnn_f99": fmt(0.99 ** steps, 4),
        "ex_rnn_plain": sci(0.5 ** steps, 1),
        "ex_rnn_block": grouped(block),
        "ex_rnn_lstm_params": grouped(4 * block),
        "ex_rnn_gru_params": grouped(3 * block),
    }


# ---------------------------------------------------------------- concepts/transformer.md

def transformer_exercises():
    # 1. one query q = (1, 1) against two keys k1 = (1, 0), k2 = (0, 2); values v1 = (1, 0), v2 = (0, 1)
    q = np.array([1.0, 1.0])
    keys = np.array([[1.0, 0.0], [0.0, 2.0]])
    values = np.array([[1.0, 0.0], [0.0, 1.0]])
    scores = keys @ q
    scaled = scores / math.sqrt(len(q))
    weights = softmax(scaled)
    # 2. d_k = 64: a raw score of 8 (one standard deviation) against 0, with and without the scaling
    raw = softmax(np.array([8.0, 0.0]))
    scaled2 = softmax(np.array([8.0, 0.0]) / math.sqrt(64))
    # 3. d_model = 768, 12 heads
    d_model, heads = 768, 12
    attn = SelfAttention(d_model, RNG, n_heads=heads)
    weights_only = sum(p.size for key, p, _ in attn.parameters() if key.endswith("W"))
    # 4. a context of 8,192 tokens, one 16-bit (2-byte) number per score
    n, short = 8192, 2048
    out = {
        "ex_tf_sqrt": fmt(math.sqrt(len(q)), 4),
        "ex_tf_out_1": fmt((weights @ values)[0], 4),
        "ex_tf_out_2": fmt((weights @ values)[1], 4),
        "ex_tf_raw_p": fmt(raw[0], 4),
        "ex_tf_raw_grad": fmt(raw[0] * (1 - raw[0]), 4),
        "ex_tf_scaled_p": fmt(scaled2[0], 4),
        "ex_tf_scaled_grad": fmt(scaled2[0] * (1 - scaled2[0]), 4),
        "ex_tf_dk": fmt(d_model // heads, 0),
        "ex_tf_proj_params": grouped(weights_only),
        "ex_tf_scores": grouped(n * n),
        "ex_tf_ratio": fmt((n / short) ** 2, 0),
        "ex_tf_mb": fmt(n * n * 2 / 1e6, 0),
    }
    put(out, "ex_tf_score", scores, 0)
    put(out, "ex_tf_scaled", scaled, 4)
    put(out, "ex_tf_w", weights, 4)
    return out


# ---------------------------------------------------------------- concepts/pretraining.md

def pretraining_exercises():
    # 1. probabilities of the right next token at four positions
    probs = np.array([0.9, 0.5, 0.2, 0.4])
    nll = -np.log(probs)
    # 2. a model that spreads its probability evenly over a vocabulary of 50,000 tokens
    vocab = 50000
    # 3. BERT's masking on a 128-token input
    seq = 128
    # 4. LoRA of rank 8 on a d x d weight matrix: two factors d x r and r x d
    r = 8
    out = {
        "ex_pt_nll_mean": fmt(nll.mean(), 4),
        "ex_pt_ppl": fmt(math.exp(nll.mean()), 4),
        "ex_pt_uniform_loss": fmt(math.log(vocab), 4),
        "ex_pt_uniform_ppl": grouped(vocab),
        "ex_pt_chosen": fmt(seq * 0.15, 1),
        "ex_pt_masked": fmt(seq * 0.15 * 0.8, 2),
        "ex_pt_random": fmt(seq * 0.15 * 0.1, 2),
        "ex_pt_kept": fmt(seq * 0.15 * 0.1, 2),
    }
    put(out, "ex_pt_nll", nll, 4)
    for d in (768, 4096):
        full, lora = d * d, 2 * d * r
        out["ex_pt_full_{}".format(d)] = grouped(full)
        out["ex_pt_lora_{}".format(d)] = grouped(lora)
        out["ex_pt_share_{}".format(d)] = fmt(lora / full * 100, 2)
    return out


# ---------------------------------------------------------------- training/loop.md

def loop_exercises():
    # 1. 50,000 examples in batches of 32, for 10 epochs
    examples, batch, epochs = 50000, 32, 10
    steps = -(-examples // batch)
    # 2. one step of gradient descent on y_hat = w x + b for (1, 2), (2, 4), (3, 6), from w = 1, b = 0, lr = 0.01
    x = np.array([[1.0], [2.0], [3.0]])
    y = 2 * x
    model = with_params(Dense(1, 1, RNG), W=[1.0], b=[0.0])
    loss = MSE()
    y_hat = model.forward(x)
    before = loss.forward(y_hat, y)
    err = (y_hat - y).ravel()
    model.backward(loss.backward())
    dw, db = model.grads["W"][0, 0], model.grads["b"][0]
    SGD(0.01).step(model)
    after = loss.forward(model.forward(x), y)
    # 4. 512 sequences of 2,048 tokens per step; 3 x 10^11 training tokens (GPT-3, Brown et al. 2020, as in
    #    the introduction)
    tokens_per_step, tokens = 512 * 2048, 3e11
    out = {
        "ex_loop_ratio": fmt(examples / batch, 1),
        "ex_loop_steps": grouped(steps),
        "ex_loop_last": fmt(examples - (steps - 1) * batch, 0),
        "ex_loop_total_steps": grouped(steps * epochs),
        "ex_loop_loss": fmt(before, 4),
        "ex_loop_dw": fmt(dw, 4),
        "ex_loop_db": fmt(db, 4),
        "ex_loop_w": fmt(model.params["W"][0, 0], 4),
        "ex_loop_b": fmt(model.params["b"][0], 4),
        "ex_loop_loss_after": fmt(after, 4),
        "ex_loop_tokens_step": grouped(tokens_per_step),
        "ex_loop_llm_steps": grouped(tokens / tokens_per_step),
        "ex_loop_sq_sum": fmt(np.sum(err ** 2), 0),
    }
    put(out, "ex_loop_err", err, 0)
    return out


# ---------------------------------------------------------------- math/activations.md

def activation_exercises():
    # 1. sigmoid and its derivative at x = -1 and x = 5 (backward of the core's Sigmoid with dy = 1)
    act = Sigmoid()
    s = act.forward(np.array([-1.0, 5.0]))
    ds = act.backward(np.ones(2))
    # 2. tanh(0.5) through 2 sigma(1) - 1, and its derivative
    th = Tanh()
    t = th.forward(np.array([0.5]))
    dt = th.backward(np.ones(1))
    # 3. softmax with temperature T: softmax(z / T) for the page's z = (2, 1, 0.1)
    z = np.array([2.0, 1.0, 0.1])
    # 4. logits (1000, 999): shifted by the maximum
    big = np.array([1000.0, 999.0])
    out = {
        "ex_act_sig_m1": fmt(s[0], 4),
        "ex_act_dsig_m1": fmt(ds[0], 4),
        "ex_act_sig_5": fmt(s[1], 4),
        "ex_act_dsig_5": fmt(ds[1], 4),
        "ex_act_dsig_ratio": fmt(0.25 / ds[1], 0),
        "ex_act_sig_1": fmt(sigmoid(np.array(1.0)), 4),
        "ex_act_tanh": fmt(t[0], 4),
        "ex_act_dtanh": fmt(dt[0], 4),
    }
    for name, temperature in (("cold", 0.5), ("hot", 2.0)):
        put(out, "ex_act_{}_z".format(name), z / temperature, 2)
        put(out, "ex_act_{}_p".format(name), softmax(z / temperature), 4)
    put(out, "ex_act_big_p", softmax(big), 4)
    return out


# ---------------------------------------------------------------- math/losses.md

def loss_exercises():
    # 1. MSE for y = (3, -1), y_hat = (2.5, 0)
    mse = MSE()
    y, y_hat = np.array([3.0, -1.0]), np.array([2.5, 0.0])
    value = mse.forward(y_hat, y)
    # 2. softmax cross-entropy for logits (1, 3, 0), right class 2 (index 1); the core divides by the batch (1)
    ce = SoftmaxCrossEntropy()
    ce_value = ce.forward(np.array([[1.0, 3.0, 0.0]]), np.array([1]))
    # 3. binary cross-entropy from the logit z = -2 with y = 1
    bce = BinaryCrossEntropy(from_logits=True)
    bce_value = bce.forward(np.array([-2.0]), np.array([1.0]))
    p = float(sigmoid(np.array(-2.0)))
    # 4. a language model's mean cross-entropy of 2.0 nats per token
    nats = 2.0
    out = {
        "ex_loss_mse": fmt(value, 3),
        "ex_loss_ce": fmt(ce_value, 4),
        "ex_loss_bce_p": fmt(p, 4),
        "ex_loss_bce": fmt(bce_value, 4),
        "ex_loss_bce_grad": fmt(bce.backward()[0], 4),
        "ex_loss_mse_grad": fmt(2 * (p - 1) * p * (1 - p), 4),
        "ex_loss_grad_ratio": fmt(bce.backward()[0] / (2 * (p - 1) * p * (1 - p)), 1),
        "ex_loss_bits": fmt(nats / math.log(2), 4),
        "ex_loss_ppl": fmt(math.exp(nats), 4),
    }
    put(out, "ex_loss_diff", y_hat - y, 1)
    put(out, "ex_loss_grad", mse.backward(), 1)
    put(out, "ex_loss_p", ce.probs, 4)
    put(out, "ex_loss_ce_grad", ce.backward(), 4)
    return out


# ---------------------------------------------------------------- math/optimizers.md

def optimizer_exercises():
    out = {}
    # 1. two Adam steps from w = 2 with lr = 0.01 and the gradients -0.5, then -0.2
    adam = Adam(lr=0.01)
    w = np.array([2.0])
    for t, g in enumerate((-0.5, -0.2), start=1):
        adam.update("w", w, np.array([g]))
        s = adam.state["w"]
        m_hat, v_hat = s["m"][0] / (1 - 0.9 ** t), s["v"][0] / (1 - 0.999 ** t)
        out["ex_opt_m{}".format(t)] = fmt(s["m"][0], 4 if t == 1 else 3)
        out["ex_opt_v{}".format(t)] = fmt(s["v"][0], 5 if t == 1 else 8)
        out["ex_opt_mhat{}".format(t)] = fmt(m_hat, 4)
        out["ex_opt_vhat{}".format(t)] = fmt(v_hat, 4)
        out["ex_opt_sqrt_vhat{}".format(t)] = fmt(math.sqrt(v_hat), 4)
        out["ex_opt_w{}".format(t)] = fmt(w[0], 4)
    # 2. momentum with the same gradient g = 1 at every step, beta = 0.9
    mom = Momentum(lr=0.1, beta=0.9)
    p = np.array([0.0])
    for t in range(1, 11):
        mom.update("p", p, np.array([1.0]))
        if t in (1, 2, 3, 10):
            out["ex_opt_vel{}".format(t)] = fmt(mom.state["p"][0], 2 if t < 10 else 4)
    out["ex_opt_vel_limit"] = fmt(1 / (1 - 0.9), 0)
    # 3. gradient descent on J(w) = (w - 3)^2 from w = 0 with lr = 1.1
    lr = 1.1
    sgd, w = SGD(lr), np.array([0.0])
    out["ex_opt_factor"] = fmt(1 - 2 * lr, 1)
    for t in range(1, 4):
        sgd.update("w", w, 2 * (w - 3.0))
        out["ex_opt_gd_w{}".format(t)] = fmt(w[0], 3)
    # 4. memory of training 7 x 10^9 parameters with Adam, every array in 32-bit floats (4 bytes)
    n, bytes_per = 7e9, 4
    out["ex_opt_weights_gb"] = fmt(n * bytes_per / 1e9, 0)
    out["ex_opt_state_gb"] = fmt(2 * n * bytes_per / 1e9, 0)
    out["ex_opt_total_gb"] = fmt(4 * n * bytes_per / 1e9, 0)
    return out


# ---------------------------------------------------------------- math/backprop.md

def backprop_exercises():
    # 1. one sigmoid neuron a = sigma(w x + b), L = (a - y)^2, x = 2, w = 0.5, b = -0.5, y = 1; one step lr = 1
    x, y = np.array([[2.0]]), np.array([[1.0]])
    neuron = with_params(Dense(1, 1, RNG), W=[0.5], b=[-0.5])
    act, loss = Sigmoid(), MSE()
    z = neuron.forward(x)
    a = act.forward(z)
    value = loss.forward(a, y)
    da = loss.backward()
    dz = act.backward(da)
    neuron.backward(dz)
    SGD(1.0).step(neuron)
    after = loss.forward(act.forward(neuron.forward(x)), y)
    # 2. shapes for N = 32, D = 784, H = 128, K = 10
    n, d, h, k = 32, 784, 128, 10
    # 3. a ReLU hidden layer with z1 = (0.2, -0.3) and dL/da1 = (0.4, -0.6)
    relu = ReLU()
    relu.forward(np.array([0.2, -0.3]))
    dz1 = relu.backward(np.array([0.4, -0.6]))
    # 4. training costs about 6 N operations per token (forward 2 N, backward about 4 N); N = 7 x 10^9
    params = 7e9
    out = {
        "ex_bp_z": fmt(z[0, 0], 1),
        "ex_bp_a": fmt(a[0, 0], 4),
        "ex_bp_loss": fmt(value, 4),
        "ex_bp_da": fmt(da[0, 0], 4),
        "ex_bp_sp": fmt(a[0, 0] * (1 - a[0, 0]), 4),
        "ex_bp_dz": fmt(dz[0, 0], 4),
        "ex_bp_dw": fmt(neuron.grads["W"][0, 0], 4),
        "ex_bp_db": fmt(neuron.grads["b"][0], 4),
        "ex_bp_w_new": fmt(neuron.params["W"][0, 0], 4),
        "ex_bp_b_new": fmt(neuron.params["b"][0], 4),
        "ex_bp_loss_new": fmt(after, 4),
        "ex_bp_dw1_size": grouped(d * h),
        "ex_bp_dz1_size": grouped(n * h),
        "ex_bp_dx_size": grouped(n * d),
        "ex_bp_forward": sci(2 * params, 1),
        "ex_bp_train": sci(6 * params, 1),
    }
    put(out, "ex_bp_relu_dz", dz1, 1)
    return out


# ---------------------------------------------------------------- math/cnn-rnn-attention.md

def cnn_rnn_attention_exercises():
    # 1. 16 kernels of 5x5 on a 64x64 RGB image, padding 2, stride 2
    conv = Conv2D(3, 16, 5, RNG, stride=2, padding=2)
    y = conv.forward(np.zeros((1, 3, 64, 64), dtype=np.float32))
    # 2. a scalar RNN, w_xh = 1, w_hh = 0.5, b = 0, h0 = 0, inputs (0.5, -0.5)
    rnn = with_params(RNN(1, 1, RNG), Wx=[1.0], Wh=[0.5], b=[0.0])
    h = rnn.forward(np.array([0.5, -0.5]).reshape(1, 2, 1))[0, :, 0]
    # 3. causal self-attention on X = [[1, 0], [1, 1]] with identity projections (Q = K = V = X), d_k = 2
    x = np.array([[1.0, 0.0], [1.0, 1.0]])
    eye, zero = np.eye(2), np.zeros(2)
    attn = SelfAttention(2, RNG, causal=True).astype(np.float64)
    for part in (attn.q, attn.k, attn.v, attn.o):
        with_params(part, W=eye, b=zero)
    o = attn.forward(x[None])[0]
    a = attn.attn[0, 0]
    scaled = x @ x.T / math.sqrt(2)
    # 4. generating 1,000 tokens one at a time: scores with cached keys vs recomputing all of them at every step
    tokens = 1000
    cached = sum(range(1, tokens + 1))
    recomputed = sum(t * t for t in range(1, tokens + 1))
    out = {
        "ex_cra_side": fmt(y.shape[-1], 0),
        "ex_cra_params": grouped(conv.n_params()),
        "ex_cra_outputs": grouped(y.size),
        "ex_cra_h1": fmt(h[0], 4),
        "ex_cra_pre2": fmt(-0.5 + 0.5 * h[0], 4),
        "ex_cra_h2": fmt(h[1], 4),
        "ex_cra_factor": fmt(0.5 * (1 - h[1] ** 2), 4),
        "ex_cra_cached": grouped(cached),
        "ex_cra_recomputed": grouped(recomputed),
        "ex_cra_ratio": fmt(recomputed / cached, 0),
    }
    put(out, "ex_cra_sc", scaled, 4)
    put(out, "ex_cra_full_a1", softmax(scaled)[0], 1)
    put(out, "ex_cra_a", a, 4)
    put(out, "ex_cra_o", o, 4)
    return out


def numbers():
    out = {}
    for part in (neural_network_exercises, cnn_exercises, rnn_exercises, transformer_exercises,
                 pretraining_exercises, loop_exercises, activation_exercises, loss_exercises,
                 optimizer_exercises, backprop_exercises, cnn_rnn_attention_exercises):
        out.update(part())
    return out
