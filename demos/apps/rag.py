"""Retrieval-augmented generation, the retrieval half: the reader asks, BM25 finds the book's passages
(demos/retrieval.py), and the page shows them and the prompt a RAG system would send to a language model.

The index of the book's paragraphs is built once per runtime (about half a second natively) and reused.
"""
import time

from demos.apps import InputError
from demos.apps.settings import Number, Settings, Text
from demos.retrieval import BM25, idf_of, passage_text
from demos.text import load_corpus

MAX_QUESTION = 200
SHOWN_TERMS = 12

SETTINGS = Settings(
    Text("question", "问题", "为什么分类任务用交叉熵而不是均方误差？", max_length=MAX_QUESTION,
         help="用中文提问效果最好；检索只在本页的浏览器里进行"),
    Number("top_k", "取回段落数", 5, 1, 10, integer=True, help="放进提示词的段落数"),
)

PROMPT = """你是《大模型原理与创业》这本书的助教。请只根据下面的资料回答问题；资料里没有答案时，直接说“书中没有找到”，不要编造。回答时用 [1]、[2] 这样的编号注明依据。

{sources}

问题：{question}
回答："""

_index = {}


def book_index():
    """(paragraphs, BM25 index) of the book, built on first use."""
    if "bm25" not in _index:
        paragraphs = load_corpus().paragraphs
        _index["paragraphs"] = paragraphs
        _index["bm25"] = BM25([passage_text(p) for p in paragraphs])
    return _index["paragraphs"], _index["bm25"]


def link(paragraph):
    """Site-relative link of a paragraph's section: page path and heading anchor."""
    return paragraph["page"] + ("#" + paragraph["anchor"] if paragraph["anchor"] else "")


def source_label(paragraph):
    return "《{}》{}".format(paragraph["title"], "·" + paragraph["heading"] if paragraph["heading"] else "")


def build_prompt(question, passages):
    sources = "\n\n".join("[{}] {}\n{}".format(i + 1, source_label(p), p["text"]) for i, p in enumerate(passages))
    return PROMPT.format(sources=sources or "（没有找到相关资料）", question=question)


class Session:
    def __init__(self, params):
        v = SETTINGS.read(params)
        self.question = v["question"].strip()
        self.k = v["top_k"]
        if not self.question:
            raise InputError("请先输入一个问题。")
        try:
            self.question.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError("问题里有无法识别的字符（损坏的 Unicode 编码），请删掉后重试。")
        self.done = False
        self.seconds = {}

    def advance(self, seconds):
        t0 = time.perf_counter()
        paragraphs, index = book_index()
        t1 = time.perf_counter()
        used = index.query_terms(self.question)
        if not used:
            raise InputError("问题里没有可以检索的文字：书中找不到其中任何一个字或词。请换一种说法，例如用中文关键词提问。")
        top = index.top(self.question, self.k)
        t2 = time.perf_counter()
        self.seconds = {"index": round(t1 - t0, 3), "search": round(t2 - t1, 4)}
        self.passages = [dict(paragraphs[i], score=score, rank=r + 1, link=link(paragraphs[i]), index=i)
                         for r, (i, score) in enumerate(top)]
        # the query's rarest terms first: they decide the ranking
        ranked = sorted(used, key=lambda t: -idf_of(index, t))[:SHOWN_TERMS]
        self.terms = [{"term": t, "idf": idf_of(index, t)} for t in ranked]
        self.index_size = {"passages": index.n_docs, "terms": index.n_terms}
        self.done = True
        return {"found": len(self.passages)}

    def result(self):
        passages = [{k: p[k] for k in ("rank", "score", "page", "anchor", "link", "title", "heading", "text", "split")}
                    for p in self.passages]
        return {
            "question": self.question,
            "top_k": self.k,
            "passages": passages,
            "prompt": build_prompt(self.question, self.passages),
            "terms": self.terms,
            "index": self.index_size,
            "seconds": self.seconds,
        }
