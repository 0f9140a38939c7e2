"""The numbers of the scaling, alignment and serving pages (build_tools/book_numbers/llm_scale.py), recomputed.

Each value is recomputed here another way: with the standard library only, closed forms instead of the
module's helpers (a hand-written least-squares fit, the binomial sum written out, the parameter count of
Llama 3 8B summed layer by layer), and every published input typed again from its source. A printed number
passes when it is the expected value rounded to the decimals it shows.
"""
import math
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from build_tools.book_numbers import llm_scale

PAGES = ["llm/scaling.md", "llm/alignment.md", "llm/serving.md"]
KEY = re.compile(r"\{\{n:([A-Za-z0-9_]+)\}\}")
SCI = re.compile(r"^(-?\d+(?:\.\d+)?) \\times 10\^\{(-?\d+)\}$")
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)


class Expected(dict):
    """key -> (kind, value, decimals) with kind 'dec', 'sci' or 'int'."""

    def dec(self, key, value, decimals):
        self[key] = ("dec", float(value), decimals)

    def sci(self, key, value, decimals):
        self[key] = ("sci", float(value), decimals)

    def int(self, key, value):
        self[key] = ("int", int(round(value)), 0)


def sig(x):
    return 1 / (1 + math.exp(-x))


def chin(n, d):
    return 1.69 + 406.4 / n ** 0.34 + 410.7 / d ** 0.28


