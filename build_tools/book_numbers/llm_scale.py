"""Numbers of three pages of the part on large language models: scaling, alignment and serving.

========  ===========================
prefix    page
========  ===========================
scal_     llm/scaling.md
align_    llm/alignment.md
serve_    llm/serving.md
========  ===========================

Published inputs (model sizes, token counts, fitted constants, hardware figures, prices) are defined once
below with their source and date, and printed as keys too, so that the page, the computation and the test
cannot drift.
"""
import math

import numpy as np

from . import fmt
from . import llm_product as _biz
from .llm_text import LLAMA as _LLAMA
from .theory import grouped, sci

# ---------------------------------------------------------------- published inputs

# Kaplan et al. 2020, "Scaling Laws for Neural Language Models" (arXiv:2001.08361): L(N) = (N_c / N)^alpha_N,
# N = non-embedding parameters, and L(D) = (D_c / D)^alpha_D.
KAPLAN = {"alpha_n": 0.076, "n_c": 8.8e13, "alpha_d": 0.095, "d_c": 5.4e13}

# Hoffmann et al. 2022, "Training Compute-Optimal Large Language Models" (arXiv:2203.15556), approach 3:
# L(N, D) = E + A / N^alpha + B / D^beta.
CHINCHILLA = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}

# (parameters, training tokens). GPT-3: Brown et al. 2020; Gopher and Chinchilla: Hoffmann et al. 2022;
# Llama 3 8B / 70B: Meta model card (2024-04), "over 15T tokens", so 15e12 is a lower bound.
MODELS = {
    "gpt3": (175e9, 300e9),
    "gopher": (280e9, 300e9),
    "chinchilla": (70e9, 1.4e12),
    "llama8": (8e9, 15e12),
    "llama70": (70e9, 15e12),
}
# Meta Llama 3 model card (2024-04): training time in H100-80GB GPU hours.
LLAMA_GPU_HOURS = {"llama8": 1.3e6, "llama70": 6.4e6}

# NVIDIA H100 SXM datasheet: 989 TFLOP/s dense BF16 (1,979 with sparsity), 3.35 TB/s HBM3, 80 GB; checked on a
# reseller's copy of the datasheet table (archive-lib.hpctech.co.jp, "specifications 1/2 lower without sparsity").
H100_FLOPS = 989e12
H100_FLOPS_SPARSE = 1979e12  # the datasheet's headline figure, with 2:4 sparsity
H100_BANDWIDTH = 3.35e12
H100_MEMORY = 80e9
# The rental price DeepSeek-V3's technical report assumes (arXiv:2412.19437, 2024-12): 2 USD per GPU hour.
GPU_PRICE_HOUR = 2.0

# Villalobos et al. 2024 (ICML, arXiv:2211.04325): effective stock of public human-generated text, about 300T
# tokens, 90% confidence interval 100T to 1000T (Epoch AI summary of the paper, 2024-06).
TEXT_STOCK = 300e12
TEXT_STOCK_CI = (100e12, 1000e12)

# Llama 3 8B / 3.1 8B shape: defined once in llm_text.LLAMA (config.json of Llama 3.1 8B, with its source);
# Llama 3 8B has the same shape and was trained at 8192 tokens, Llama 3.1 8B raises the context to 131072.
LLAMA3_8B = {"layers": _LLAMA["num_hidden_layers"], "heads": _LLAMA["num_attention_heads"],
             "kv_heads": _LLAMA["num_key_value_heads"], "hidden": _LLAMA["hidden_size"],
             "ffn": _LLAMA["intermediate_size"], "vocab": _LLAMA["vocab_size"],
             "context": _LLAMA["original_max_position_embeddings"], "context_31": _LLAMA["max_position_embeddings"]}

# List prices per million tokens (USD), as published by the providers; dates in the page.
# OpenAI gpt-4o-mini-2024-07-18: 0.15 input, 0.60 output. DeepSeek deepseek-chat (DeepSeek-V3), price page
# of 2025-02: 0.27 input (cache miss), 1.10 output.
API_PRICES = {"gpt4omini": (0.15, 0.60), "dschat": (0.27, 1.10)}

