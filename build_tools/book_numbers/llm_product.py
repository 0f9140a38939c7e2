"""Numbers of the product, landscape and business pages.

==========  ==================================
prefix      page
==========  ==================================
prod_       llm/products.md
land_       llm/landscape.md
biz_        business/channels.md, business/models.md, business/growth.md (real, dated figures)
==========  ==================================

Every input of a worked example is a constant here, with its source and the date of that source in a
comment, and is printed on the page through its own key, so that the page, the computation and the test
cannot drift. Prices are what the cited pages showed on the date given; they change often.
"""
import math

from . import fmt


def grouped(n):
    """An integer with thousands separators: 8388608 -> '8,388,608'."""
    return "{:,}".format(int(round(n)))


def pct(x, digits=1):
    """A fraction as a percentage without the sign: 0.0039 -> '0.39' with digits=2."""
    return fmt(100 * x, digits)


# --- llm/products.md: embeddings and cosine similarity ----------------------------------------------

QUERY = (1.0, 2.0, 0.0)                 # toy 3-dimensional embeddings, chosen by hand for the example
DOCS = {"a": (2.0, 3.0, 1.0), "b": (0.0, 1.0, 3.0), "c": (-1.0, -2.0, 0.0)}


def dot(u, v):
    return sum(a * b for a, b in zip(u, v))


def norm(u):
    return math.sqrt(dot(u, u))


def cosine(u, v):
    """cos(u, v) = u . v / (|u| |v|), in [-1, 1]."""
    return dot(u, v) / (norm(u) * norm(v))


# --- chunking with overlap ---------------------------------------------------------------------------

DOC_TOKENS = 10000        # a document of 10,000 tokens
CHUNK = 512               # tokens per chunk
OVERLAP = 64              # tokens shared by neighbouring chunks


def chunk_count(length, size, overlap):
    """Chunks start every (size - overlap) tokens; the last one may be shorter.

    n = 1 + ceil((length - size) / (size - overlap)) for length > size, else 1.
    """
    if length <= size:
        return 1
    return 1 + int(math.ceil((length - size) / float(size - overlap)))


# --- BM25 for one query term -------------------------------------------------------------------------

BM25_K1 = 1.2             # usual defaults (Robertson and Zaragoza, 2009)
BM25_B = 0.75
BM25_N = 1000             # documents in the collection
BM25_DF = 10              # documents that contain the term
BM25_TF = 3               # occurrences of the term in this document
BM25_LEN = 150            # length of this document, in tokens
BM25_AVGLEN = 300         # average document length


def bm25_idf(n_docs, df):
    """idf = ln((N - df + 0.5) / (df + 0.5) + 1), the variant used by Lucene."""
    return math.log((n_docs - df + 0.5) / (df + 0.5) + 1)


def bm25_term(tf, length, avg_length, idf, k1=BM25_K1, b=BM25_B):
    """idf * tf (k1 + 1) / (tf + k1 (1 - b + b * length / avg_length))."""
    return idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avg_length))


# --- LoRA on the attention projections of Llama-2-7B -------------------------------------------------

# meta-llama/Llama-2-7b-hf config.json (Touvron et al., 2023): hidden_size 4096, num_hidden_layers 32,
# num_attention_heads = num_key_value_heads = 32, intermediate_size 11008, vocab_size 32000; the four
# projections q, k, v, o are 4096 x 4096 without bias.
LLAMA_D = 4096
LLAMA_LAYERS = 32
LLAMA_FFN = 11008
LLAMA_VOCAB = 32000
LORA_RANK = 8
LORA_RANK_BIG = 64


def llama2_params(d=LLAMA_D, layers=LLAMA_LAYERS, ffn=LLAMA_FFN, vocab=LLAMA_VOCAB):
    """Embedding + layers x (4 d^2 attention + 3 d ffn SwiGLU + 2 d RMSNorm) + final norm + untied head."""
    per_layer = 4 * d * d + 3 * d * ffn + 2 * d
    return vocab * d + layers * per_layer + d + vocab * d


def lora_params(d_in, d_out, r):
    """B is d_out x r, A is r x d_in: r (d_in + d_out) trainable numbers per adapted matrix."""
    return r * (d_in + d_out)


