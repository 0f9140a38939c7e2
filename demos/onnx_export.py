"""A trained model as an ONNX graph description, so that the page can write the .onnx file and run it elsewhere.

The description is plain data (no ONNX library needed here, none exists in the page's Python):

    {"opset": 17, "inputs": [(name, "int64" | "float32", shape)], "outputs": [(name, "float32", shape)],
     "nodes": [(op_type, [input names], [output names], {attribute: value})],
     "initializers": {name: NumPy array (float32 or int64)}}

The page serialises it with the ONNX protobuf schema (onnx.proto, encoded by protobufjs); the tests build the same
file with the ``onnx`` package and check that ONNX Runtime computes what ``model.forward`` computes.

GPT over a fixed context of T tokens (batch 1), the same computation as demos/gpt.py:

    h = Gather(E, ids) + P[:T]
    per block:  x = LayerNormalization(h);  q, k, v = x W + b, split into heads (Reshape, Transpose)
                A = Softmax(q kᵀ / √d_k + M)      M = -1e9 above the diagonal (a causal mask constant)
                h = h + Reshape(Transpose(A v)) W_o + b_o
                h = h + Relu(LayerNormalization(h) W_1 + b_1) W_2 + b_2
    logits = LayerNormalization(h) Eᵀ + b
"""
import numpy as np

OPSET = 17          # LayerNormalization is an ONNX operator from opset 17 on
MASKED = -1e9       # instead of -inf: the same softmax (exp underflows to 0), no inf - inf in the runtime


class Graph:
    """Collects nodes and constants with unique names."""

    def __init__(self):
        self.nodes, self.initializers = [], {}
        self.count = 0

    def const(self, name, array):
        self.initializers[name] = np.ascontiguousarray(array)
        return name

    def node(self, op, inputs, attrs=None, name=None):
        self.count += 1
        out = name or "{}_{}".format(op.lower(), self.count)
        self.nodes.append((op, list(inputs), [out], dict(attrs or {})))
        return out

    def dense(self, x, layer, prefix):
        w = self.const(prefix + ".W", layer.params["W"].astype(np.float32))
        b = self.const(prefix + ".b", layer.params["b"].astype(np.float32))
        return self.node("Add", [self.node("MatMul", [x, w]), b])

    def layer_norm(self, x, layer, prefix):
        g = self.const(prefix + ".gamma", layer.params["gamma"].astype(np.float32))
        b = self.const(prefix + ".beta", layer.params["beta"].astype(np.float32))
        return self.node("LayerNormalization", [x, g, b], {"axis": -1, "epsilon": float(layer.eps)})


def gpt_graph(model, context=None):
    """The description (see the module docstring) of ``model`` (demos.gpt.GPT) over ``context`` tokens."""
    t = int(context or model.context)
    d, heads = model.d_model, model.n_heads
    dk = d // heads
    g = Graph()
    split = g.const("shape.split", np.array([1, t, heads, dk], dtype=np.int64))
    merge = g.const("shape.merge", np.array([1, t, d], dtype=np.int64))
    scale = g.const("scale", np.array(1.0 / np.sqrt(dk), dtype=np.float32))
    mask = g.const("causal_mask", np.triu(np.full((t, t), MASKED, dtype=np.float32), k=1))
    E = model.tok.params["W"].astype(np.float32)
    h = g.node("Gather", [g.const("tok.W", E), "ids"], {"axis": 0})
    h = g.node("Add", [h, g.const("pos.W", model.pos.params["W"][:t].astype(np.float32))])
    for i, block in enumerate(model.blocks):
        p = "block{}".format(i)
        attn = block.attn
        x = g.layer_norm(h, block.ln1, p + ".ln1")
        heads_of = lambda y, perm: g.node("Transpose", [g.node("Reshape", [y, split])], {"perm": perm})
        q = heads_of(g.dense(x, attn.q, p + ".attn.q"), [0, 2, 1, 3])           # (1, H, T, dk)
        k_t = heads_of(g.dense(x, attn.k, p + ".attn.k"), [0, 2, 3, 1])         # (1, H, dk, T)
        v = heads_of(g.dense(x, attn.v, p + ".attn.v"), [0, 2, 1, 3])
        scores = g.node("Add", [g.node("Mul", [g.node("MatMul", [q, k_t]), scale]), mask])
        a = g.node("Softmax", [scores], {"axis": -1})
        y = g.node("Reshape", [g.node("Transpose", [g.node("MatMul", [a, v])], {"perm": [0, 2, 1, 3]}), merge])
        h = g.node("Add", [h, g.dense(y, attn.o, p + ".attn.o")])
        first, relu, second = block.ffn.layers
        x = g.layer_norm(h, block.ln2, p + ".ln2")
        f = g.dense(g.node("Relu", [g.dense(x, first, p + ".ffn.0")]), second, p + ".ffn.2")
        h = g.node("Add", [h, f])
    x = g.layer_norm(h, model.ln_f, "ln_f")
    g.node("Add", [g.node("MatMul", [x, g.const("tok.W.T", E.T)]), g.const("b", model.params["b"].astype(np.float32))],
           name="logits")
    return {"opset": OPSET, "inputs": [("ids", "int64", [1, t])], "outputs": [("logits", "float32", [1, t, model.vocab_size])],
            "nodes": g.nodes, "initializers": g.initializers}


ACTIVATIONS = {"ReLU": "Relu", "Sigmoid": "Sigmoid", "Tanh": "Tanh"}


def mlp_graph(model, n_in):
    """The description of a Sequential of Dense layers and ReLU / Sigmoid / Tanh (the MNIST MLP, the playground):
    x (1, n_in) float32 -> logits (1, classes). Raises ValueError for any other layer."""
    g = Graph()
    h = "x"
    width = n_in
    for i, layer in enumerate(model.layers):
        kind = type(layer).__name__
        if kind == "Dense":
            h = g.dense(h, layer, "layer{}".format(i))
            width = layer.params["W"].shape[1]
        elif kind in ACTIVATIONS:
            h = g.node(ACTIVATIONS[kind], [h])
        else:
            raise ValueError("no ONNX export for a {} layer".format(kind))
    g.node("Identity", [h], name="logits")
    return {"opset": OPSET, "inputs": [("x", "float32", [1, n_in])], "outputs": [("logits", "float32", [1, width])],
            "nodes": g.nodes, "initializers": g.initializers}
