"""Train the small GPT that the decoding and serving demos use when the reader has not trained one in the page.

    python -m build_tools.train_tiny_gpt [--minutes 4]

Same code as the page (demos/gpt.py, demos/apps/gpt.py's baselines), natively, on the book's corpus with character
tokens; writes docs/models/gpt/tiny-gpt.npz (float16 parameters + the vocabulary as code points, well under 1 MB) and
prints its validation loss against the unigram and bigram baselines.
"""
import argparse
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

from demos import gpt
from demos.apps.gpt import bigram_baselines
from demos.optim import AdamW, clip_grad_norm
from demos.text import CharVocab, load_corpus

OUT = ROOT / "docs" / "models" / "gpt" / "tiny-gpt.npz"
CONFIG = dict(context=256, d_model=48, n_layers=2, n_heads=4)  # a long context: the serving demo times up to 256 positions
BATCH = 8


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=4.0)
    parser.add_argument("--corpus", default=str(ROOT / "docs" / "vendor" / "data" / "corpus.json"))
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    corpus = load_corpus(args.corpus)
    vocab = CharVocab(corpus.train + corpus.validation)
    train, val = vocab.encode(corpus.train), vocab.encode(corpus.validation)
    rng = np.random.RandomState(0)
    model = gpt.GPT(vocab.size, rng=rng, **CONFIG)
    opt = AdamW(3e-3, beta2=0.99, weight_decay=0.01)
    T = CONFIG["context"]
    starts = np.arange(0, len(val) - T - 1, T)
    vx = np.stack([val[s:s + T] for s in starts])
    vy = np.stack([val[s + 1:s + T + 1] for s in starts])
    unigram, bigram = bigram_baselines(train, vx.ravel(), vy.ravel(), vocab.size)
    best, best_state, step = None, None, 0
    end = time.time() + 60 * args.minutes
    while time.time() < end:
        s = rng.randint(0, len(train) - T - 1, size=BATCH)
        w = train[s[:, None] + np.arange(T + 1)]
        loss, dz = gpt.cross_entropy(model.forward(w[:, :-1]), w[:, 1:])
        model.backward(dz)
        clip_grad_norm(model, 1.0)
        opt.step(model)
        step += 1
        if step % 200 == 0:
            val_loss = gpt.cross_entropy(model.forward(vx, training=False), vy)[0]
            if best is None or val_loss < best:
                best, best_state = val_loss, model.state_dict()
            print("step {}: train {:.3f}, validation {:.3f} (bigram {:.3f}, unigram {:.3f})".format(
                step, loss, val_loss, bigram, unigram), flush=True)
    model.load_state_dict(best_state)
    chars = np.array([ord(c) for c in vocab.chars], dtype=np.int32)
    out = Path(args.out)
    gpt.save(model, out, vocab_chars=chars)
    print("wrote {} ({} bytes): {} parameters, {} steps, validation loss {:.3f} (bigram {:.3f}, unigram {:.3f})".format(
        out, out.stat().st_size, model.n_params(), step, best, bigram, unigram))


if __name__ == "__main__":
    main()