def lora_numbers():
    full_attn = LLAMA_LAYERS * 4 * LLAMA_D * LLAMA_D
    lora = LLAMA_LAYERS * 4 * lora_params(LLAMA_D, LLAMA_D, LORA_RANK)
    lora_big = LLAMA_LAYERS * 4 * lora_params(LLAMA_D, LLAMA_D, LORA_RANK_BIG)
    total = llama2_params()
    return {
        "prod_llama_d": grouped(LLAMA_D), "prod_llama_layers": str(LLAMA_LAYERS),
        "prod_llama_ffn": grouped(LLAMA_FFN), "prod_llama_vocab": grouped(LLAMA_VOCAB),
        "prod_lora_r": str(LORA_RANK), "prod_lora_r_big": str(LORA_RANK_BIG),
        "prod_lora_one_full": grouped(LLAMA_D * LLAMA_D),
        "prod_lora_one": grouped(lora_params(LLAMA_D, LLAMA_D, LORA_RANK)),
        "prod_lora_one_big": grouped(lora_params(LLAMA_D, LLAMA_D, LORA_RANK_BIG)),
        "prod_lora_matrices": str(LLAMA_LAYERS * 4),
        "prod_lora_attn_full": grouped(full_attn),
        "prod_lora_total": grouped(lora),
        "prod_lora_total_big": grouped(lora_big),
        "prod_llama_params": grouped(total),
        "prod_lora_share_attn_pct": pct(lora / full_attn, 2),
        "prod_lora_share_model_pct": pct(lora / total, 2),
        "prod_lora_share_big_pct": pct(lora_big / total, 1),
        "prod_lora_fp16_mb": fmt(lora * 2 / 1e6, 1),
        "prod_llama_fp16_gb": fmt(total * 2 / 1e9, 1),
        "prod_llama_int4_gb": fmt(total * 0.5 / 1e9, 1),
    }


# --- evaluation: a confidence interval for an accuracy ------------------------------------------------

EVAL_N = 200              # questions in a home-made eval set
EVAL_CORRECT = 164        # answered correctly
EVAL_Z = 1.96             # two-sided 95 % normal quantile
EVAL_MARGIN = 0.02        # the half-width we would like


def accuracy_interval(correct, n, z=EVAL_Z):
    """Normal approximation: p +- z sqrt(p (1 - p) / n)."""
    p = correct / float(n)
    half = z * math.sqrt(p * (1 - p) / n)
    return p, half


def questions_needed(p, margin, z=EVAL_Z):
    """Smallest n with z sqrt(p (1 - p) / n) <= margin."""
    return int(math.ceil(z * z * p * (1 - p) / (margin * margin)))


def eval_numbers():
    p, half = accuracy_interval(EVAL_CORRECT, EVAL_N)
    p_b = 0.85                 # a second model, same set (exercise)
    return {
        "prod_eval_n": str(EVAL_N), "prod_eval_correct": str(EVAL_CORRECT),
        "prod_eval_acc_pct": pct(p), "prod_eval_z": fmt(EVAL_Z, 2),
        "prod_eval_se": fmt(math.sqrt(p * (1 - p) / EVAL_N), 4),
        "prod_eval_half_pct": pct(half),
        "prod_eval_lo_pct": pct(p - half), "prod_eval_hi_pct": pct(p + half),
        "prod_eval_margin_pct": pct(EVAL_MARGIN, 0),
        "prod_eval_n_needed": grouped(questions_needed(p, EVAL_MARGIN)),
        "prod_eval_n_exact": fmt(EVAL_Z ** 2 * p * (1 - p) / EVAL_MARGIN ** 2, 1),
        "prod_eval_b_pct": pct(p_b, 0),
        "prod_eval_n_needed_4x": grouped(4 * EVAL_N),
        "prod_eval_half_4x_pct": pct(accuracy_interval(4 * EVAL_CORRECT, 4 * EVAL_N)[1]),
    }


