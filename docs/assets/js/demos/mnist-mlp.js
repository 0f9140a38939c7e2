// Demo: the 784 -> hidden -> 10 network learns the MNIST digits in the page (Python: demos/apps/mnist_mlp.py).
import { Demo, h, pct } from "../demo-kit.js";
import { LineChart } from "../plot.js";
import { decodeBytes, figure, gallery, paintGray, pixelCanvas } from "../views/digit-images.js";
import { addModelDownloads } from "../onnx-export.js";

export function mount(el) {
  const demo = new Demo(el, {
    title: "动手：在浏览器里训练识别手写数字的全连接网络",
    intro: "784 个像素 → 隐藏层（ReLU）→ 10 个数字，Softmax 交叉熵，Adam。训练集 8000 张，测试集 2000 张（只用来打分，"
      + "从不参与更新）。学习率随训练进度按余弦曲线降到 0；勾选「随机平移」时，每张训练图像随机移动至多 1 个像素（数据增强）。",
  });
  demo.addSettings();
  const plots = h("div", { class: "demo-plots" });
  demo.body.append(plots);
  const chart = new LineChart(plots, {
    xLabel: "训练时间（秒）", yLabel: "准确率（纵轴从 0.8 起）", yRange: [0.8, 1], label: "训练集与测试集准确率曲线",
  });
  const mistakes = gallery("");
  demo.body.append(mistakes.box);

  let seconds = [], trainAcc = [], testAcc = [];
  const draw = () => {
    const end = Math.max(1, ...seconds);
    chart.draw([
      { name: "训练（最近各批）", x: seconds, y: trainAcc },
      { name: "测试集 2000 张", x: seconds, y: testAcc },
      { name: "95%", x: [0, end], y: [0.95, 0.95], dashed: true, color: "#888", width: 1 },
    ], { xRange: [0, end] });
  };
  const clear = () => {
    seconds = []; trainAcc = []; testAcc = [];
    mistakes.row.replaceChildren();
    mistakes.heading.textContent = "";
    draw();
  };
  clear();

  const showMistakes = (m) => {
    const pixels = decodeBytes(m.images);
    mistakes.heading.textContent = m.count
      ? `模型认错的测试图像：共 ${m.count} 张，下面是前 ${m.index.length} 张（“认成 / 实际”）`
      : "测试集 2000 张全部认对。";
    mistakes.row.replaceChildren(...m.index.map((idx, i) => {
      const canvas = pixelCanvas(28, 28, { scale: 2, label: `测试图像 ${idx}：认成 ${m.predicted[i]}，实际是 ${m.label[i]}` });
      paintGray(canvas, pixels, { offset: i * 784 });
      return figure(canvas, `${m.predicted[i]} / ${m.label[i]}`);
    }));
  };

  demo.trainable({
    session: "mnist-mlp",
    assets: ["data/mnist.npz"],
    onStart: clear,
    onProgress(p) {
      for (const point of p.points) { seconds.push(point.seconds); trainAcc.push(point.train_accuracy); testAcc.push(point.accuracy); }
      if (p.points.length) draw();
      if (p.mistakes) showMistakes(p.mistakes);
      demo.status(`第 ${p.epoch.toFixed(1)} 轮，${p.step} 步，${p.seconds.toFixed(1)} 秒；`
        + `测试集准确率 ${pct(testAcc[testAcc.length - 1])}，学习率 ${p.lr.toExponential(2)}`);
    },
    describe: (r) => `完成（${r.finished_by === "time" ? "到达时间上限" : "训练轮数已满"}）：${r.seconds.toFixed(1)} 秒、`
      + `${r.steps} 步（${r.epochs} 轮）。测试集准确率 ${pct(r.test_accuracy)}，训练集 ${pct(r.train_accuracy)}；`
      + (r.seconds_to_95 === null ? "测试集准确率没有达到 95%。" : `测试集准确率在第 ${r.seconds_to_95.toFixed(1)} 秒首次达到 95%。`),
    onReset: clear,
  });
  addModelDownloads(demo, "mnist-mlp"); // the trained network as .npz and as ONNX, run again by ONNX Runtime Web
}