def expected_scaling(e):
    e.dec("scal_kaplan_alpha_n", 0.076, 3)
    e.dec("scal_kaplan_alpha_d", 0.095, 3)
    e.sci("scal_kaplan_nc", 8.8e13, 1)
    e.sci("scal_kaplan_dc", 5.4e13, 1)
    e.dec("scal_kaplan_double", math.exp(-0.076 * math.log(2)), 4)
    e.dec("scal_kaplan_double_pct", 100 * (1 - math.exp(-0.076 * math.log(2))), 1)
    e.dec("scal_kaplan_ten", math.exp(-0.076 * math.log(10)), 4)
    e.dec("scal_kaplan_ten_pct", 100 * (1 - math.exp(-0.076 * math.log(10))), 1)
    e.dec("scal_kaplan_l1b", math.exp(0.076 * math.log(8.8e4)), 3)
    e.dec("scal_kaplan_halve_factor", math.exp(math.log(2) / 0.076), 0)
    for k, v, d in (("E", 1.69, 2), ("A", 406.4, 1), ("B", 410.7, 1), ("alpha", 0.34, 2), ("beta", 0.28, 2)):
        e.dec("scal_" + k, v, d)
    models = {"gpt3": (175, 0.3), "gopher": (280, 0.3), "chinchilla": (70, 1.4), "llama8": (8, 15.0),
              "llama70": (70, 15.0)}
    for name, (nb, dt) in models.items():
        n, d = nb * 1e9, dt * 1e12
        e.dec("scal_{}_n".format(name), nb, 0)
        e.dec("scal_{}_d".format(name), dt, 1)
        e.sci("scal_{}_c".format(name), 6 * n * d, 2)
        e.dec("scal_{}_ratio".format(name), d / n, 1 if d / n < 10 else 0)
    for name in ("gopher", "chinchilla", "gpt3"):
        n, d = models[name][0] * 1e9, models[name][1] * 1e12
        e.dec("scal_{}_loss".format(name), chin(n, d), 3)
        e.dec("scal_{}_loss_n".format(name), 406.4 * n ** -0.34, 4)
        e.dec("scal_{}_loss_d".format(name), 410.7 * d ** -0.28, 4)

    # budget 1e24: the 20-token rule, and the minimum of L(N, C / 6N) found by a golden-section search
    c = 1e24
    n20 = (c / 120) ** 0.5
    e.sci("scal_budget", c, 0)
    e.dec("scal_budget_n20", n20 / 1e9, 1)
    e.dec("scal_budget_d20", 20 * n20 / 1e12, 2)
    e.sci("scal_budget_n20_check", 6 * n20 * 20 * n20, 2)
    lo, hi = math.log(1e9), math.log(1e13)
    f = lambda ln: chin(math.exp(ln), c / 6 / math.exp(ln))  # noqa: E731
    for _ in range(200):
        m1, m2 = lo + (hi - lo) * 0.382, lo + (hi - lo) * 0.618
        lo, hi = (lo, m2) if f(m1) < f(m2) else (m1, hi)
    nopt = math.exp((lo + hi) / 2)
    e.dec("scal_budget_np", nopt / 1e9, 1)
    e.dec("scal_budget_dp", c / 6 / nopt / 1e12, 2)
    e.dec("scal_budget_dp_ratio", c / 6 / nopt / nopt, 0)
    e.dec("scal_budget_loss20", chin(n20, 20 * n20), 4)
    e.dec("scal_budget_lossp", chin(nopt, c / 6 / nopt), 4)
    e.dec("scal_exponent_n", 0.28 / 0.62, 2)
    e.dec("scal_exponent_d", 0.34 / 0.62, 2)
    g = (6 * 280e9 * 300e9 / 120) ** 0.5
    e.dec("scal_gopher_n20", g / 1e9, 1)
    e.dec("scal_gopher_d20", 20 * g / 1e12, 2)

    c8 = 6 * 8e9 * 15e12
    no = (c8 / 120) ** 0.5
    e.dec("scal_over_n", no / 1e9, 1)
    e.dec("scal_over_d", 20 * no / 1e12, 2)
    e.dec("scal_over_loss_small", chin(8e9, 15e12), 3)
    e.dec("scal_over_loss_opt", chin(no, 20 * no), 3)
    e.dec("scal_over_infer_ratio", no / 8e9, 1)
    e.sci("scal_serve_tokens", 1e13, 0)
    e.sci("scal_serve_small", 2 * 8e9 * 1e13, 1)
    e.sci("scal_serve_opt", 2 * no * 1e13, 2)
    e.sci("scal_total_small", c8 + 2 * 8e9 * 1e13, 2)
    e.sci("scal_total_opt", c8 + 2 * no * 1e13, 2)

    eff = 989e12 * 0.4
    e.dec("scal_h100_tflops", 989, 0)
    e.dec("scal_mfu_pct", 40, 0)
    e.int("scal_gpus", 1024)
    e.sci("scal_eff_flops", eff, 2)
    e.dec("scal_budget_gpu_hours_wan", c / eff / 3600 / 1e4, 1)
    e.dec("scal_budget_days", c / eff / 1024 / 86400, 1)
    e.dec("scal_gpu_price", 2, 0)
    e.dec("scal_budget_usd_wan", c / eff / 3600 * 2 / 1e4, 0)
    for name, nb, hours in (("llama8", 8, 1.3e6), ("llama70", 70, 6.4e6)):
        flops = 6 * nb * 1e9 * 15e12
        e.dec("scal_{}_gpu_hours_wan".format(name), hours / 1e4, 0)
        e.dec("scal_{}_est_hours_wan".format(name), flops / eff / 3600 / 1e4, 0)
        e.dec("scal_{}_implied_mfu".format(name), 100 * flops / (hours * 3600 * 989e12), 0)

    e.dec("scal_em_len", 10, 0)
    for i, p in enumerate([0.5, 0.8, 0.9, 0.95, 0.99]):
        acc = 1.0
        for _ in range(10):
            acc *= p
        e.dec("scal_em_p{}".format(i + 1), p, 2)
        e.dec("scal_em_acc{}".format(i + 1), 100 * acc, 1)

    e.dec("scal_stock", 300, 0)
    e.int("scal_stock_lo", 100)          # 90% interval of Villalobos et al.
    e.int("scal_stock_hi", 1000)
    e.dec("scal_llama_share", 5, 0)
    e.dec("scal_stock_n", 15, 0)
    e.sci("scal_stock_c", 6 * 15e12 * 300e12, 1)
    e.dec("scal_stock_vs_llama70", 15e12 * 300e12 / (70e9 * 15e12), 0)

    sizes, losses = [1e4, 4e4, 1.6e5, 6.4e5], [2.95, 2.32, 1.90, 1.66]
    for i, (n, l) in enumerate(zip(sizes, losses)):
        e.int("scal_fit_n{}".format(i + 1), n)
        e.dec("scal_fit_l{}".format(i + 1), l, 2)
    for j, floor in enumerate([1.2, 0.0]):
        xs = [math.log(n) for n in sizes]
        ys = [math.log(l - floor) for l in losses]
        mx, my = sum(xs) / 4, sum(ys) / 4
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        a, alpha = math.exp(my - slope * mx), -slope
        e.dec("scal_fit_c{}".format(j + 1), floor, 1)
        e.dec("scal_fit_a{}".format(j + 1), a, 1)
        e.dec("scal_fit_alpha{}".format(j + 1), alpha, 3)
        e.dec("scal_fit_pred{}".format(j + 1), floor + a / 1e7 ** alpha, 2)
    e.sci("scal_fit_target", 1e7, 0)
    e.dec("scal_fit_lc1", 1.75, 2)
    e.dec("scal_fit_lc4", 0.46, 2)
    e.dec("scal_fit_span", 64, 0)
    e.dec("scal_fit_two_point", math.log(1.75 / 0.46) / math.log(64), 3)
    big = (100 * c / 120) ** 0.5
    e.dec("scal_ex_n", big / 1e9, 0)
    e.dec("scal_ex_d", 20 * big / 1e12, 1)
    e.dec("scal_ex_llama70_days", 6 * 70e9 * 15e12 / eff / 1024 / 86400, 0)
    e.dec("scal_ex_em_gain_p", 4, 0)
    e.dec("scal_ex_em_gain_acc", 100 * (0.99 ** 10 - 0.95 ** 10), 1)


