"""Finding the passages that answer a question: BM25 over Chinese characters and character pairs, in NumPy.

Terms. Chinese has no spaces between words, and a word segmenter is a model of its own; character n-grams need
none. A text is cut into runs at punctuation and spaces; inside a run every Chinese character and every Latin
word or number (lower-cased) is a unit, and the terms are the units plus every pair of neighbouring units:
"注意力机制" -> 注 意 力 机 制 注意 意力 力机 机制. Pairs carry most of the meaning ("模型" is not "模" + "型").

Score. For a query q and a passage d of |d| terms (avgdl: the mean over all N passages):

    BM25(q, d) = Σ_{t ∈ q} idf(t) · f(t, d) · (k1 + 1) / (f(t, d) + k1 · (1 − b + b · |d| / avgdl))
    idf(t)     = ln(1 + (N − n(t) + 0.5) / (n(t) + 0.5))

f(t, d) is how often t occurs in d, n(t) in how many passages it occurs. A term found in few passages counts
more (idf); repeating a term helps less and less (k1); long passages are not favoured for being long (b).
"""
import math
import re

import numpy as np

K1 = 1.5
B = 0.75
RUN = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
UNIT = re.compile(r"[0-9a-z]+|[^0-9a-z]")


def terms(text):
    """Character unigrams and bigrams (Latin words and numbers count as one character), in order."""
    out = []
    for run in RUN.findall(text.lower()):
        units = UNIT.findall(run)
        out.extend(units)
        out.extend(a + b for a, b in zip(units, units[1:]))
    return out


class BM25:
    """An inverted index of passages: for every term, the passages it occurs in and how often (postings)."""

    def __init__(self, passages, k1=K1, b=B):
        self.k1, self.b = k1, b
        self.vocab = {}
        doc_of, term_of = [], []
        for d, text in enumerate(passages):
            ids = [self.vocab.setdefault(t, len(self.vocab)) for t in terms(text)]
            term_of.extend(ids)
            doc_of.extend([d] * len(ids))
        self.n_docs = len(passages)
        doc_of = np.array(doc_of, dtype=np.intp)  # intp: what bincount counts with (32 bits in Pyodide)
        term_of = np.array(term_of, dtype=np.intp)
        self.doc_len = np.bincount(doc_of, minlength=self.n_docs).astype(np.float64)
        self.avgdl = max(float(self.doc_len.mean()), 1e-9) if self.n_docs else 1.0
        # postings sorted by term, then passage: one (term, passage) per entry with its count f(t, d)
        codes, tf = np.unique(term_of * max(1, self.n_docs) + doc_of, return_counts=True)
        self.post_term, self.post_doc = np.divmod(codes, max(1, self.n_docs))
        self.post_tf = tf.astype(np.float64)
        self.starts = np.searchsorted(self.post_term, np.arange(len(self.vocab) + 1))
        df = np.diff(self.starts).astype(np.float64)
        self.idf = np.log(1.0 + (self.n_docs - df + 0.5) / (df + 0.5))

    @property
    def n_terms(self):
        return len(self.vocab)

    def query_terms(self, query):
        """The distinct terms of the query that occur in some passage, in order."""
        seen = []
        for t in terms(query):
            if t in self.vocab and t not in seen:
                seen.append(t)
        return seen

    def scores(self, query):
        """BM25(query, d) for every passage d."""
        scores = np.zeros(self.n_docs)
        norm = self.k1 * (1.0 - self.b + self.b * self.doc_len / self.avgdl)
        for t in self.query_terms(query):
            i = self.vocab[t]
            lo, hi = self.starts[i], self.starts[i + 1]
            d, f = self.post_doc[lo:hi], self.post_tf[lo:hi]
            scores[d] += self.idf[i] * f * (self.k1 + 1.0) / (f + norm[d])  # d has no repeats within one term
        return scores

    def top(self, query, k):
        """[(passage index, score)] of the k best passages with a score above 0, best first."""
        s = self.scores(query)
        order = np.argsort(-s, kind="mergesort")[:k]
        return [(int(i), float(s[i])) for i in order if s[i] > 0]


def idf_of(index, term):
    """idf of one term (for explaining a score); 0 for a term no passage has."""
    i = index.vocab.get(term)
    return 0.0 if i is None else float(index.idf[i])


def passage_text(paragraph):
    """What is indexed for one paragraph of the corpus: its page title and section heading, then its text,
    so a passage is found by the topic of its section too."""
    return "\n".join(x for x in (paragraph.get("title", ""), paragraph.get("heading", ""), paragraph["text"]) if x)


def recall_at_k(index, paragraphs, questions, k=5):
    """Share of (question, pages) pairs with a passage from one of the pages among the top k."""
    hits = 0
    for question, pages in questions:
        found = {paragraphs[i]["page"] for i, _ in index.top(question, k)}
        hits += bool(found & set(pages))
    return hits / len(questions) if questions else math.nan
