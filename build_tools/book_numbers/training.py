"""Numbers of the training chapter's pages on initialisation (keys ``init_``) and regularisation (``reg_``).

The initialisation experiment runs the book's own layers (``demos.layers.Dense`` + ``ReLU``) with the book's
initialisers (``demos.init``); the regularisation examples are one-line formulas worked on small numbers.
"""
import math

import numpy as np

from demos.layers import Dense, ReLU

from . import fmt
from .theory import sci

# ---------------------------------------------------------------- training/initialization.md

INIT_FAN_IN, INIT_FAN_OUT = 784, 256   # the first layer of an MNIST MLP
DEEP_WIDTH, DEEP_LAYERS, DEEP_BATCH = 256, 20, 1000
DEEP_REPORT = (5, 10, 20)
DEEP_SCHEMES = {"normal": "固定标准差 0.01", "xavier_normal": "Xavier", "he_normal": "He"}


def activation_rms(init, width=DEEP_WIDTH, layers=DEEP_LAYERS, batch=DEEP_BATCH, seed=0):
    """Root mean square of the activations after each Dense + ReLU layer, for input x ~ N(0, 1)."""
    rng = np.random.RandomState(seed)
    h = rng.randn(batch, width)
    out = []
    for _ in range(layers):
        layer = Dense(width, width, rng, init=init)
        layer.params["W"] = layer.params["W"].astype(np.float64)
        h = ReLU().forward(layer.forward(h))
        out.append(float(np.sqrt(np.mean(h ** 2))))
    return out


def init_numbers():
    n_in, n_out = INIT_FAN_IN, INIT_FAN_OUT
    out = {
        "init_fan_in": fmt(n_in, 0),
        "init_fan_out": fmt(n_out, 0),
        "init_xavier_var": fmt(2 / (n_in + n_out), 5),
        "init_xavier_a": fmt(math.sqrt(6 / (n_in + n_out)), 4),
        "init_he_var": fmt(2 / n_in, 5),
        "init_he_std": fmt(math.sqrt(2 / n_in), 4),
        "init_width": fmt(DEEP_WIDTH, 0),
        "init_layers": fmt(DEEP_LAYERS, 0),
        "init_batch": fmt(DEEP_BATCH, 0),
        # with Var[w] = 1/n and ReLU the second moment halves per layer: rms * sqrt(1/2) per layer
        "init_half_factor": fmt(math.sqrt(0.5) ** DEEP_LAYERS, 5),
        "init_small_factor": fmt(0.01 * math.sqrt(DEEP_WIDTH / 2), 4),
    }
    conv_fan_in = 64 * 3 * 3
    out.update({
        "init_ex_conv_fan_in": fmt(conv_fan_in, 0),
        "init_ex_conv_std": fmt(math.sqrt(2 / conv_fan_in), 4),
        "init_ex_sigma": fmt(math.sqrt(2 / DEEP_WIDTH), 4),
        "init_ex_he_a": fmt(math.sqrt(6 / n_in), 4),
        "init_ex_tanh_grad_2": fmt(1 - math.tanh(2) ** 2, 3),
    })
    for init in DEEP_SCHEMES:
        rms = activation_rms(init)
        for layer in DEEP_REPORT:
            value = rms[layer - 1]
            out["init_rms_{}_{}".format(init, layer)] = fmt(value, 3) if value >= 0.01 else sci(value, 1)
    return out


# ---------------------------------------------------------------- training/regularization.md

REG_W, REG_GRAD, REG_LR, REG_LAMBDA = 2.0, 0.5, 0.1, 0.01
REG_H = (1.0, 2.0, 3.0, 4.0)
REG_MASK = (1, 0, 1, 0)
REG_P = 0.5
# validation loss per epoch of a run that starts to overfit
REG_VAL = (0.92, 0.61, 0.48, 0.43, 0.41, 0.42, 0.40, 0.43, 0.45, 0.47, 0.50)
REG_PATIENCE = 3


def early_stop(losses, patience):
    """(epoch to stop at, best epoch), both 1-based: stop once `patience` epochs pass without a new best."""
    best, best_epoch = float("inf"), 0
    for epoch, loss in enumerate(losses, start=1):
        if loss < best:
            best, best_epoch = loss, epoch
        elif epoch - best_epoch >= patience:
            return epoch, best_epoch
    return len(losses), best_epoch


def reg_numbers():
    w, g, lr, lam = REG_W, REG_GRAD, REG_LR, REG_LAMBDA
    plain = w - lr * g
    decayed = (1 - lr * lam) * w - lr * g
    kept = [h * m / (1 - REG_P) for h, m in zip(REG_H, REG_MASK)]
    stop, best = early_stop(REG_VAL, REG_PATIENCE)
    # Adam's first step moves every weight by about lr whatever its gradient; L2 added to the gradient is
    # normalised away with it, decoupled weight decay is not (AdamW).
    adam_l2 = w - lr * (g + lam * w) / abs(g + lam * w)
    adamw = w - lr * (g / abs(g) + lam * w)
    out = {
        "reg_w": fmt(w, 1), "reg_grad": fmt(g, 1), "reg_lr": fmt(lr, 1), "reg_lambda": fmt(lam, 2),
        "reg_plain": fmt(plain, 4), "reg_decay_factor": fmt(1 - lr * lam, 3), "reg_decayed": fmt(decayed, 4),
        "reg_l2_term": fmt(lam * w, 2), "reg_l2_grad": fmt(g + lam * w, 2),
        "reg_adam_l2": fmt(adam_l2, 4), "reg_adamw": fmt(adamw, 4),
        "reg_p": fmt(REG_P, 1), "reg_scale": fmt(1 / (1 - REG_P), 0),
        "reg_stop": fmt(stop, 0), "reg_best": fmt(best, 0), "reg_patience": fmt(REG_PATIENCE, 0),
        "reg_best_loss": fmt(REG_VAL[best - 1], 2), "reg_epochs": fmt(len(REG_VAL), 0),
    }
    for i, (h, m, k) in enumerate(zip(REG_H, REG_MASK, kept), start=1):
        out["reg_h_{}".format(i)] = fmt(h, 1)
        out["reg_m_{}".format(i)] = fmt(m, 0)
        out["reg_kept_{}".format(i)] = fmt(k, 1)
    ex_stop, ex_best = early_stop(REG_VAL, 2)
    out.update({
        "reg_ex1_factor": fmt(1 - 0.01 * 0.1, 3), "reg_ex1_w": fmt((1 - 0.01 * 0.1) ** 100, 4),
        "reg_ex2_scale": fmt(1 / (1 - 0.2), 2), "reg_ex2_dropped": fmt(1000 * 0.2, 0),
        "reg_ex3_stop": fmt(ex_stop, 0), "reg_ex3_best": fmt(ex_best, 0),
    })
    for i, v in enumerate(REG_VAL, start=1):
        out["reg_val_{}".format(i)] = fmt(v, 2)
    return out


def numbers():
    out = init_numbers()
    out.update(reg_numbers())
    return out
