"""A small hand-made test of the book's retrieval: questions a reader might ask, and the pages that answer them.

Usage: python -m demos.rag_eval   (prints recall@1, @3, @5 and, for each miss, what came back instead)

The questions are phrased as a reader would ask, not copied from the headings. A question counts as found at k
when one of the top k passages comes from one of its pages.
"""
QUESTIONS = [
    ("为什么 Transformer 处理长文本时计算量增长得很快？", ["concepts/transformer/", "math/cnn-rnn-attention/"]),
    ("LSTM 的遗忘门是做什么用的？", ["concepts/rnn/", "math/cnn-rnn-attention/"]),
    ("Adam 优化器为什么要做偏差修正？", ["math/optimizers/"]),
    ("分类任务为什么用交叉熵，而不是均方误差？", ["math/losses/"]),
    ("ReLU 比 Sigmoid 好在哪里？", ["math/activations/"]),
    ("BERT 是怎样做完形填空式的预训练的？", ["concepts/pretraining/"]),
    ("手写数字模型量化成 INT8 以后准确率变了多少？", ["practice/digits/", "practice/optimization/"]),
    ("知识蒸馏是怎么把大模型的能力教给小模型的？", ["practice/optimization/"]),
    ("怎样安装能用 GPU 的 PyTorch，CUDA 版本怎么选？", ["practice/setup/"]),
    ("卷积层输出的尺寸怎么计算？", ["math/cnn-rnn-attention/", "concepts/cnn/"]),
    ("按 token 收费的产品，每次请求的成本和毛利怎么算？", ["business/models/"]),
    ("找代理商和系统集成商卖产品有什么代价？", ["business/channels/"]),
    ("怎样验证一个增长点是真实的需求？", ["business/growth/"]),
    ("大模型用于医疗诊断有哪些风险和监管要求？", ["applications/"]),
    ("模型过拟合了该怎么办？", ["faq/", "practice/optimization/", "trends/"]),
    ("训练循环里算完梯度以后怎样更新参数？", ["training/loop/", "math/optimizers/"]),
    ("反向传播怎样用链式法则算出每一层的梯度？", ["math/backprop/"]),
    ("来源文章里有哪些说法是错的，被更正了？", ["errata/"]),
    ("小团队预算有限，应该自己从头训练大模型吗？", ["faq/"]),
    ("为什么处理图像不用全连接网络而用卷积？", ["concepts/cnn/"]),
    ("混合精度训练为什么能加快速度、节省显存？", ["practice/optimization/"]),
    ("GPT 预训练时的目标是什么？", ["concepts/pretraining/"]),
]


def main():
    from demos.retrieval import BM25, passage_text, recall_at_k
    from demos.text import load_corpus

    paragraphs = load_corpus().paragraphs
    index = BM25([passage_text(p) for p in paragraphs])
    print("{} questions over {} passages, {} terms".format(len(QUESTIONS), len(paragraphs), index.n_terms))
    for k in (1, 3, 5):
        print("recall@{}: {:.2f}".format(k, recall_at_k(index, paragraphs, QUESTIONS, k)))
    for question, pages in QUESTIONS:
        got = [paragraphs[i]["page"] for i, _ in index.top(question, 5)]
        if not set(got) & set(pages):
            print("miss: {} (wanted {}) -> {}".format(question, pages, got))


if __name__ == "__main__":
    main()
