"""BM25 over character n-grams (demos/retrieval.py), checked against the formula written out in plain Python,
and the book's retrieval measured on the hand-made question set (demos/rag_eval.py)."""
import math

import numpy as np
import pytest

from demos.rag_eval import QUESTIONS
from demos.retrieval import BM25, passage_text, recall_at_k, terms


def test_terms_are_characters_and_neighbour_pairs():
    assert terms("注意力机制") == ["注", "意", "力", "机", "制", "注意", "意力", "力机", "机制"]
    # punctuation and spaces cut runs; Latin words and numbers are one unit, lower-cased
    assert terms("用 GPT-4 写，好") == ["用", "gpt", "4", "写", "好"]
    assert terms("训练GPT模型") == ["训", "练", "gpt", "模", "型", "训练", "练gpt", "gpt模", "模型"]
    assert terms("？！…  ") == []


def plain_bm25(query, docs, k1=1.5, b=0.75):
    """The textbook formula, term by term, with dicts (no NumPy)."""
    bags = [terms(d) for d in docs]
    avgdl = sum(len(x) for x in bags) / len(bags)
    out = []
    for bag in bags:
        s = 0.0
        for t in set(terms(query)):
            n = sum(1 for other in bags if t in other)
            if n == 0:
                continue
            f = bag.count(t)
            idf = math.log(1 + (len(bags) - n + 0.5) / (n + 0.5))
            s += idf * f * (k1 + 1) / (f + k1 * (1 - b + b * len(bag) / avgdl))
        out.append(s)
    return out


def test_scores_match_the_formula():
    docs = ["梯度下降沿着负梯度方向更新参数。", "注意力机制让每个位置查看所有位置。", "学习率太大，梯度下降会发散；学习率太小则很慢。",
            "BERT 做完形填空，GPT 预测下一个词。", "卷积核在图像上滑动。", "梯度梯度梯度"]
    index = BM25(docs)
    for q in ["梯度下降的学习率", "GPT 怎样预训练", "注意力", "卷积和梯度", "不相关的问题"]:
        assert np.allclose(index.scores(q), plain_bm25(q, docs)), q
    top = index.top("学习率", 3)
    assert [i for i, _ in top] == [2] and top[0][1] > 0
    assert index.top("飞鸟", 3) == []


def test_rarer_terms_weigh_more_and_long_passages_are_not_favoured():
    docs = ["模型 模型 模型 罕见", "模型", "模型", "模型，另外还有一大段和问题无关的文字", "模型 " * 40]
    index = BM25(docs)
    s = index.scores("罕见")
    assert s[0] > 0 and np.all(s[1:] == 0)
    assert index.idf[index.vocab["罕"]] > index.idf[index.vocab["模"]]
    s = index.scores("模型")
    assert s[1] > s[3]  # once in a short passage beats once in a long one
    assert s[4] < 40 * s[1] / 2  # 40 times counts far less than 40 times as much (saturation, k1)


@pytest.fixture(scope="module")
def book():
    from demos.text import load_corpus

    paragraphs = load_corpus().paragraphs
    return paragraphs, BM25([passage_text(p) for p in paragraphs])


def test_recall_on_the_hand_made_questions(book):
    """Measured on the book as it stands: recall@5 = 21/22 = 0.95 (the miss: "ReLU 比 Sigmoid 好在哪里" goes to
    a section titled "护城河在哪里"), recall@1 = 0.68 (0.82 on an earlier state of the book). The thresholds leave room for three more misses in 22 as the
    book grows (new chapters add passages that compete for the same words) while still failing if the terms,
    the scoring or the section headers in the indexed text break: indexing the bare paragraph text alone gives
    recall@1 = 0.41."""
    paragraphs, index = book
    assert len(QUESTIONS) >= 20
    assert recall_at_k(index, paragraphs, QUESTIONS, 5) >= 0.85
    assert recall_at_k(index, paragraphs, QUESTIONS, 1) >= 0.65


def test_every_question_page_exists(book):
    paragraphs, _ = book
    pages = {p["page"] for p in paragraphs}
    for question, wanted in QUESTIONS:
        assert set(wanted) <= pages, (question, wanted)
