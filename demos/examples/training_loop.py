"""The training loop in six steps: a two-layer network learns y = sin(x).

    1. initialise   W1 (1, H), b1 (H,), W2 (H, 1), b2 (1,)
    2. forward      Z1 = X W1 + b1,  A1 = tanh(Z1),  Y_hat = A1 W2 + b2
    3. loss         L = mean((Y_hat - Y)^2)
    4. backward     dL/dY_hat = 2 (Y_hat - Y) / N, then the chain rule layer by layer
    5. update       theta <- theta - lr * dL/dtheta   (plain gradient descent)
    6. repeat       steps 2-5 for a fixed number of epochs

Self-contained (NumPy only), deterministic, and small enough to run in the browser.
"""
import numpy as np

HIDDEN = 16
LEARNING_RATE = 0.05
EPOCHS = 4000
REPORT_EVERY = 500
SEED = 0


def make_data(n=40):
    """n points of y = sin(x) on [-3, 3], as column vectors (n, 1)."""
    x = np.linspace(-3.0, 3.0, n).reshape(-1, 1)
    return x, np.sin(x)


def init_params(n_hidden, rng):
    """Step 1. Xavier/Glorot normal weights, zero biases.

    Random weights break the symmetry between hidden units (equal weights would
    receive equal gradients and stay equal forever); the scale sqrt(2 / (fan_in + fan_out))
    keeps tanh out of its flat, saturated region at the start.
    """
    return {
        "W1": rng.randn(1, n_hidden) * np.sqrt(2.0 / (1 + n_hidden)),
        "b1": np.zeros(n_hidden),
        "W2": rng.randn(n_hidden, 1) * np.sqrt(2.0 / (n_hidden + 1)),
        "b2": np.zeros(1),
    }


def forward(params, x):
    """Step 2. Returns the prediction and what backward() needs."""
    z1 = x @ params["W1"] + params["b1"]
    a1 = np.tanh(z1)
    y_hat = a1 @ params["W2"] + params["b2"]
    return y_hat, (x, a1)


def mse(y_hat, y):
    """Step 3. Mean squared error and its gradient with respect to y_hat."""
    diff = y_hat - y
    return float(np.mean(diff ** 2)), 2.0 * diff / diff.size


def backward(params, cache, d_y_hat):
    """Step 4. Gradients of the loss for every parameter (same keys as params)."""
    x, a1 = cache
    d_z1 = (d_y_hat @ params["W2"].T) * (1.0 - a1 ** 2)  # tanh'(z) = 1 - tanh(z)^2
    return {
        "W2": a1.T @ d_y_hat,
        "b2": d_y_hat.sum(axis=0),
        "W1": x.T @ d_z1,
        "b1": d_z1.sum(axis=0),
    }


def sgd_step(params, grads, lr):
    """Step 5. One gradient-descent update, in place."""
    for name in params:
        params[name] -= lr * grads[name]


def loss_of(params, x, y):
    return mse(forward(params, x)[0], y)[0]


def gradient_check(params, x, y, eps=1e-6):
    """Relative gap |g_numeric - g_backprop| / (|g_numeric| + |g_backprop|) over all parameters.

    g_numeric comes from central differences (L(p + eps) - L(p - eps)) / (2 eps); around 1e-7 or
    less means backward() is right, around 1 means it is wrong.
    """
    y_hat, cache = forward(params, x)
    grads = backward(params, cache, mse(y_hat, y)[1])
    numeric, exact = [], []
    for name, p in params.items():
        for i in range(p.size):
            old = p.flat[i]
            p.flat[i] = old + eps
            up = loss_of(params, x, y)
            p.flat[i] = old - eps
            down = loss_of(params, x, y)
            p.flat[i] = old
            numeric.append((up - down) / (2 * eps))
            exact.append(grads[name].flat[i])
    numeric, exact = np.array(numeric), np.array(exact)
    return float(np.linalg.norm(numeric - exact) / (np.linalg.norm(numeric) + np.linalg.norm(exact)))


def train(epochs=EPOCHS, lr=LEARNING_RATE, n_hidden=HIDDEN, seed=SEED, report=None):
    """Steps 1-6. Returns the parameters and the loss before every update (plus the last one)."""
    x, y = make_data()
    params = init_params(n_hidden, np.random.RandomState(seed))
    history = []
    for epoch in range(epochs):
        y_hat, cache = forward(params, x)
        loss, d_y_hat = mse(y_hat, y)
        history.append(loss)
        if report is not None and epoch % REPORT_EVERY == 0:
            report(epoch, loss)
        sgd_step(params, backward(params, cache, d_y_hat), lr)
    history.append(loss_of(params, x, y))
    return params, history


def main():
    x, y = make_data()
    start = init_params(HIDDEN, np.random.RandomState(SEED))
    print("gradient check (relative error): {:.1e}".format(gradient_check(start, x, y)))
    params, history = train(report=lambda e, l: print("epoch {:5d}  loss {:.5f}".format(e, l)))
    print("epoch {:5d}  loss {:.5f}".format(EPOCHS, history[-1]))
    probe = np.array([[1.0]])
    print("sin(1.0) = {:.4f}, network: {:.4f}".format(np.sin(1.0), forward(params, probe)[0][0, 0]))


if __name__ == "__main__":
    main()