# InstructGPT (Ouyang et al. 2022): about 13k SFT prompts, 33k reward-model prompts, 31k PPO prompts;
# 4.9 petaflop/s-days for the 175B SFT model, 60 for 175B PPO-ptx, 3,640 for GPT-3 pretraining.
INSTRUCTGPT = {"sft": 13e3, "rm": 33e3, "ppo": 31e3, "pfd_sft": 4.9, "pfd_ppo": 60.0, "pfd_gpt3": 3640.0}
# DeepSeek-V3 report: 2.788M H800 GPU hours, 5.576M USD at 2 USD/hour. DeepSeek-R1 (Nature, 2025-09):
# the reinforcement-learning stages cost about 294k USD.
DEEPSEEK = {"v3_gpu_hours": 2.788e6, "r1_usd": 294e3}


def pct(x, digits=1):
    return fmt(100 * x, digits)


# ---------------------------------------------------------------- llm/scaling.md

def chinchilla_loss(n, d, c=CHINCHILLA):
    """L(N, D) = E + A / N^alpha + B / D^beta."""
    return c["E"] + c["A"] / n ** c["alpha"] + c["B"] / d ** c["beta"]


def chinchilla_optimum(compute, c=CHINCHILLA):
    """Minimise L(N, D) subject to 6 N D = C: N_opt = G (C/6)^(beta/(alpha+beta)), G = (alpha A / (beta B))^(1/(alpha+beta))."""
    g = (c["alpha"] * c["A"] / (c["beta"] * c["B"])) ** (1 / (c["alpha"] + c["beta"]))
    n = g * (compute / 6) ** (c["beta"] / (c["alpha"] + c["beta"]))
    return n, compute / 6 / n


def twenty_tokens_optimum(compute, ratio=20):
    """C = 6 N D with D = 20 N gives N = sqrt(C / 120)."""
    n = math.sqrt(compute / (6 * ratio))
    return n, ratio * n


def fit_power_law(sizes, losses, c):
    """Least squares of log(L - c) = log a - alpha log N; returns (a, alpha)."""
    x = np.log(np.asarray(sizes, dtype=float))
    y = np.log(np.asarray(losses, dtype=float) - c)
    slope, intercept = np.polyfit(x, y, 1)
    return float(np.exp(intercept)), float(-slope)


FIT_SIZES = [1e4, 4e4, 1.6e5, 6.4e5]
FIT_LOSSES = [2.95, 2.32, 1.90, 1.66]
FIT_FLOORS = [1.2, 0.0]
FIT_TARGET = 1e7


