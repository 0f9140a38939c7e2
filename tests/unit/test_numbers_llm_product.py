"""The numbers of the product, landscape and business pages (build_tools/book_numbers/llm_product.py),
recomputed another way.

Cosines use NumPy, chunks are cut out of a token list one by one, the LoRA count builds the A and B
shapes layer by layer, the interval is checked against the binomial standard error computed from the
counts, and the business table is rebuilt from per-request sums. A printed number passes when it is the
expected value rounded to the decimals it shows.
"""
import math
import os
import re

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from build_tools.book_numbers import llm_product as m

PAGES = ["llm/products.md", "llm/landscape.md", "business/channels.md", "business/models.md",
         "business/growth.md"]
KEY = re.compile(r"\{\{n:([A-Za-z0-9_]+)\}\}")


class Expected(dict):
    def dec(self, key, value, decimals):
        self[key] = (float(value), decimals)

    def int(self, key, value):
        self[key] = (value, None)


def build_expected():
    e = Expected()
    # cosine similarity of hand-made embeddings
    q = np.array([1.0, 2.0, 0.0])
    docs = {"a": [2.0, 3.0, 1.0], "b": [0.0, 1.0, 3.0], "c": [-1.0, -2.0, 0.0]}
    for i, v in enumerate(q):
        e.dec("prod_q_{}".format(i + 1), v, 0)
    e.dec("prod_norm_q", np.linalg.norm(q), 3)
    for name, d in docs.items():
        d = np.array(d)
        for i, v in enumerate(d):
            e.dec("prod_d{}_{}".format(name, i + 1), v, 0)
        e.dec("prod_dot_" + name, q @ d, 0)
        e.dec("prod_norm_" + name, np.linalg.norm(d), 3)
        e.dec("prod_cos_" + name, (q @ d) / np.linalg.norm(q) / np.linalg.norm(d), 3)

    # chunking: cut a token list until the last chunk reaches its end
    def chunks(length, size, overlap):
        tokens, out, start = list(range(length)), [], 0
        while True:
            out.append(tokens[start:start + size])
            if start + size >= length:
                return out
            start += size - overlap
    e.int("prod_doc_tokens", 10000)
    e.int("prod_chunk", 512)
    e.int("prod_overlap", 64)
    e.int("prod_stride", 448)
    e.int("prod_chunks", len(chunks(10000, 512, 64)))
    e.int("prod_chunks_no_overlap", len(chunks(10000, 512, 0)))
    e.int("prod_chunk_tokens_stored", len(chunks(10000, 512, 64)) * 512)
    e.int("prod_chunks_ex", len(chunks(50000, 800, 200)))
    e.dec("prod_chunks_ratio", 9488 / 448, 2)
    assert chunks(10000, 512, 64)[-1][-1] == 9999

    # BM25, written from the Lucene formula
    n_docs, df, tf, length, avg, k1, b = 1000, 10, 3, 150, 300, 1.2, 0.75
    idf = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
    norm_len = 1 - b + b * length / avg
    for key, value in (("prod_bm25_n", n_docs), ("prod_bm25_df", df), ("prod_bm25_tf", tf),
                       ("prod_bm25_len", length), ("prod_bm25_avglen", avg)):
        e.int(key, value)
    e.dec("prod_bm25_k1", k1, 1)
    e.dec("prod_bm25_b", b, 2)
    e.dec("prod_bm25_idf", idf, 3)
    for key, f in (("prod_bm25_score", tf), ("prod_bm25_score_tf1", 1), ("prod_bm25_score_tf30", 30)):
        e.dec(key, idf * (k1 + 1) * f / (f + k1 * norm_len), 3)
    e.dec("prod_bm25_cap", idf * (k1 + 1), 3)
    e.dec("prod_bm25_lennorm", norm_len, 3)
    e.dec("prod_bm25_gain_pct", 100 * ((30 / (30 + k1 * norm_len)) / (tf / (tf + k1 * norm_len)) - 1), 0)

    # LoRA on Llama-2-7B: shapes of B (d x r) and A (r x d) for q, k, v, o in each of the 32 layers
    d, layers, ffn, vocab = 4096, 32, 11008, 32000
    shapes = {"embed": (vocab, d), "head": (d, vocab), "norm": (d,)}
    for layer in range(layers):
        for proj in "qkvo":
            shapes["{}.{}".format(layer, proj)] = (d, d)
        for proj in ("gate", "up"):
            shapes["{}.{}".format(layer, proj)] = (ffn, d)
        shapes["{}.down".format(layer)] = (d, ffn)
        shapes["{}.norm1".format(layer)] = (d,)
        shapes["{}.norm2".format(layer)] = (d,)
    total = sum(int(np.prod(s)) for s in shapes.values())
    attention = [s for k, s in shapes.items() if k.split(".")[-1] in "qkvo" and "." in k]

    def lora(r):
        return sum(r * s[0] + s[1] * r for s in attention)
    e.int("prod_llama_d", d)
    e.int("prod_llama_layers", layers)
    e.int("prod_llama_ffn", ffn)
    e.int("prod_llama_vocab", vocab)
    e.int("prod_lora_r", 8)
    e.int("prod_lora_r_big", 64)
    e.int("prod_lora_one_full", d * d)
    e.int("prod_lora_one", 8 * 2 * d)
    e.int("prod_lora_one_big", 64 * 2 * d)
    e.int("prod_lora_matrices", len(attention))
    e.int("prod_lora_attn_full", sum(int(np.prod(s)) for s in attention))
    e.int("prod_lora_total", lora(8))
    e.int("prod_lora_total_big", lora(64))
    e.int("prod_llama_params", total)
    assert total == 6738415616           # the size Hugging Face reports for Llama-2-7b-hf
    e.dec("prod_lora_share_attn_pct", 100 * lora(8) / (len(attention) * d * d), 2)
    e.dec("prod_lora_share_model_pct", 100 * lora(8) / total, 2)
    e.dec("prod_lora_share_big_pct", 100 * lora(64) / total, 1)
    e.dec("prod_lora_fp16_mb", lora(8) * 2 / 1e6, 1)
    e.dec("prod_llama_fp16_gb", total * 2 / 1e9, 1)
    e.dec("prod_llama_int4_gb", total * 4 / 8 / 1e9, 1)

    # an accuracy on n questions: binomial variance of the count, divided by n^2
    n, k, z = 200, 164, 1.96
    se = math.sqrt(n * (k / n) * (1 - k / n)) / n
    e.int("prod_eval_n", n)
    e.int("prod_eval_correct", k)
    e.dec("prod_eval_acc_pct", 100 * k / n, 1)
    e.dec("prod_eval_z", z, 2)
    e.dec("prod_eval_se", se, 4)
    e.dec("prod_eval_half_pct", 100 * z * se, 1)
    e.dec("prod_eval_lo_pct", 100 * (k / n - z * se), 1)
    e.dec("prod_eval_hi_pct", 100 * (k / n + z * se), 1)
    e.dec("prod_eval_margin_pct", 2, 0)
    needed = next(size for size in range(1, 10 ** 5) if z * math.sqrt(0.82 * 0.18 / size) <= 0.02)
    e.int("prod_eval_n_needed", needed)
    e.dec("prod_eval_n_exact", z * z * 0.82 * 0.18 / 0.0004, 1)
    e.dec("prod_eval_b_pct", 85, 0)
    e.int("prod_eval_n_needed_4x", 4 * n)
    e.dec("prod_eval_half_4x_pct", 100 * z * se / 2, 1)      # four times the questions, half the width

    # agent loop: add up the context of each call
    context, sent = 3000, 0
    for _ in range(6):
        sent += context
        last = context
        context += 1500
    e.int("prod_agent_steps", 6)
    e.int("prod_agent_prompt", 3000)
    e.int("prod_agent_growth", 1500)
    e.int("prod_agent_last", last)
    e.int("prod_agent_total", sent)
    e.dec("prod_agent_ratio", sent / 3000, 1)
    cached_prompt, results = 6 * 300, sum(1500 * i for i in range(6))
    e.int("prod_agent_cached_prompt", cached_prompt)
    e.int("prod_agent_results", results)
    e.int("prod_agent_cached_total", cached_prompt + results)
    e.dec("prod_agent_cached_pct", 100 * (cached_prompt + results) / sent, 0)

    # landscape: sizes of two open-weight models
    e.dec("land_r1_total_b", 671, 0)
    e.dec("land_r1_active_b", 37, 0)
    e.dec("land_r1_active_pct", 100 * 37 / 671, 1)
    e.int("land_r1_fp8_gb", 671)
    e.int("land_r1_bf16_gb", 1342)
    e.int("land_r1_h100", 17)                 # 16 x 80 = 1280 < 1342 <= 17 x 80
    e.dec("land_oss_total_b", 117, 0)
    e.dec("land_oss_active_b", 5.1, 1)
    e.dec("land_oss_active_pct", 100 * 5.1 / 117, 1)
    e.dec("land_mxfp4_bits", (32 * 4 + 8) / 32, 2)
    e.dec("land_oss_mxfp4_gb", 117e9 / 32 * (32 * 4 + 8) / 8 / 1e9, 1)
    e.int("land_oss_bf16_gb", 234)
    e.int("land_h100_gb", 80)
    e.dec("land_mau_cap_yi", 7, 0)
    e.int("land_mau_ratio", 700)

    # business: prices, serving cost, margins, break-even
    ds_in, ds_out, s_in, s_out, g_in, g_out = 0.30, 1.20, 2.0, 10.0, 1.25, 10.0

    def traffic_cost(mtok, p_in, p_out):          # 3 input tokens for every output token
        return mtok * 0.75 * p_in + mtok * 0.25 * p_out
    for key, value, dec in (("biz_ds_in_off", 0.15, 2), ("biz_ds_in_peak", ds_in, 2),
                            ("biz_ds_out_off", 0.60, 2), ("biz_ds_out_peak", ds_out, 2),
                            ("biz_sonnet_in", s_in, 2), ("biz_sonnet_out", s_out, 2),
                            ("biz_gpt5_in", g_in, 2), ("biz_gpt5_out", g_out, 2),
                            ("biz_gpu_community", 2.69, 2), ("biz_gpu_secure", 3.99, 2),
                            ("biz_gpu_aws_8x", 55.04, 2), ("biz_gpu_aws", 6.88, 2), ("biz_seat_usd", 20, 0),
                            ("biz_gpu_util_pct", 30, 0), ("biz_gpu_mtok_hour", 7.2, 1)):
        e.dec(key, value, dec)
    e.int("biz_out_spread", 17)      # 10 / 0.60 = 16.7
    e.dec("biz_ds_out_before", 0.28, 2)
    e.dec("biz_ds_out_aug_off", 0.66, 2)
    e.dec("biz_ds_out_aug_peak", 1.32, 2)
    e.dec("biz_ds_out_aug_ratio", 1.32 / 0.28, 1)
    e.int("biz_in_per_out", 3)
    e.int("biz_gpu_tps", 2000)
    e.int("biz_hours_month", 730)
    e.dec("biz_ds_blend", traffic_cost(1, ds_in, ds_out), 3)
    e.dec("biz_sonnet_blend", traffic_cost(1, s_in, s_out), 2)
    e.dec("biz_gpt5_blend", traffic_cost(1, g_in, g_out), 2)
    capacity = 2000 * 3600 * 730 / 1e6
    e.int("biz_gpu_capacity_mtok", capacity)
    for name, hourly in (("community", 2.69), ("aws", 55.04 / 8)):
        per_mtok = hourly / 7.2
        e.dec("biz_serve_full_" + name, per_mtok, 3)
        e.dec("biz_serve_util_" + name, per_mtok / 0.3, 2)
        e.int("biz_gpu_month_" + name, hourly * 730)
        for api_name, p_in, p_out in (("ds", ds_in, ds_out), ("sonnet", s_in, s_out)):
            mtok = next(x / 10.0 for x in range(1, 10 ** 6) if traffic_cost(x / 10.0, p_in, p_out) >= hourly * 730)
            e.int("biz_be_{}_{}_mtok".format(name, api_name), round(mtok))
            e.dec("biz_be_{}_{}_util_pct".format(name, api_name), 100 * mtok / capacity, 0)
    for i, usage in enumerate((0.5, 2.0, 5.0, 20.0)):
        e.dec("biz_use_{}".format(i + 1), usage, 1)
        for api_name, p_in, p_out in (("ds", ds_in, ds_out), ("gpt5", g_in, g_out), ("sonnet", s_in, s_out)):
            cost = traffic_cost(usage, p_in, p_out)
            e.dec("biz_cost_{}_{}".format(api_name, i + 1), cost, 2)
            e.dec("biz_margin_{}_{}".format(api_name, i + 1), 100 * (20 - cost) / 20, 0)
    e.dec("biz_sonnet_zero_mtok", 20 / traffic_cost(1, s_in, s_out), 2)
    e.dec("biz_sonnet_70_mtok", 20 * 0.3 / traffic_cost(1, s_in, s_out), 2)
    e.dec("biz_margin_target_pct", 70, 0)
    return e