def retrieval_numbers():
    t = {}
    for i, v in enumerate(QUERY):
        t["prod_q_{}".format(i + 1)] = fmt(v, 0)
    for name, vec in DOCS.items():
        for i, v in enumerate(vec):
            t["prod_d{}_{}".format(name, i + 1)] = fmt(v, 0)
        t["prod_dot_" + name] = fmt(dot(QUERY, vec), 0)
        t["prod_norm_" + name] = fmt(norm(vec), 3)
        t["prod_cos_" + name] = fmt(cosine(QUERY, vec), 3)
    t["prod_norm_q"] = fmt(norm(QUERY), 3)
    t.update({
        "prod_doc_tokens": grouped(DOC_TOKENS), "prod_chunk": str(CHUNK), "prod_overlap": str(OVERLAP),
        "prod_stride": str(CHUNK - OVERLAP),
        "prod_chunks": str(chunk_count(DOC_TOKENS, CHUNK, OVERLAP)),
        "prod_chunks_no_overlap": str(chunk_count(DOC_TOKENS, CHUNK, 0)),
        "prod_chunk_tokens_stored": grouped(chunk_count(DOC_TOKENS, CHUNK, OVERLAP) * CHUNK),
        "prod_chunks_ex": str(chunk_count(50000, 800, 200)),
        "prod_chunks_ratio": fmt((DOC_TOKENS - CHUNK) / float(CHUNK - OVERLAP), 2),
    })
    idf = bm25_idf(BM25_N, BM25_DF)
    t.update({
        "prod_bm25_k1": fmt(BM25_K1, 1), "prod_bm25_b": fmt(BM25_B, 2),
        "prod_bm25_n": grouped(BM25_N), "prod_bm25_df": str(BM25_DF), "prod_bm25_tf": str(BM25_TF),
        "prod_bm25_len": str(BM25_LEN), "prod_bm25_avglen": str(BM25_AVGLEN),
        "prod_bm25_idf": fmt(idf, 3),
        "prod_bm25_lennorm": fmt(1 - BM25_B + BM25_B * BM25_LEN / float(BM25_AVGLEN), 3),
        "prod_bm25_gain_pct": pct(bm25_term(30, BM25_LEN, BM25_AVGLEN, idf)
                                  / bm25_term(BM25_TF, BM25_LEN, BM25_AVGLEN, idf) - 1, 0),
        "prod_bm25_score": fmt(bm25_term(BM25_TF, BM25_LEN, BM25_AVGLEN, idf), 3),
        "prod_bm25_score_tf1": fmt(bm25_term(1, BM25_LEN, BM25_AVGLEN, idf), 3),
        "prod_bm25_score_tf30": fmt(bm25_term(30, BM25_LEN, BM25_AVGLEN, idf), 3),
        "prod_bm25_cap": fmt(idf * (BM25_K1 + 1), 3),
    })
    return t


# --- agents: how a loop multiplies tokens -------------------------------------------------------------

AGENT_STEPS = 6            # model calls in one agent task
AGENT_PROMPT = 3000        # tokens of system prompt + tool schemas sent every call
AGENT_STEP_GROWTH = 1500   # tokens each tool result adds to the context


def agent_input_tokens(steps=AGENT_STEPS, prompt=AGENT_PROMPT, growth=AGENT_STEP_GROWTH):
    """Call i (0-based) sends prompt + i * growth tokens: steps * prompt + growth * steps (steps - 1) / 2."""
    return sum(prompt + i * growth for i in range(steps))


AGENT_CACHE_PRICE = 0.1    # cached prefix tokens billed at a tenth of the input price


def agent_numbers():
    cached = AGENT_STEPS * AGENT_PROMPT * AGENT_CACHE_PRICE
    results = agent_input_tokens() - AGENT_STEPS * AGENT_PROMPT
    return {
        "prod_agent_cached_prompt": grouped(cached), "prod_agent_results": grouped(results),
        "prod_agent_cached_total": grouped(cached + results),
        "prod_agent_cached_pct": pct((cached + results) / agent_input_tokens(), 0),
        "prod_agent_steps": str(AGENT_STEPS), "prod_agent_prompt": grouped(AGENT_PROMPT),
        "prod_agent_growth": grouped(AGENT_STEP_GROWTH),
        "prod_agent_last": grouped(AGENT_PROMPT + (AGENT_STEPS - 1) * AGENT_STEP_GROWTH),
        "prod_agent_total": grouped(agent_input_tokens()),
        "prod_agent_ratio": fmt(agent_input_tokens() / float(AGENT_PROMPT), 1),
    }


# --- llm/landscape.md: published sizes of open-weight models ------------------------------------------

# DeepSeek-R1 README (github.com/deepseek-ai/DeepSeek-R1, 2025-01): 671 B total, 37 B activated, MIT.
R1_TOTAL, R1_ACTIVE = 671e9, 37e9
# gpt-oss model card (huggingface.co/openai/gpt-oss-120b, 2025-08-05): 117 B total, 5.1 B active,
# Apache-2.0, MoE weights in MXFP4 (4-bit values with one 8-bit scale per 32: 4.25 bits a weight).
OSS_TOTAL, OSS_ACTIVE = 117e9, 5.1e9
MXFP4_BITS = 4 + 8 / 32.0
H100_GB = 80
# Llama 2 Community License (2023-07-18), section 2: more than 700 million monthly active users
LLAMA_MAU_CAP = 700e6