def scaling_numbers():
    out = {}
    k = KAPLAN
    out.update({
        "scal_kaplan_alpha_n": fmt(k["alpha_n"], 3), "scal_kaplan_alpha_d": fmt(k["alpha_d"], 3),
        "scal_kaplan_nc": sci(k["n_c"], 1), "scal_kaplan_dc": sci(k["d_c"], 1),
        "scal_kaplan_double": fmt(2 ** -k["alpha_n"], 4),
        "scal_kaplan_double_pct": pct(1 - 2 ** -k["alpha_n"]),
        "scal_kaplan_ten": fmt(10 ** -k["alpha_n"], 4),
        "scal_kaplan_ten_pct": pct(1 - 10 ** -k["alpha_n"]),
        "scal_kaplan_l1b": fmt((k["n_c"] / 1e9) ** k["alpha_n"], 3),
        "scal_kaplan_halve_factor": fmt(2 ** (1 / k["alpha_n"]), 0),
    })
    c = CHINCHILLA
    out.update({"scal_E": fmt(c["E"], 2), "scal_A": fmt(c["A"], 1), "scal_B": fmt(c["B"], 1),
                "scal_alpha": fmt(c["alpha"], 2), "scal_beta": fmt(c["beta"], 2)})
    for name, (n, d) in MODELS.items():
        out["scal_{}_n".format(name)] = fmt(n / 1e9, 0)
        out["scal_{}_d".format(name)] = fmt(d / 1e12, 1)
        out["scal_{}_c".format(name)] = sci(6 * n * d, 2)
        out["scal_{}_ratio".format(name)] = fmt(d / n, 1) if d / n < 10 else fmt(d / n, 0)
    for name in ("gopher", "chinchilla", "gpt3"):
        n, d = MODELS[name]
        out["scal_{}_loss".format(name)] = fmt(chinchilla_loss(n, d), 3)
        out["scal_{}_loss_n".format(name)] = fmt(c["A"] / n ** c["alpha"], 4)
        out["scal_{}_loss_d".format(name)] = fmt(c["B"] / d ** c["beta"], 4)

    # compute-optimal allocation for a budget, two ways
    budget = 1e24
    n20, d20 = twenty_tokens_optimum(budget)
    np3, dp3 = chinchilla_optimum(budget)
    g_n, g_d = twenty_tokens_optimum(6 * MODELS["gopher"][0] * MODELS["gopher"][1])
    out.update({
        "scal_budget": sci(budget, 0),
        "scal_budget_n20": fmt(n20 / 1e9, 1), "scal_budget_d20": fmt(d20 / 1e12, 2),
        "scal_budget_n20_check": sci(6 * n20 * d20, 2),
        "scal_budget_np": fmt(np3 / 1e9, 1), "scal_budget_dp": fmt(dp3 / 1e12, 2),
        "scal_budget_dp_ratio": fmt(dp3 / np3, 0),
        "scal_budget_loss20": fmt(chinchilla_loss(n20, d20), 4),
        "scal_budget_lossp": fmt(chinchilla_loss(np3, dp3), 4),
        "scal_exponent_n": fmt(c["beta"] / (c["alpha"] + c["beta"]), 2),
        "scal_exponent_d": fmt(c["alpha"] / (c["alpha"] + c["beta"]), 2),
        "scal_gopher_n20": fmt(g_n / 1e9, 1), "scal_gopher_d20": fmt(g_d / 1e12, 2),
    })

    # over-training: Llama 3 8B against the 20-tokens model of the same compute
    n8, d8 = MODELS["llama8"]
    c8 = 6 * n8 * d8
    no, do = twenty_tokens_optimum(c8)
    serve_tokens = 1e13
    out.update({
        "scal_over_n": fmt(no / 1e9, 1), "scal_over_d": fmt(do / 1e12, 2),
        "scal_over_loss_small": fmt(chinchilla_loss(n8, d8), 3),
        "scal_over_loss_opt": fmt(chinchilla_loss(no, do), 3),
        "scal_over_infer_ratio": fmt(no / n8, 1),
        "scal_serve_tokens": sci(serve_tokens, 0),
        "scal_serve_small": sci(2 * n8 * serve_tokens, 1),
        "scal_serve_opt": sci(2 * no * serve_tokens, 2),
        "scal_total_small": sci(c8 + 2 * n8 * serve_tokens, 2),
        "scal_total_opt": sci(c8 + 2 * no * serve_tokens, 2),
    })

    # GPU time for a budget and the Llama 3 reports
    mfu = 0.4
    gpus = 1024
    gpu_seconds = budget / (H100_FLOPS * mfu)
    out.update({
        "scal_h100_tflops": fmt(H100_FLOPS / 1e12, 0), "scal_mfu_pct": pct(mfu, 0), "scal_gpus": grouped(gpus),
        "scal_eff_flops": sci(H100_FLOPS * mfu, 2),
        "scal_budget_gpu_hours_wan": fmt(gpu_seconds / 3600 / 1e4, 1),
        "scal_budget_days": fmt(gpu_seconds / gpus / 86400, 1),
        "scal_gpu_price": fmt(GPU_PRICE_HOUR, 0),
        "scal_budget_usd_wan": fmt(gpu_seconds / 3600 * GPU_PRICE_HOUR / 1e4, 0),
    })
    for name in ("llama8", "llama70"):
        n, d = MODELS[name]
        flops = 6 * n * d
        hours = LLAMA_GPU_HOURS[name]
        out["scal_{}_gpu_hours_wan".format(name)] = fmt(hours / 1e4, 0)
        out["scal_{}_est_hours_wan".format(name)] = fmt(flops / (H100_FLOPS * mfu) / 3600 / 1e4, 0)
        out["scal_{}_implied_mfu".format(name)] = pct(flops / (hours * 3600 * H100_FLOPS), 0)

    # emergence as a metric effect: exact match of a 10-token answer is p^10
    length = 10
    out["scal_em_len"] = fmt(length, 0)
    for i, p in enumerate([0.5, 0.8, 0.9, 0.95, 0.99]):
        out["scal_em_p{}".format(i + 1)] = fmt(p, 2)
        out["scal_em_acc{}".format(i + 1)] = pct(p ** length)

    # the data wall
    n_stock = TEXT_STOCK / 20
    out.update({
        "scal_stock": fmt(TEXT_STOCK / 1e12, 0),
        "scal_stock_lo": grouped(TEXT_STOCK_CI[0] / 1e12), "scal_stock_hi": grouped(TEXT_STOCK_CI[1] / 1e12),
        "scal_llama_share": pct(MODELS["llama70"][1] / TEXT_STOCK, 0),
        "scal_stock_n": fmt(n_stock / 1e12, 0),
        "scal_stock_c": sci(6 * n_stock * TEXT_STOCK, 1),
        "scal_stock_vs_llama70": fmt(6 * n_stock * TEXT_STOCK / (6 * 70e9 * 15e12), 0),
    })

    # fitting a power law to four measured losses
    for i, (n, loss) in enumerate(zip(FIT_SIZES, FIT_LOSSES)):
        out["scal_fit_n{}".format(i + 1)] = grouped(n)
        out["scal_fit_l{}".format(i + 1)] = fmt(loss, 2)
    for j, floor in enumerate(FIT_FLOORS):
        a, alpha = fit_power_law(FIT_SIZES, FIT_LOSSES, floor)
        out["scal_fit_c{}".format(j + 1)] = fmt(floor, 1)
        out["scal_fit_a{}".format(j + 1)] = fmt(a, 1)
        out["scal_fit_alpha{}".format(j + 1)] = fmt(alpha, 3)
        out["scal_fit_pred{}".format(j + 1)] = fmt(floor + a * FIT_TARGET ** -alpha, 2)
    out["scal_fit_target"] = sci(FIT_TARGET, 0)
    lc = [v - FIT_FLOORS[0] for v in FIT_LOSSES]
    out["scal_fit_lc1"] = fmt(lc[0], 2)
    out["scal_fit_lc4"] = fmt(lc[-1], 2)
    out["scal_fit_span"] = fmt(FIT_SIZES[-1] / FIT_SIZES[0], 0)
    out["scal_fit_two_point"] = fmt(math.log(lc[0] / lc[-1]) / math.log(FIT_SIZES[-1] / FIT_SIZES[0]), 3)

    # exercise: a 100x larger budget under the 20-token rule
    n_big, d_big = twenty_tokens_optimum(100 * budget)
    out.update({"scal_ex_n": fmt(n_big / 1e9, 0), "scal_ex_d": fmt(d_big / 1e12, 1)})
    n70, d70 = MODELS["llama70"]
    out["scal_ex_llama70_days"] = fmt(6 * n70 * d70 / (H100_FLOPS * mfu) / gpus / 86400, 0)
    out["scal_ex_em_gain_p"] = pct(0.99 - 0.95, 0)
    out["scal_ex_em_gain_acc"] = pct(0.99 ** length - 0.95 ** length, 1)
    return out


