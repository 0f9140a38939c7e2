"""Byte-level byte-pair encoding (BPE), the tokenizer of GPT-2 and most of its successors, in NumPy.

A text is first its UTF-8 bytes: the 256 possible byte values are the base tokens (ids 0..255), so any string,
in any language, with any emoji, encodes and decodes exactly. A Chinese character is 3 bytes, i.e. 3 base tokens.

Training learns merges, one at a time. With the text as a sequence of token ids x_1 ... x_n:

    count(a, b) = #{ i : x_i = a, x_{i+1} = b }          (every adjacent pair, overlaps included)
    (a*, b*)    = argmax_(a, b) count(a, b)               (ties: the smallest (a, b), so runs are reproducible)

(a*, b*) becomes the new token z = 256 + t (its bytes: bytes(a*) + bytes(b*)), and every occurrence of a* b* in
the sequence is replaced by z, left to right and without overlaps: with the pair (a, a), "a a a" becomes "z a".
Each merge shortens the sequence by count(a*, b*) minus the overlaps; training stops at the vocabulary size asked
for, or earlier when no pair occurs twice. There is no pre-splitting into words (like minbpe's BasicTokenizer):
a token may span a space or a punctuation mark.

Encoding new text applies the learned merges in the order they were learned (a merge can only create pairs that
contain its new token, which were learned later, so this is the same as always merging the lowest-ranked pair);
decoding joins the tokens' bytes and reads them as UTF-8.
"""
import numpy as np

BASE = 256


def merge(ids, pair, new_id):
    """ids with every non-overlapping occurrence of pair (left to right) replaced by new_id."""
    a, b = pair
    hits = np.flatnonzero((ids[:-1] == a) & (ids[1:] == b))
    if a == b and len(hits) > 1:
        hits = drop_overlaps(hits)
    if len(hits) == 0:
        return ids
    out = ids.copy()
    out[hits] = new_id
    keep = np.ones(len(ids), dtype=bool)
    keep[hits + 1] = False
    return out[keep]


def drop_overlaps(hits):
    """Positions of a pair (a, a) that merging left to right actually merges: in a run of consecutive positions
    i, i+1, i+2, ... (the text "a a a a ...") the 1st, 3rd, 5th ..."""
    index = np.arange(len(hits))
    starts_run = np.concatenate([[True], np.diff(hits) != 1])
    run_start = np.maximum.accumulate(np.where(starts_run, index, 0))
    return hits[(index - run_start) % 2 == 0]


def pair_counts(ids, width):
    """count(a, b) for every pair, as a flat array indexed by a·width + b (width > every id)."""
    codes = ids[:-1].astype(np.intp) * width + ids[1:]  # intp: what bincount indexes with (32 bits in Pyodide)
    return np.bincount(codes)


class Tokenizer:
    """A byte-level BPE vocabulary: the 256 bytes plus the learned merges, in order."""

    def __init__(self, merges=()):
        self.merges = []  # (a, b) of token 256 + t
        self.pieces = [bytes([i]) for i in range(BASE)]  # the bytes of every token
        for a, b in merges:
            self.add(a, b)

    @property
    def size(self):
        return len(self.pieces)

    def add(self, a, b):
        """Learn the merge a b -> new token; returns its id."""
        self.merges.append((int(a), int(b)))
        self.pieces.append(self.pieces[a] + self.pieces[b])
        return len(self.pieces) - 1

    def encode(self, text):
        """Token ids of text (a str): its UTF-8 bytes, then every merge in the order learned."""
        ids = np.frombuffer(text.encode("utf-8"), dtype=np.uint8).astype(np.int32)
        for t, pair in enumerate(self.merges):
            if len(ids) < 2:
                break
            ids = merge(ids, pair, BASE + t)
        return ids

    def decode(self, ids):
        """The text of token ids (exact for ids that encode() produced)."""
        return self.decode_bytes(ids).decode("utf-8", errors="replace")

    def decode_bytes(self, ids):
        return b"".join(self.pieces[int(i)] for i in ids)

    def piece_text(self, token):
        """A token as a reader can read it: its bytes as UTF-8, a byte that is part of a character as \\xe6."""
        return self.pieces[int(token)].decode("utf-8", errors="backslashreplace")


class Trainer:
    """Learns merges on one text, one merge per step(), until the tokenizer has vocab_size tokens."""

    def __init__(self, text, vocab_size):
        if vocab_size < BASE:
            raise ValueError("vocab_size must be at least {}".format(BASE))
        self.vocab_size = vocab_size
        self.chars = len(text)
        self.ids = np.frombuffer(text.encode("utf-8"), dtype=np.uint8).astype(np.int32)
        self.tokenizer = Tokenizer()
        self.exhausted = False  # no pair occurs twice any more

    @property
    def done(self):
        return self.exhausted or self.tokenizer.size >= self.vocab_size

    def chars_per_token(self):
        """Average characters of the training text per token, with the vocabulary so far."""
        return self.chars / max(1, len(self.ids))

    def step(self):
        """Learn one merge; returns (new id, (a, b), count) or None when training is done."""
        if self.done or len(self.ids) < 2:
            self.exhausted = self.exhausted or len(self.ids) < 2
            return None
        width = self.tokenizer.size  # every id so far is below it
        counts = pair_counts(self.ids, width)
        best = int(np.argmax(counts))
        count = int(counts[best])
        if count < 2:
            self.exhausted = True
            return None
        pair = divmod(best, width)
        new_id = self.tokenizer.add(*pair)
        self.ids = merge(self.ids, pair, new_id)
        return new_id, pair, count


def train(text, vocab_size):
    """A tokenizer of vocab_size tokens (or fewer, if the text runs out of repeated pairs) learned on text."""
    trainer = Trainer(text, vocab_size)
    while trainer.step() is not None:
        pass
    return trainer.tokenizer