def landscape_numbers():
    return {
        "land_r1_total_b": fmt(R1_TOTAL / 1e9, 0), "land_r1_active_b": fmt(R1_ACTIVE / 1e9, 0),
        "land_r1_active_pct": pct(R1_ACTIVE / R1_TOTAL, 1),
        "land_r1_fp8_gb": grouped(R1_TOTAL / 1e9),
        "land_r1_bf16_gb": grouped(R1_TOTAL * 2 / 1e9),
        "land_r1_h100": str(int(math.ceil(R1_TOTAL * 2 / 1e9 / H100_GB))),
        "land_oss_total_b": fmt(OSS_TOTAL / 1e9, 0), "land_oss_active_b": fmt(OSS_ACTIVE / 1e9, 1),
        "land_oss_active_pct": pct(OSS_ACTIVE / OSS_TOTAL, 1),
        "land_mxfp4_bits": fmt(MXFP4_BITS, 2),
        "land_oss_mxfp4_gb": fmt(OSS_TOTAL * MXFP4_BITS / 8 / 1e9, 1),
        "land_oss_bf16_gb": grouped(OSS_TOTAL * 2 / 1e9),
        "land_h100_gb": str(H100_GB),
        "land_mau_cap_yi": fmt(LLAMA_MAU_CAP / 1e8, 0),
        "land_mau_ratio": grouped(LLAMA_MAU_CAP / 1e6),
    }


# --- business/: real, dated prices --------------------------------------------------------------------

# DeepSeek API, api-docs.deepseek.com/quick_start/pricing, prices in force from 2026-08-16 16:00 UTC,
# same figures as checked by a third party on 2026-10-27; model deepseek-flash, USD per million tokens.
DS_IN_OFFPEAK, DS_IN_PEAK = 0.15, 0.30          # input, cache miss
DS_OUT_OFFPEAK, DS_OUT_PEAK = 0.60, 1.20
# The same page before 2026-08-16 (deepseek-v4-flash, one price at all hours) and the first peak /
# off-peak prices announced on it for 2026-08-16: output 0.28 -> 0.66 off-peak, 1.32 peak.
DS_OUT_BEFORE, DS_OUT_AUG_OFFPEAK, DS_OUT_AUG_PEAK = 0.28, 0.66, 1.32
# Anthropic, Claude Sonnet 5.5, USD per million tokens: platform.claude.com/docs/.../models/sonnet-5-5/overview
# (stored copy, undated; read 2026-12-03). The same docs mark Claude Sonnet 4.5 (3 / 15, released 2025-09-29)
# as deprecated and retiring on 2026-11-30, with Sonnet 5.5 as its replacement.
SONNET_IN, SONNET_OUT = 2.0, 10.0
# OpenAI gpt-5, USD per million tokens, "openai.com/api/pricing as of 2026-Q2" (openai-cost crate).
GPT5_IN, GPT5_OUT = 1.25, 10.0

# A product's traffic: input tokens per output token (long prompts, retrieved context, short answers).
IN_PER_OUT = 3


def blended(price_in, price_out, in_per_out=IN_PER_OUT):
    """USD per million tokens of traffic with in_per_out input tokens for each output token."""
    return (in_per_out * price_in + price_out) / (in_per_out + 1.0)


# GPU rental, USD per GPU-hour, H100 SXM 80 GB, on demand:
# RunPod Community Cloud 2.69 and Secure Cloud 3.99 (runpod.io/pricing, read 2026-11-09);
# AWS p5.48xlarge us-east-1, 55.04 per hour for 8 GPUs (read 2026-11-09); both as transcribed by the
# public datareceipts/data-receipts repository, not checked against the vendors' pages offline.
GPU_RUNPOD_COMMUNITY = 2.69
GPU_RUNPOD_SECURE = 3.99
GPU_AWS_P5_8X = 55.04
HOURS_PER_MONTH = 730
# Assumption, not a measurement: the output tokens per second one H100 sustains for a mid-sized open
# model served with continuous batching. Measure it for your model, lengths and latency target.
GPU_TOKENS_PER_S = 2000
GPU_UTILISATION = 0.30

# The seat-price table: an assumed subscription of 20 USD a month, usage from light to very heavy.
SEAT_USD = 20.0
USAGE_MTOK = (0.5, 2.0, 5.0, 20.0)       # million tokens of traffic per user per month
MARGIN_TARGET = 0.70                      # a gross margin a software investor expects to see


def serving_cost_per_mtok(usd_per_hour, tokens_per_s=GPU_TOKENS_PER_S, utilisation=1.0):
    """USD per million tokens = hourly price / (million tokens produced in that hour)."""
    return usd_per_hour / (tokens_per_s * 3600 * utilisation / 1e6)