# ---------------------------------------------------------------- llm/alignment.md

def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def majority_accuracy(p, k):
    """P(more than half of k independent answers are right), each right with probability p (k odd)."""
    return sum(math.comb(k, j) * p ** j * (1 - p) ** (k - j) for j in range(k // 2 + 1, k + 1))


def group_advantages(rewards):
    """GRPO: A_i = (r_i - mean(r)) / std(r), population standard deviation of the group."""
    r = np.asarray(rewards, dtype=float)
    return (r - r.mean()) / r.std()


def alignment_numbers():
    out = {}
    # SFT: loss on the answer tokens only
    answer_probs = [0.5, 0.8, 0.9, 0.95]
    nll = [-math.log(p) for p in answer_probs]
    out["align_sft_prompt_len"] = fmt(6, 0)
    out["align_sft_answer_len"] = fmt(len(answer_probs), 0)
    for i, (p, v) in enumerate(zip(answer_probs, nll)):
        out["align_sft_p{}".format(i + 1)] = fmt(p, 2)
        out["align_sft_nll{}".format(i + 1)] = fmt(v, 4)
    out["align_sft_loss"] = fmt(sum(nll) / len(nll), 4)

    # reward model, Bradley-Terry
    rw, rl = 1.5, 0.3
    out.update({
        "align_bt_rw": fmt(rw, 1), "align_bt_rl": fmt(rl, 1), "align_bt_diff": fmt(rw - rl, 1),
        "align_bt_p": fmt(sigmoid(rw - rl), 4), "align_bt_loss": fmt(-math.log(sigmoid(rw - rl)), 4),
        "align_bt_grad": fmt(-(1 - sigmoid(rw - rl)), 4),
        "align_bt_loss_swapped": fmt(-math.log(sigmoid(rl - rw)), 4),
    })

    # KL-penalised reward and the PPO clip
    r, logp, logref, beta_rl = 2.0, -12.0, -15.0, 0.1
    out.update({
        "align_kl_r": fmt(r, 1), "align_kl_logp": fmt(logp, 1), "align_kl_logref": fmt(logref, 1),
        "align_kl_beta": fmt(beta_rl, 1), "align_kl_logratio": fmt(logp - logref, 1),
        "align_kl_total": fmt(r - beta_rl * (logp - logref), 1),
        "align_kl_penalty": fmt(beta_rl * (logp - logref), 1),
    })
    dlog, eps, adv = 0.3, 0.2, 2.0
    ratio = math.exp(dlog)
    out.update({
        "align_ppo_dlog": fmt(dlog, 1), "align_ppo_ratio": fmt(ratio, 4), "align_ppo_eps": fmt(eps, 1),
        "align_ppo_adv": fmt(adv, 1), "align_ppo_hi": fmt(1 + eps, 1),
        "align_ppo_up_pct": pct(ratio - 1, 0), "align_ppo_unclipped": fmt(ratio * adv, 4),
        "align_ppo_clipped": fmt(min(ratio, 1 + eps) * adv, 4),
        "align_ppo_neg_unclipped": fmt(-ratio * adv, 4),
        "align_ppo_neg_clipped": fmt(-min(ratio, 1 + eps) * adv, 4),
        "align_ppo_neg_obj": fmt(min(-ratio * adv, -min(ratio, 1 + eps) * adv), 4),
    })

    # DPO, one preference pair
    beta = 0.1
    tw, refw, tl, refl = -14.0, -15.0, -13.5, -13.0
    margin = (tw - refw) - (tl - refl)
    z = beta * margin
    out.update({
        "align_dpo_beta": fmt(beta, 1),
        "align_dpo_tw": fmt(tw, 1), "align_dpo_refw": fmt(refw, 1),
        "align_dpo_tl": fmt(tl, 1), "align_dpo_refl": fmt(refl, 1),
        "align_dpo_dw": fmt(tw - refw, 1), "align_dpo_dl": fmt(tl - refl, 1),
        "align_dpo_margin": fmt(margin, 1), "align_dpo_z": fmt(z, 2),
        "align_dpo_sig": fmt(sigmoid(z), 4), "align_dpo_loss": fmt(-math.log(sigmoid(z)), 4),
        "align_dpo_loss0": fmt(math.log(2), 4),
        "align_dpo_rw": fmt(beta * (tw - refw), 2), "align_dpo_rl": fmt(beta * (tl - refl), 2),
        "align_dpo_weight": fmt(sigmoid(-z), 4),
    })

    # test-time compute: majority of k votes
    p = 0.6
    out["align_vote_p"] = fmt(p, 1)
    out["align_vote_k1"] = pct(majority_accuracy(p, 1))
    for k in (5, 11, 41):
        out["align_vote_k{}".format(k)] = pct(majority_accuracy(p, k))
    out["align_vote_k3_two"] = fmt(3 * p ** 2 * (1 - p), 3)
    out["align_vote_k3_three"] = fmt(p ** 3, 3)
    out["align_vote_k3"] = fmt(majority_accuracy(p, 3), 3)
    out["align_vote_low_p"] = fmt(0.4, 1)
    out["align_vote_low_k11"] = pct(majority_accuracy(0.4, 11))
    out["align_ex_vote"] = pct(majority_accuracy(0.7, 9))
    out["align_ex_vote_p"] = fmt(0.7, 1)
    out["align_ex_vote_q"] = fmt(0.3, 1)
    out["align_ex_vote_k"] = fmt(9, 0)
    out["align_ex_vote_half"] = fmt(5, 0)

    # GRPO: group-relative advantage
    rewards = [1, 0, 0, 0]
    adv = group_advantages(rewards)
    out.update({
        "align_grpo_g": fmt(len(rewards), 0), "align_grpo_mean": fmt(np.mean(rewards), 2),
        "align_grpo_std": fmt(np.std(rewards), 4), "align_grpo_a_right": fmt(adv[0], 4),
        "align_grpo_a_wrong": fmt(adv[1], 4), "align_grpo_dev": fmt(1 - np.mean(rewards), 2),
    })
    ex = group_advantages([1, 1, 0, 1])
    out["align_ex_grpo_mean"] = fmt(np.mean([1, 1, 0, 1]), 2)
    out["align_ex_grpo_std"] = fmt(np.std([1, 1, 0, 1]), 4)
    out["align_ex_grpo_right"] = fmt(ex[0], 4)
    out["align_ex_grpo_wrong"] = fmt(ex[2], 4)

    # what each step costs
    ig = INSTRUCTGPT
    pfd = 1e15 * 86400
    out.update({
        "align_ig_sft": fmt(ig["sft"] / 1e3, 0), "align_ig_rm": fmt(ig["rm"] / 1e3, 0),
        "align_ig_ppo": fmt(ig["ppo"] / 1e3, 0),
        "align_ig_pfd_sft": fmt(ig["pfd_sft"], 1), "align_ig_pfd_ppo": fmt(ig["pfd_ppo"], 0),
        "align_ig_pfd_gpt3": grouped(ig["pfd_gpt3"]),
        "align_pfd_flops": sci(pfd, 2),
        "align_ig_gpt3_flops": sci(ig["pfd_gpt3"] * pfd, 2),
        "align_ig_share": pct((ig["pfd_sft"] + ig["pfd_ppo"]) / ig["pfd_gpt3"]),
        "align_ds_v3_hours": fmt(DEEPSEEK["v3_gpu_hours"] / 1e4, 1),
        "align_ds_v3_usd": fmt(DEEPSEEK["v3_gpu_hours"] * GPU_PRICE_HOUR / 1e4, 1),
        "align_ds_r1_usd": fmt(DEEPSEEK["r1_usd"] / 1e4, 1),
        "align_ds_share": pct(DEEPSEEK["r1_usd"] / (DEEPSEEK["v3_gpu_hours"] * GPU_PRICE_HOUR)),
    })
    return out


# ---------------------------------------------------------------- llm/serving.md

def llama_params(cfg):
    """Embedding + untied output layer + per layer (q, k, v, o projections, SwiGLU MLP, two RMSNorms) + final norm."""
    h, kv = cfg["hidden"], cfg["kv_heads"] * cfg["hidden"] // cfg["heads"]
    per_layer = 2 * h * h + 2 * h * kv + 3 * h * cfg["ffn"] + 2 * h
    return 2 * cfg["vocab"] * h + cfg["layers"] * per_layer + h


def kv_bytes_per_token(cfg, kv_heads=None, bytes_per_value=2):
    """2 (K and V) x layers x kv_heads x head_dim x bytes."""
    heads = cfg["kv_heads"] if kv_heads is None else kv_heads
    return 2 * cfg["layers"] * heads * (cfg["hidden"] // cfg["heads"]) * bytes_per_value


def speculative_tokens(a, k):
    """Expected tokens per target-model step with k drafted tokens, each accepted with probability a."""
    return (1 - a ** (k + 1)) / (1 - a)


def serving_numbers():
    cfg = LLAMA3_8B
    out = {key: grouped(v) if v >= 10000 else fmt(v, 0) for key, v in
           (("serve_cfg_" + k, v) for k, v in cfg.items())}
    head_dim = cfg["hidden"] // cfg["heads"]
    params = llama_params(cfg)
    weights = 2 * params
    kv_token = kv_bytes_per_token(cfg)
    kv_8k = kv_token * cfg["context"]
    kv_128k = kv_token * cfg["context_31"]
    kv_128k_mha = kv_bytes_per_token(cfg, kv_heads=cfg["heads"]) * cfg["context_31"]
    out.update({
        "serve_head_dim": fmt(head_dim, 0),
        "serve_params": grouped(params), "serve_params_b": fmt(params / 1e9, 2),
        "serve_weights_gb": fmt(weights / 1e9, 2),
        "serve_kv_token": grouped(kv_token), "serve_kv_token_kib": fmt(kv_token / 1024, 0),
        "serve_kv_8k_gb": fmt(kv_8k / 1e9, 2), "serve_kv_128k_gb": fmt(kv_128k / 1e9, 2),
        "serve_kv_8k_gib": fmt(kv_8k / 2 ** 30, 0), "serve_kv_128k_gib": fmt(kv_128k / 2 ** 30, 0),
        "serve_kv_128k_mha_gb": fmt(kv_128k_mha / 1e9, 2),
        "serve_gqa_factor": fmt(cfg["heads"] / cfg["kv_heads"], 0),
    })

    # decoding is bandwidth bound
    bound = H100_BANDWIDTH / weights
    out.update({
        "serve_bw_tbs": fmt(H100_BANDWIDTH / 1e12, 2), "serve_flops_tf": fmt(H100_FLOPS / 1e12, 0),
        "serve_flops_sparse_tf": grouped(H100_FLOPS_SPARSE / 1e12),
        "serve_mem_gb": fmt(H100_MEMORY / 1e9, 0),
        "serve_ridge": fmt(H100_FLOPS / H100_BANDWIDTH, 0),
        "serve_bound_tps": fmt(bound, 0), "serve_bound_ms": fmt(1000 / bound, 2),
        "serve_bf16_bytes": fmt(2, 0), "serve_ai_b1": fmt(2 / 2, 0),
    })
    no_cache_steps = 1000
    out["serve_nocache_t"] = grouped(no_cache_steps)
    out["serve_nocache_ratio"] = fmt((no_cache_steps + 1) / 2, 1)

    # a batch of B sequences, each with S tokens of context
    batch, ctx = 64, 2048
    kv_seq = kv_token * ctx
    step_bytes = weights + batch * kv_seq
    step = step_bytes / H100_BANDWIDTH
    total = batch / step
    step_flops = 2 * params * batch
    out.update({
        "serve_batch": fmt(batch, 0), "serve_ctx": grouped(ctx),
        "serve_kv_seq_gb": fmt(kv_seq / 1e9, 3), "serve_kv_batch_gb": fmt(batch * kv_seq / 1e9, 2),
        "serve_step_gb": fmt(step_bytes / 1e9, 2), "serve_step_ms": fmt(step * 1000, 2),
        "serve_user_tps": fmt(1 / step, 0), "serve_total_tps": grouped(total),
        "serve_step_flops": sci(step_flops, 2), "serve_step_compute_ms": fmt(step_flops / H100_FLOPS * 1000, 2),
        "serve_batch_gain": fmt(total / bound, 0),
    })

    # prefill of a prompt and the time to first token
    prompt, mfu = 2000, 0.5
    prefill_flops = 2 * params * prompt
    out.update({
        "serve_prompt": grouped(prompt), "serve_prefill_flops": sci(prefill_flops, 2),
        "serve_prefill_mfu": pct(mfu, 0), "serve_prefill_mfu_frac": fmt(mfu, 1), "serve_ttft_ms": fmt(prefill_flops / (H100_FLOPS * mfu) * 1000, 0),
    })

    # cost per million output tokens
    eff = 0.5
    cost_ideal = GPU_PRICE_HOUR / (total * 3600) * 1e6
    cost_real = cost_ideal / eff
    out.update({
        "serve_gpu_price": fmt(GPU_PRICE_HOUR, 0), "serve_eff_pct": pct(eff, 0),
        "serve_tokens_hour_wan": fmt(total * 3600 / 1e4, 0),
        "serve_cost_ideal": fmt(cost_ideal, 3), "serve_cost_real": fmt(cost_real, 2),
        "serve_cost_b1": fmt(GPU_PRICE_HOUR / (bound * 3600) * 1e6, 2),
        "serve_b1_vs_real": fmt(GPU_PRICE_HOUR / (bound * 3600) * 1e6 / cost_real, 0),
        "serve_b1_vs_ideal": fmt(GPU_PRICE_HOUR / (bound * 3600) * 1e6 / cost_ideal, 0),
    })
    for name, (inp, outp) in API_PRICES.items():
        out["serve_api_{}_in".format(name)] = fmt(inp, 2)
        out["serve_api_{}_out".format(name)] = fmt(outp, 2)

    # break-even of a rented GPU against an API price
    hours_month = 8760 / 12
    month = GPU_PRICE_HOUR * hours_month
    api_out = API_PRICES["gpt4omini"][1]
    breakeven = month / api_out * 1e6
    capacity = total * eff
    out.update({
        "serve_hours_month": fmt(hours_month, 0), "serve_gpu_month": grouped(month),
        "serve_breakeven_yi": fmt(breakeven / 1e8, 1),
        "serve_breakeven_tps": fmt(breakeven / (hours_month * 3600), 0),
        "serve_breakeven_util": pct(breakeven / (hours_month * 3600) / capacity, 0),
        "serve_capacity_tps": grouped(capacity),
        # the business pages' rental prices and assumed throughput, quoted here to explain the difference
        "serve_biz_gpu_low": fmt(_biz.GPU_RUNPOD_COMMUNITY, 1), "serve_biz_gpu_high": fmt(_biz.GPU_AWS_P5_8X / 8, 1),
        "serve_biz_tps": grouped(_biz.GPU_TOKENS_PER_S),
    })

    # quantisation
    group_bits = 4 + 16 / 128  # int4 with one 16-bit scale per group of 128 weights
    out.update({
        "serve_int8_gb": fmt(params / 1e9, 2), "serve_int4_gb": fmt(params * 0.5 / 1e9, 2),
        "serve_int4g_bits": fmt(group_bits, 3), "serve_int4g_gb": fmt(params * group_bits / 8 / 1e9, 2),
        "serve_int4_bound": fmt(H100_BANDWIDTH / (params * 0.5), 0),
        "serve_int8_bound": fmt(H100_BANDWIDTH / params, 0),
        "serve_int4g_group": fmt(128, 0), "serve_int4g_scale_bits": fmt(16, 0),
        "serve_70b_fp16_gb": fmt(70e9 * 2 / 1e9, 0), "serve_70b_int4_gb": fmt(70e9 * 0.5 / 1e9, 0),
    })

    # speculative decoding
    a, k, draft_cost = 0.8, 4, 0.05
    tokens = speculative_tokens(a, k)
    out.update({
        "serve_spec_a": fmt(a, 1), "serve_spec_k": fmt(k, 0), "serve_spec_tokens": fmt(tokens, 4),
        "serve_spec_a5": fmt(a ** (k + 1), 5), "serve_spec_cost": fmt(draft_cost, 2),
        "serve_spec_k1": fmt(k + 1, 0), "serve_spec_one_minus_a": fmt(1 - a, 1),
        "serve_spec_speedup": fmt(tokens / (1 + k * draft_cost), 2),
        "serve_spec_low_a": fmt(0.6, 1), "serve_spec_low_tokens": fmt(speculative_tokens(0.6, k), 4),
    })

    # exercises
    # Llama 3 70B (config.json, 2024-04): 80 layers, 64 query heads, 8 key-value heads, hidden size 8192
    cfg70 = {"layers": 80, "heads": 64, "kv_heads": 8, "hidden": 8192}
    for key, v in cfg70.items():
        out["serve_ex_70b_" + key] = fmt(v, 0)
    out["serve_ex_70b_head_dim"] = fmt(cfg70["hidden"] // cfg70["heads"], 0)
    out["serve_ex_spec_a"] = fmt(0.9, 1)
    out["serve_ex_spec_k"] = fmt(5, 0)
    out["serve_ex_spec_k1"] = fmt(6, 0)
    out["serve_ex_70b_kv_token"] = grouped(kv_bytes_per_token(cfg70))
    out["serve_ex_70b_kv_8k_gb"] = fmt(kv_bytes_per_token(cfg70) * 8192 / 1e9, 2)
    out["serve_ex_spec"] = fmt(speculative_tokens(0.9, 5), 4)
    return out


def numbers():
    table = {}
    for part in (scaling_numbers, alignment_numbers, serving_numbers):
        table.update(part())
    return table
