"""Byte-level BPE (demos/bpe.py) against a plain-Python reference, and exact round trips."""
import random

import numpy as np
import pytest

from demos.bpe import BASE, Tokenizer, Trainer, drop_overlaps, merge, train


def reference_merge(seq, pair, new_id):
    """Left to right, without overlaps: the textbook loop."""
    out, i = [], 0
    while i < len(seq):
        if i + 1 < len(seq) and (seq[i], seq[i + 1]) == pair:
            out.append(new_id)
            i += 2
        else:
            out.append(seq[i])
            i += 1
    return out


def reference_train(text, vocab_size):
    """Merges learned with a dict of pair counts; ties go to the smallest pair, as in demos/bpe.py."""
    seq = list(text.encode("utf-8"))
    merges = []
    while BASE + len(merges) < vocab_size:
        counts = {}
        for p in zip(seq, seq[1:]):
            counts[p] = counts.get(p, 0) + 1
        if not counts:
            break
        best = max(counts.values())
        if best < 2:
            break
        pair = min(p for p, c in counts.items() if c == best)
        merges.append(pair)
        seq = reference_merge(seq, pair, BASE + len(merges) - 1)
    return merges, seq


@pytest.mark.parametrize("seq, pair, expected", [
    ([1, 1, 1], (1, 1), [9, 1]),            # "aaa": one merge, the last a stays
    ([1, 1, 1, 1], (1, 1), [9, 9]),
    ([1, 1, 1, 1, 1], (1, 1), [9, 9, 1]),
    ([2, 1, 1, 1, 2, 1, 1], (1, 1), [2, 9, 1, 2, 9]),
    ([1, 2, 1, 2, 1], (1, 2), [9, 9, 1]),
    ([3, 4], (1, 2), [3, 4]),
])
def test_merge_without_overlaps(seq, pair, expected):
    assert merge(np.array(seq, dtype=np.int32), pair, 9).tolist() == expected


def test_merge_matches_the_reference_on_random_runs():
    rng = random.Random(0)
    for _ in range(300):
        seq = [rng.choice([0, 1, 1, 1, 2]) for _ in range(rng.randint(0, 30))]
        pair = rng.choice([(1, 1), (1, 2), (0, 1), (2, 2)])
        assert merge(np.array(seq, dtype=np.int32), pair, 7).tolist() == reference_merge(seq, pair, 7), (seq, pair)


def test_drop_overlaps_keeps_every_other_position_of_a_run():
    assert drop_overlaps(np.array([2, 3, 4, 5, 9, 10, 11, 20])).tolist() == [2, 4, 9, 11, 20]


def test_training_matches_the_reference():
    text = "低头思故乡，举头望明月。aaaaab abab 明月明月明月 " * 3 + "床前明月光，疑是地上霜。"
    merges, seq = reference_train(text, 300)
    trainer = Trainer(text, 300)
    while trainer.step() is not None:
        pass
    assert trainer.tokenizer.merges == merges
    assert trainer.ids.tolist() == seq
    assert trainer.exhausted == (BASE + len(merges) < 300)


def test_merged_tokens_read_as_text():
    tok = train("模型，模型，模型，大模型。" * 20, 270)
    texts = [tok.piece_text(i) for i in range(BASE, tok.size)]
    assert "模型" in texts or any("模型" in t for t in texts)
    assert tok.piece_text(0xe6) == "\\xe6"  # a lone lead byte of a Chinese character


def test_round_trips_the_whole_book_and_any_text():
    from demos.text import load_corpus

    corpus = load_corpus()
    trainer = Trainer(corpus.train, BASE + 300)
    while trainer.step() is not None:
        pass
    tok = trainer.tokenizer
    assert tok.size == BASE + 300
    # encoding applies the merges in order: exactly what training did to the training text
    assert np.array_equal(tok.encode(corpus.train), trainer.ids)
    whole = corpus.text
    ids = tok.encode(whole)
    assert tok.decode(ids) == whole
    assert len(ids) < 0.6 * len(whole.encode("utf-8"))  # 300 merges: about 0.53 tokens a byte
    for text in ["", "a", "😀 emoji, Ελληνικά, العربية\n\t", "\x00\xff", "模型" * 50]:
        assert tok.decode(tok.encode(text)) == text


def test_tokenizer_can_be_rebuilt_from_its_merges():
    tok = train("abababcdcdcd xyxyxy " * 10, 270)
    copy = Tokenizer(tok.merges)
    assert copy.pieces == tok.pieces
    assert copy.encode("ababxy").tolist() == tok.encode("ababxy").tolist()