@pytest.fixture(scope="module")
def table():
    return m.numbers()


@pytest.fixture(scope="module")
def expected():
    return build_expected()


def test_every_key_is_recomputed(table, expected):
    assert set(table) == set(expected), (sorted(set(table) - set(expected)), sorted(set(expected) - set(table)))


def decimals(text):
    return len(text.split(".")[1]) if "." in text else 0


def test_every_value_matches_its_recomputation(table, expected):
    wrong = []
    for key, (value, digits) in sorted(expected.items()):
        text = table[key]
        if digits is None:
            ok = re.fullmatch(r"-?\d{1,3}(,\d{3})*", text) is not None and int(text.replace(",", "")) == round(value)
        else:
            ok = (re.fullmatch(r"-?\d+(\.\d+)?", text) is not None and decimals(text) == digits
                  and abs(float(text) - value) <= 0.5000001 * 10 ** -digits + 1e-9)
        if not ok:
            wrong.append((key, text, value, digits))
    assert not wrong


def test_chunk_formula_matches_cutting_for_many_sizes():
    for length in (1, 511, 512, 513, 960, 961, 10000):
        for size, overlap in ((512, 64), (512, 0), (100, 99)):
            start, count = 0, 1
            while start + size < length:
                start += size - overlap
                count += 1
            assert m.chunk_count(length, size, overlap) == count, (length, size, overlap)