def binom_majority(p, k):
    total = 0.0
    for j in range(k // 2 + 1, k + 1):
        ways = math.factorial(k) // (math.factorial(j) * math.factorial(k - j))
        total += ways * p ** j * (1 - p) ** (k - j)
    return total


def expected_alignment(e):
    probs = [0.5, 0.8, 0.9, 0.95]
    e.dec("align_sft_prompt_len", 6, 0)
    e.dec("align_sft_answer_len", 4, 0)
    for i, p in enumerate(probs):
        e.dec("align_sft_p{}".format(i + 1), p, 2)
        e.dec("align_sft_nll{}".format(i + 1), math.log(1 / p), 4)
    e.dec("align_sft_loss", -math.log(0.5 * 0.8 * 0.9 * 0.95) / 4, 4)

    e.dec("align_bt_rw", 1.5, 1)
    e.dec("align_bt_rl", 0.3, 1)
    e.dec("align_bt_diff", 1.2, 1)
    e.dec("align_bt_p", math.exp(1.5) / (math.exp(1.5) + math.exp(0.3)), 4)
    e.dec("align_bt_loss", math.log(1 + math.exp(-1.2)), 4)
    e.dec("align_bt_grad", -sig(-1.2), 4)
    e.dec("align_bt_loss_swapped", math.log(1 + math.exp(1.2)), 4)

    for k, v in dict(align_kl_r=2.0, align_kl_logp=-12.0, align_kl_logref=-15.0, align_kl_beta=0.1,
                     align_kl_logratio=3.0, align_kl_total=2.0 - 0.3, align_kl_penalty=0.3).items():
        e.dec(k, v, 1)
    ratio = math.exp(0.3)
    e.dec("align_ppo_dlog", 0.3, 1)
    e.dec("align_ppo_ratio", ratio, 4)
    e.dec("align_ppo_eps", 0.2, 1)
    e.dec("align_ppo_adv", 2.0, 1)
    e.dec("align_ppo_hi", 1.2, 1)
    e.dec("align_ppo_up_pct", 100 * (ratio - 1), 0)
    e.dec("align_ppo_unclipped", 2 * ratio, 4)
    e.dec("align_ppo_clipped", 2.4, 4)
    e.dec("align_ppo_neg_unclipped", -2 * ratio, 4)
    e.dec("align_ppo_neg_clipped", -2.4, 4)
    e.dec("align_ppo_neg_obj", -2 * ratio, 4)

    e.dec("align_dpo_beta", 0.1, 1)
    for k, v in dict(align_dpo_tw=-14.0, align_dpo_refw=-15.0, align_dpo_tl=-13.5, align_dpo_refl=-13.0,
                     align_dpo_dw=1.0, align_dpo_dl=-0.5, align_dpo_margin=1.5).items():
        e.dec(k, v, 1)
    e.dec("align_dpo_z", 0.15, 2)
    e.dec("align_dpo_sig", sig(0.15), 4)
    e.dec("align_dpo_loss", math.log(1 + math.exp(-0.15)), 4)
    e.dec("align_dpo_loss0", math.log(2), 4)
    e.dec("align_dpo_rw", 0.1, 2)
    e.dec("align_dpo_rl", -0.05, 2)
    e.dec("align_dpo_weight", 1 - sig(0.15), 4)

    e.dec("align_vote_p", 0.6, 1)
    e.dec("align_vote_k1", 60, 1)
    for k in (5, 11, 41):
        e.dec("align_vote_k{}".format(k), 100 * binom_majority(0.6, k), 1)
    e.dec("align_vote_k3_two", 3 * 0.36 * 0.4, 3)
    e.dec("align_vote_k3_three", 0.6 * 0.6 * 0.6, 3)
    e.dec("align_vote_k3", 3 * 0.36 * 0.4 + 0.216, 3)
    e.dec("align_vote_low_p", 0.4, 1)
    e.dec("align_vote_low_k11", 100 * binom_majority(0.4, 11), 1)
    e.dec("align_ex_vote", 100 * binom_majority(0.7, 9), 1)
    e.dec("align_ex_vote_p", 0.7, 1)
    e.dec("align_ex_vote_q", 0.3, 1)
    e.dec("align_ex_vote_k", 9, 0)
    e.dec("align_ex_vote_half", 5, 0)

    e.dec("align_grpo_g", 4, 0)
    e.dec("align_grpo_mean", 0.25, 2)
    std = math.sqrt((0.75 ** 2 + 3 * 0.25 ** 2) / 4)
    e.dec("align_grpo_std", std, 4)
    e.dec("align_grpo_a_right", 0.75 / std, 4)
    e.dec("align_grpo_a_wrong", -0.25 / std, 4)
    e.dec("align_grpo_dev", 0.75, 2)
    e.dec("align_ex_grpo_mean", 0.75, 2)
    std2 = math.sqrt((3 * 0.25 ** 2 + 0.75 ** 2) / 4)
    e.dec("align_ex_grpo_std", std2, 4)
    e.dec("align_ex_grpo_right", 0.25 / std2, 4)
    e.dec("align_ex_grpo_wrong", -0.75 / std2, 4)

    e.dec("align_ig_sft", 13, 0)
    e.dec("align_ig_rm", 33, 0)
    e.dec("align_ig_ppo", 31, 0)
    e.dec("align_ig_pfd_sft", 4.9, 1)
    e.dec("align_ig_pfd_ppo", 60, 0)
    e.int("align_ig_pfd_gpt3", 3640)
    e.sci("align_pfd_flops", 8.64e19, 2)
    e.sci("align_ig_gpt3_flops", 3640 * 8.64e19, 2)
    e.dec("align_ig_share", 100 * 64.9 / 3640, 1)
    e.dec("align_ds_v3_hours", 278.8, 1)
    e.dec("align_ds_v3_usd", 557.6, 1)
    e.dec("align_ds_r1_usd", 29.4, 1)
    e.dec("align_ds_share", 100 * 294e3 / 5.576e6, 1)


def expected_serving(e):
    for k, v in dict(layers=32, heads=32, kv_heads=8, hidden=4096, context=8192).items():
        e.dec("serve_cfg_" + k, v, 0)
    for k, v in dict(ffn=14336, vocab=128256, context_31=131072).items():
        e.int("serve_cfg_" + k, v)
    # Llama 3 8B parameters, summed tensor by tensor
    tensors = [("embed", 128256 * 4096), ("lm_head", 128256 * 4096), ("final_norm", 4096)]
    for _ in range(32):
        tensors += [("q", 4096 * 4096), ("k", 4096 * 1024), ("v", 4096 * 1024), ("o", 4096 * 4096),
                    ("gate", 4096 * 14336), ("up", 4096 * 14336), ("down", 14336 * 4096),
                    ("norm1", 4096), ("norm2", 4096)]
    params = sum(n for _, n in tensors)
    assert params == 8030261248  # the count Hugging Face reports for meta-llama/Meta-Llama-3-8B
    kv = 2 * 32 * 8 * 128 * 2
    e.dec("serve_head_dim", 128, 0)
    e.int("serve_params", params)
    e.dec("serve_params_b", params / 1e9, 2)
    e.dec("serve_weights_gb", 2 * params / 1e9, 2)
    e.int("serve_kv_token", kv)
    e.dec("serve_kv_token_kib", 128, 0)
    e.dec("serve_kv_8k_gb", 2 ** 30 / 1e9, 2)
    e.dec("serve_kv_128k_gb", 16 * 2 ** 30 / 1e9, 2)
    e.dec("serve_biz_gpu_low", 2.69, 1)   # RunPod community cloud, as on business/models.md
    e.dec("serve_biz_gpu_high", 55.04 / 8, 1)
    e.int("serve_biz_tps", 2000)
    e.int("serve_flops_sparse_tf", 1979)     # with sparsity; the dense 989 is half of it, rounded down
    e.dec("serve_kv_8k_gib", 1, 0)       # the same caches in GiB, as llm/architecture.md prints them
    e.dec("serve_kv_128k_gib", 16, 0)
    e.dec("serve_kv_128k_mha_gb", 64 * 2 ** 30 / 1e9, 2)
    e.dec("serve_gqa_factor", 4, 0)

    w = 2 * params
    e.dec("serve_bw_tbs", 3.35, 2)
    e.dec("serve_flops_tf", 989, 0)
    e.dec("serve_mem_gb", 80, 0)
    e.dec("serve_ridge", 989 / 3.35, 0)
    e.dec("serve_bound_tps", 3.35e12 / w, 0)
    e.dec("serve_bound_ms", w / 3.35e12 * 1000, 2)
    e.dec("serve_bf16_bytes", 2, 0)
    e.dec("serve_ai_b1", 1, 0)
    e.int("serve_nocache_t", 1000)
    e.dec("serve_nocache_ratio", sum(range(1, 1001)) / 1000, 1)

    kv_seq = kv * 2048
    step_bytes = w + 64 * kv_seq
    step = step_bytes / 3.35e12
    e.dec("serve_batch", 64, 0)
    e.int("serve_ctx", 2048)
    e.dec("serve_kv_seq_gb", kv_seq / 1e9, 3)
    e.dec("serve_kv_batch_gb", 64 * kv_seq / 1e9, 2)
    e.dec("serve_step_gb", step_bytes / 1e9, 2)
    e.dec("serve_step_ms", step * 1000, 2)
    e.dec("serve_user_tps", 1 / step, 0)
    e.int("serve_total_tps", 64 / step)
    e.sci("serve_step_flops", 2 * params * 64, 2)
    e.dec("serve_step_compute_ms", 2 * params * 64 / 989e12 * 1000, 2)
    e.dec("serve_batch_gain", (64 / step) / (3.35e12 / w), 0)
    e.int("serve_prompt", 2000)
    e.sci("serve_prefill_flops", 2 * params * 2000, 2)
    e.dec("serve_prefill_mfu", 50, 0)
    e.dec("serve_prefill_mfu_frac", 0.5, 1)
    e.dec("serve_ttft_ms", 2 * params * 2000 / (0.5 * 989e12) * 1000, 0)

    tokens_hour = 64 / step * 3600
    e.dec("serve_gpu_price", 2, 0)
    e.dec("serve_eff_pct", 50, 0)
    e.dec("serve_tokens_hour_wan", tokens_hour / 1e4, 0)
    e.dec("serve_cost_ideal", 2 / (tokens_hour / 1e6), 3)
    e.dec("serve_cost_real", 2 / (0.5 * tokens_hour / 1e6), 2)
    b1 = 2 / (3.35e12 / w * 3600 / 1e6)
    e.dec("serve_cost_b1", b1, 2)
    e.dec("serve_b1_vs_real", b1 / (2 / (0.5 * tokens_hour / 1e6)), 0)
    e.dec("serve_b1_vs_ideal", b1 / (2 / (tokens_hour / 1e6)), 0)
    for k, v in dict(gpt4omini_in=0.15, gpt4omini_out=0.60, dschat_in=0.27, dschat_out=1.10).items():
        e.dec("serve_api_" + k, v, 2)
    month = 2 * 365 * 24 / 12
    be = month / 0.60 * 1e6
    e.dec("serve_hours_month", 730, 0)
    e.int("serve_gpu_month", month)
    e.dec("serve_breakeven_yi", be / 1e8, 1)
    e.dec("serve_breakeven_tps", be / (730 * 3600), 0)
    e.dec("serve_breakeven_util", 100 * be / (730 * 3600) / (0.5 * 64 / step), 0)
    e.int("serve_capacity_tps", 0.5 * 64 / step)

    e.dec("serve_int8_gb", params / 1e9, 2)
    e.dec("serve_int4_gb", params / 2e9, 2)
    e.dec("serve_int4g_bits", 4.125, 3)
    e.dec("serve_int4g_gb", params * 4.125 / 8e9, 2)
    e.dec("serve_int4_bound", 3.35e12 / (params / 2), 0)
    e.dec("serve_int8_bound", 3.35e12 / params, 0)
    e.dec("serve_int4g_group", 128, 0)
    e.dec("serve_int4g_scale_bits", 16, 0)
    e.dec("serve_70b_fp16_gb", 140, 0)
    e.dec("serve_70b_int4_gb", 35, 0)

    tokens = sum(0.8 ** i for i in range(5))  # 1 + a + a^2 + a^3 + a^4
    e.dec("serve_spec_a", 0.8, 1)
    e.dec("serve_spec_k", 4, 0)
    e.dec("serve_spec_tokens", tokens, 4)
    e.dec("serve_spec_a5", 0.8 ** 5, 5)
    e.dec("serve_spec_cost", 0.05, 2)
    e.dec("serve_spec_k1", 5, 0)
    e.dec("serve_spec_one_minus_a", 0.2, 1)
    e.dec("serve_spec_speedup", tokens / 1.2, 2)
    e.dec("serve_spec_low_a", 0.6, 1)
    e.dec("serve_spec_low_tokens", sum(0.6 ** i for i in range(5)), 4)
    for k, v in dict(layers=80, heads=64, kv_heads=8, hidden=8192, head_dim=128).items():
        e.dec("serve_ex_70b_" + k, v, 0)
    e.dec("serve_ex_spec_a", 0.9, 1)
    e.dec("serve_ex_spec_k", 5, 0)
    e.dec("serve_ex_spec_k1", 6, 0)
    e.int("serve_ex_70b_kv_token", 2 * 80 * 8 * 128 * 2)
    e.dec("serve_ex_70b_kv_8k_gb", 2 * 80 * 8 * 128 * 2 * 8192 / 1e9, 2)
    e.dec("serve_ex_spec", sum(0.9 ** i for i in range(6)), 4)


@pytest.fixture(scope="module")
def table():
    return llm_scale.numbers()


@pytest.fixture(scope="module")
def expected():
    e = Expected()
    for part in (expected_scaling, expected_alignment, expected_serving):
        part(e)
    return e


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


def test_the_worked_examples_say_what_the_pages_claim(table):
    """The claims the prose makes about the numbers hold."""
    f = lambda key: float(table[key])  # noqa: E731
    assert f("scal_chinchilla_loss") < f("scal_gopher_loss")  # Chinchilla beats Gopher at a similar budget
    assert f("scal_over_loss_small") > f("scal_over_loss_opt")  # over-training costs some loss ...
    assert f("scal_over_infer_ratio") > 9  # ... and saves about ten times the inference compute
    assert f("scal_budget_lossp") < f("scal_budget_loss20")  # the fitted optimum is the true minimum of L
    assert f("scal_fit_pred1") > f("scal_fit_pred2")  # the floor changes the extrapolation
    assert f("align_dpo_loss") < f("align_dpo_loss0")  # the policy already prefers the chosen answer
    assert f("align_vote_low_k11") < 100 * f("align_vote_low_p")  # voting hurts below one half
    assert f("serve_step_compute_ms") < f("serve_step_ms")  # the batch of 64 is still bandwidth bound
    assert f("serve_step_gb") < f("serve_mem_gb")  # weights and cache fit on one GPU
    assert f("serve_cost_real") < f("serve_api_gpt4omini_out")


def page_keys():
    keys = {}
    for page in PAGES:
        with open(os.path.join(ROOT, "docs", page), encoding="utf-8") as fh:
            keys[page] = set(KEY.findall(fh.read()))
    return keys


def test_every_number_used_on_the_pages_exists(table):
    missing = {page: sorted(k for k in keys if k not in table) for page, keys in page_keys().items()}
    assert not any(missing.values()), missing


def test_every_number_is_printed_somewhere(table):
    used = set().union(*page_keys().values())
    assert not sorted(set(table) - used)


def test_pages_use_their_own_prefix():
    prefixes = {"llm/scaling.md": "scal_", "llm/alignment.md": "align_", "llm/serving.md": "serve_"}
    wrong = {page: sorted(k for k in keys if not k.startswith(prefixes[page])) for page, keys in page_keys().items()}
    assert not any(wrong.values()), wrong


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


def test_each_page_ends_with_exercises_and_references():
    for page in PAGES:
        with open(os.path.join(ROOT, "docs", page), encoding="utf-8") as fh:
            text = fh.read()
        heads = re.findall(r"^## (.+)$", text, flags=re.M)
        assert heads[-2:] == ["练习", "参考文献"], (page, heads[-2:])
        exercises = text.split("## 练习")[1].split("## 参考文献")[0]
        assert 3 <= exercises.count('??? success "答案"') <= 5, page


def test_llama_shape_is_shared_with_the_architecture_page():
    from build_tools.book_numbers import llm_text
    assert llm_scale.llama_params(llm_scale.LLAMA3_8B) == llm_text.llama_total_params()
    assert llm_scale.kv_bytes_per_token(llm_scale.LLAMA3_8B) == llm_text.kv_bytes_per_token(32, 8, 128)