def margin(price, usage_mtok, cost_per_mtok):
    """Gross margin 1 - cost / price of one seat."""
    return 1 - usage_mtok * cost_per_mtok / price


def business_numbers():
    aws_per_gpu = GPU_AWS_P5_8X / 8
    ds = blended(DS_IN_PEAK, DS_OUT_PEAK)
    sonnet = blended(SONNET_IN, SONNET_OUT)
    gpt5 = blended(GPT5_IN, GPT5_OUT)
    t = {
        "biz_ds_in_off": fmt(DS_IN_OFFPEAK, 2), "biz_ds_in_peak": fmt(DS_IN_PEAK, 2),
        "biz_ds_out_off": fmt(DS_OUT_OFFPEAK, 2), "biz_ds_out_peak": fmt(DS_OUT_PEAK, 2),
        "biz_sonnet_in": fmt(SONNET_IN, 2), "biz_sonnet_out": fmt(SONNET_OUT, 2),
        "biz_gpt5_in": fmt(GPT5_IN, 2), "biz_gpt5_out": fmt(GPT5_OUT, 2),
        "biz_out_spread": grouped(SONNET_OUT / DS_OUT_OFFPEAK),
        "biz_ds_out_before": fmt(DS_OUT_BEFORE, 2), "biz_ds_out_aug_off": fmt(DS_OUT_AUG_OFFPEAK, 2),
        "biz_ds_out_aug_peak": fmt(DS_OUT_AUG_PEAK, 2),
        "biz_ds_out_aug_ratio": fmt(DS_OUT_AUG_PEAK / DS_OUT_BEFORE, 1),
        "biz_in_per_out": str(IN_PER_OUT),
        "biz_ds_blend": fmt(ds, 3), "biz_sonnet_blend": fmt(sonnet, 2), "biz_gpt5_blend": fmt(gpt5, 2),
        "biz_gpu_community": fmt(GPU_RUNPOD_COMMUNITY, 2), "biz_gpu_secure": fmt(GPU_RUNPOD_SECURE, 2),
        "biz_gpu_aws_8x": fmt(GPU_AWS_P5_8X, 2), "biz_gpu_aws": fmt(aws_per_gpu, 2),
        "biz_gpu_tps": grouped(GPU_TOKENS_PER_S), "biz_gpu_util_pct": pct(GPU_UTILISATION, 0),
        "biz_gpu_mtok_hour": fmt(GPU_TOKENS_PER_S * 3600 / 1e6, 1),
        "biz_hours_month": str(HOURS_PER_MONTH),
        "biz_seat_usd": fmt(SEAT_USD, 0),
    }
    for name, price in (("community", GPU_RUNPOD_COMMUNITY), ("aws", aws_per_gpu)):
        t["biz_serve_full_" + name] = fmt(serving_cost_per_mtok(price), 3)
        t["biz_serve_util_" + name] = fmt(serving_cost_per_mtok(price, utilisation=GPU_UTILISATION), 2)
        monthly = price * HOURS_PER_MONTH
        t["biz_gpu_month_" + name] = grouped(monthly)
        for api_name, api in (("ds", ds), ("sonnet", sonnet)):
            breakeven = monthly / api                       # million tokens a month
            capacity = GPU_TOKENS_PER_S * 3600 * HOURS_PER_MONTH / 1e6
            t["biz_be_{}_{}_mtok".format(name, api_name)] = grouped(breakeven)
            t["biz_be_{}_{}_util_pct".format(name, api_name)] = pct(breakeven / capacity, 0)
    t["biz_gpu_capacity_mtok"] = grouped(GPU_TOKENS_PER_S * 3600 * HOURS_PER_MONTH / 1e6)
    for i, usage in enumerate(USAGE_MTOK):
        t["biz_use_{}".format(i + 1)] = fmt(usage, 1)
        for api_name, api in (("ds", ds), ("gpt5", gpt5), ("sonnet", sonnet)):
            t["biz_cost_{}_{}".format(api_name, i + 1)] = fmt(usage * api, 2)
            t["biz_margin_{}_{}".format(api_name, i + 1)] = pct(margin(SEAT_USD, usage, api), 0)
    t["biz_sonnet_zero_mtok"] = fmt(SEAT_USD / sonnet, 2)
    t["biz_margin_target_pct"] = pct(MARGIN_TARGET, 0)
    t["biz_sonnet_70_mtok"] = fmt(SEAT_USD * (1 - MARGIN_TARGET) / sonnet, 2)
    return t


def numbers():
    table = {}
    for part in (retrieval_numbers, lora_numbers, eval_numbers, agent_numbers, landscape_numbers,
                 business_numbers):
        table.update(part())
    return table