def test_margin_falls_as_usage_grows(table):
    for api_name in ("ds", "gpt5", "sonnet"):
        margins = [int(table["biz_margin_{}_{}".format(api_name, i)]) for i in range(1, 5)]
        assert margins == sorted(margins, reverse=True) and margins[0] > margins[-1]
    assert int(table["biz_margin_sonnet_4"]) < 0 < int(table["biz_margin_ds_4"])


def page_keys():
    keys = {}
    for page in PAGES:
        with open(os.path.join(ROOT, "docs", page), encoding="utf-8") as fh:
            keys[page] = set(KEY.findall(fh.read()))
    return keys


def test_every_key_on_the_pages_exists():
    from build_tools.book_numbers import all_numbers
    known = all_numbers()
    missing = {page: sorted(k for k in keys if k not in known) for page, keys in page_keys().items()}
    assert not any(missing.values()), missing


def test_every_number_is_printed_on_its_page(table):
    keys = page_keys()
    where = {"prod_": ["llm/products.md"], "land_": ["llm/landscape.md"],
             "biz_": ["business/channels.md", "business/models.md", "business/growth.md"]}
    unprinted = [k for k in table if not any(k in keys[p] for p in where[k.split("_")[0] + "_"])]
    assert not unprinted, sorted(unprinted)


MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)


def test_grouped_numbers_inside_formulas_are_wrapped_in_text(table):
    """KaTeX reads the comma of 10,000 as punctuation and spaces it; \\text{} keeps the number whole."""
    bare = []
    for page in PAGES:
        with open(os.path.join(ROOT, "docs", page), encoding="utf-8") as fh:
            for formula in MATH.findall(fh.read()):
                for key in re.findall(r"(?<!\\text\{)\{\{n:(\w+)\}\}", formula):
                    if "," in table.get(key, ""):
                        bare.append((page, key))
    assert not bare
