"""MNIST digits with a small convolutional network: conv -> pool -> conv -> pool -> dense.

The NumPy twin of the Keras and PyTorch CNN listings, scaled down so that it
trains in seconds on a CPU without a GPU: 8 and 16 filters instead of 32 and 64,
N_TRAIN images, EPOCHS epochs. Images are NCHW: (batch, 1, 28, 28).

The size of the first dense layer is not typed by hand: it is measured by
running the convolutional part once on a dummy image, the step whose omission
broke the PyTorch listing (64 * 6 * 6 where 64 * 8 * 8 was needed).
"""
import os
import sys

import numpy as np

from demos.data import load_mnist
from demos.layers import Conv2D, Dense, Flatten, MaxPool2D, ReLU, Sequential
from demos.losses import SoftmaxCrossEntropy
from demos.optim import Adam

N_TRAIN = 2000
N_TEST = 1000
EPOCHS = 3
BATCH_SIZE = 32
LEARNING_RATE = 0.001
SEED = 0
MNIST_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "vendor", "data", "mnist.npz")


def build_model(rng):
    features = [
        Conv2D(1, 8, 3, rng), ReLU(), MaxPool2D(2),    # 28 -> 26 -> 13
        Conv2D(8, 16, 3, rng), ReLU(), MaxPool2D(2),   # 13 -> 11 -> 5
        Flatten(),
    ]
    n_flat = Sequential(features).forward(np.zeros((1, 1, 28, 28), dtype=np.float32), training=False).shape[1]
    return Sequential(features + [Dense(n_flat, 64, rng), ReLU(), Dense(64, 10, rng)]), n_flat


def load_subset(path=MNIST_PATH):
    """Images as (N, 1, 28, 28) float32 in [0, 1]: (x_train, y_train, x_test, y_test)."""
    (x_train, y_train), (x_test, y_test) = load_mnist(path)
    return (x_train[:N_TRAIN, None], y_train[:N_TRAIN], x_test[:N_TEST, None], y_test[:N_TEST])


def accuracy(model, x, y, batch=500):
    hits = sum(int((model.forward(x[i:i + batch], training=False).argmax(axis=1) == y[i:i + batch]).sum())
               for i in range(0, len(x), batch))
    return hits / len(x)


def train(data=None, epochs=EPOCHS, seed=SEED, report=None):
    """Returns the model, the flattened feature size and the mean training loss of every epoch."""
    x_train, y_train, _, _ = data if data is not None else load_subset()
    rng = np.random.RandomState(seed)
    model, n_flat = build_model(rng)
    loss_fn, optimizer = SoftmaxCrossEntropy(), Adam(LEARNING_RATE)
    epoch_losses = []
    for epoch in range(epochs):
        order = rng.permutation(len(x_train))
        losses = []
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start:start + BATCH_SIZE]
            losses.append(loss_fn.forward(model.forward(x_train[batch]), y_train[batch]))
            model.backward(loss_fn.backward())
            optimizer.step(model)
        epoch_losses.append(float(np.mean(losses)))
        if report is not None:
            report(epoch + 1, epoch_losses[-1])
    return model, n_flat, epoch_losses


def main(path=MNIST_PATH):
    data = load_subset(path)
    model, n_flat, _ = train(data, report=lambda e, l: print("epoch {}/{}  mean training loss {:.4f}".format(e, EPOCHS, l)))
    print("flattened features: {}, parameters: {}".format(n_flat, model.n_params()))
    print("test accuracy on {} images: {:.1%}".format(len(data[3]), accuracy(model, data[2], data[3])))


if __name__ == "__main__":
    main(*sys.argv[1:2])
