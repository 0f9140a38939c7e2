"""The token figures of the tokens page (build_tools/book_numbers/llm_tokens.py), recomputed independently.

A plain-Python BPE (collections.Counter over the pairs, a list walk for each merge, no NumPy) is trained here
on the same texts: the book tokenizer at 512 tokens and the English one at its full size; byte figures are
counted from the UTF-8 encoding; the other rows of the table are checked against their definitions.
"""
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
from build_tools.book_numbers import llm_tokens


def plain_merge(seq, pair, new):
    out, i, n = [], 0, len(seq)
    a, b = pair
    while i < n:
        if i + 1 < n and seq[i] == a and seq[i + 1] == b:
            out.append(new)
            i += 2
        else:
            out.append(seq[i])
            i += 1
    return out


def plain_train(text, vocab_size):
    seq = list(text.encode("utf-8"))
    merges = []
    while 256 + len(merges) < vocab_size:
        counts = Counter(zip(seq, seq[1:]))
        if not counts:
            break
        best = max(counts.values())
        if best < 2:
            break
        pair = min(p for p, c in counts.items() if c == best)
        merges.append(pair)
        seq = plain_merge(seq, pair, 255 + len(merges))
    return merges


def plain_count(text, merges):
    seq = list(text.encode("utf-8"))
    for t, pair in enumerate(merges):
        seq = plain_merge(seq, pair, 256 + t)
    return len(seq)


def printed(value):
    return float(value.replace(",", "").rstrip("%"))


def close(shown, exact):
    """shown is exact as the book prints it: rounded to the decimals shown."""
    text = shown.replace(",", "").rstrip("%")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(float(text) - exact) <= 0.5 * 10 ** -decimals + 1e-9


@pytest.fixture(scope="module")
def book():
    return llm_tokens.numbers(), llm_tokens.texts()


def test_byte_figures(book):
    n, (corpus, _, _) = book
    val = corpus.validation
    nbytes = sum(len(c.encode("utf-8")) for c in val)
    assert n["tok_cjk_bytes"] == "3" and all(len(c.encode("utf-8")) == 3 for c in "模型的词元")
    assert close(n["tok_bytes_per_char"], nbytes / len(val))
    assert close(n["tok_cpt_bytes"], len(val) / nbytes)
    assert close(n["tok_bytes_per_1000"], 1000 * nbytes / len(val))
    assert close(n["tok_doc_bytes"], 10000 * nbytes / len(val))
    assert close(n["tok_context_chars_bytes"], 8192 * len(val) / nbytes)
    cjk = sum(1 for c in val if 0x4E00 <= ord(c) <= 0x9FFF or 0x3400 <= ord(c) <= 0x4DBF)
    assert close(n["tok_cjk_share"], 100 * cjk / len(val))
    assert printed(n["tok_val_chars"]) == len(val) and printed(n["tok_train_chars"]) == len(corpus.train)


def test_book_tokenizer_at_512(book):
    n, (corpus, _, _) = book
    merges = plain_train(corpus.train, 512)
    tokens = plain_count(corpus.validation, merges)
    chars = len(corpus.validation)
    assert close(n["tok_cpt_512"], chars / tokens)
    assert close(n["tok_per_1000_512"], 1000 * tokens / chars)
    assert close(n["tok_doc_512"], 10000 * tokens / chars)
    assert close(n["tok_context_chars_512"], 8192 * chars / tokens)


def test_english_tokenizer(book):
    n, (corpus, en_train, en_held) = book
    merges = plain_train(en_train, 2048)
    assert printed(n["tok_en_vocab"]) == 256 + len(merges)
    assert close(n["tok_en_cpt_en"], len(en_held) / plain_count(en_held, merges))
    zh_tokens = plain_count(corpus.validation, merges)
    chars = len(corpus.validation)
    assert close(n["tok_en_cpt_zh"], chars / zh_tokens)
    assert close(n["tok_en_doc"], 10000 * zh_tokens / chars)
    assert close(n["tok_context_chars_en"], 8192 * chars / zh_tokens)
    # the point of the section: Chinese under the English tokenizer is close to one token per byte
    assert printed(n["tok_en_cpt_zh"]) < 1.3 * printed(n["tok_cpt_bytes"])
    assert printed(n["tok_en_cpt_en"]) > 2.5


def test_larger_vocabularies_follow_their_definitions(book):
    n, _ = book
    cpt = [printed(n["tok_cpt_{}".format(v)]) for v in (512, 1024, 2048)]
    assert printed(n["tok_cpt_bytes"]) < cpt[0] < cpt[1] < cpt[2]
    for v in (512, 1024, 2048):
        per_1000 = printed(n["tok_per_1000_{}".format(v)])
        doc = printed(n["tok_doc_{}".format(v)])
        assert abs(doc - 10 * per_1000) <= 5  # both rounded to whole tokens
        assert abs(per_1000 - 1000 / printed(n["tok_cpt_{}".format(v)])) / per_1000 < 0.01
        assert abs(printed(n["tok_context_chars_{}".format(v)]) - 8192 / per_1000 * 1000) < 8192 * 0.01
    ratio = printed(n["tok_en_doc"]) / printed(n["tok_doc_2048"])
    assert abs(printed(n["tok_en_ratio"]) - ratio) <= 0.051
