// Demo: a small CNN learns the digits in the page; its 3×3 filters and the feature maps of one digit are shown
// as they change (Python: demos/apps/cnn.py).
import { Demo, h, pct } from "../demo-kit.js";
import { LineChart } from "../plot.js";
import { decodeBytes, figure, gallery, paintGray, pixelCanvas } from "../views/digit-images.js";

function paintFilter(canvas, weights, scale) {
  // 128 = weight 0; white = the largest positive weight of all filters, black = the most negative
  const levels = weights.flat().map((w) => Math.round(127.5 + 127.5 * w / scale));
  paintGray(canvas, levels, { ink: false });
}

export function mount(el) {
  const demo = new Demo(el, {
    title: "动手：训练一个小卷积网络，看卷积核学到了什么",
    intro: "网络：一个卷积层（若干个 3×3 卷积核）→ ReLU → 2×2 最大池化 → 全连接层 → 10 个数字；Adam，学习率按余弦曲线降到 0。"
      + "训练集 8000 张；曲线上的测试准确率用测试集前 500 张估计，训练结束后再用全部 2000 张打分。",
  });
  demo.addSettings();
  const plots = h("div", { class: "demo-plots" });
  demo.body.append(plots);
  const chart = new LineChart(plots, { xLabel: "训练步数", yLabel: "准确率", yRange: [0, 1], label: "准确率曲线" });
  const filtersBox = gallery("卷积核（3×3；白 = 正权重，黑 = 负权重，灰 = 0）");
  const digitBox = gallery("示例数字");
  const mapsBox = gallery("这个数字经过卷积和 ReLU 后的特征图（26×26；颜色越深，响应越强）");
  demo.body.append(filtersBox.box, digitBox.box, mapsBox.box);

  let steps = [], trainAcc = [], testAcc = [];
  let filterCanvases = [], mapCanvases = [], digitCanvas = null, digitCaption = null;

  const draw = () => chart.draw([
    { name: "训练（最近各批）", x: steps, y: trainAcc },
    { name: "测试集前 500 张", x: steps, y: testAcc },
  ]);

  const clear = () => {
    steps = []; trainAcc = []; testAcc = [];
    filterCanvases = []; mapCanvases = []; digitCanvas = null;
    for (const box of [filtersBox, digitBox, mapsBox]) box.row.replaceChildren();
    draw();
  };
  clear();

  const showVisual = (v) => {
    const n = v.filters.length, size = v.map_size;
    if (filterCanvases.length !== n) {
      filterCanvases = v.filters.map((_, i) => pixelCanvas(3, 3, { scale: 12, label: `卷积核 ${i + 1}` }));
      filtersBox.row.replaceChildren(...filterCanvases.map((c, i) => figure(c, String(i + 1))));
      mapCanvases = v.filters.map((_, i) => pixelCanvas(size, size, { scale: 2, label: `特征图 ${i + 1}` }));
      mapsBox.row.replaceChildren(...mapCanvases.map((c, i) => figure(c, String(i + 1))));
      digitCanvas = pixelCanvas(28, 28, { scale: 3, label: `测试图像 ${v.digit}，实际是 ${v.label}` });
      digitCaption = h("div", {});
      digitCaption.style.fontSize = "0.75rem";
      digitBox.row.replaceChildren(figure(digitCanvas, `编号 ${v.digit}，实际是 ${v.label}`), digitCaption);
      paintGray(digitCanvas, decodeBytes(v.image));
    }
    const scale = Math.max(1e-8, ...v.filters.flat(2).map(Math.abs));
    v.filters.forEach((w, i) => paintFilter(filterCanvases[i], w, scale));
    const maps = decodeBytes(v.maps);
    mapCanvases.forEach((c, i) => paintGray(c, maps, { offset: i * size * size }));
    const best = v.probs.indexOf(Math.max(...v.probs));
    digitCaption.textContent = `网络现在认为是 ${best}（概率 ${pct(v.probs[best])}）`;
  };

  demo.trainable({
    session: "cnn",
    assets: ["data/mnist.npz"],
    onStart: clear,
    onProgress(p) {
      for (const point of p.points) { steps.push(point.step); trainAcc.push(point.train_accuracy); testAcc.push(point.accuracy); }
      if (p.points.length) draw();
      if (p.visual) showVisual(p.visual);
      demo.status(`第 ${p.epoch.toFixed(2)} 轮，${p.step} 步，${p.seconds.toFixed(1)} 秒；`
        + `测试准确率（前 500 张）${pct(testAcc[testAcc.length - 1])}`);
    },
    describe: (r) => `完成（${r.finished_by === "time" ? "到达时间上限" : "训练轮数已满"}）：${r.seconds.toFixed(1)} 秒、`
      + `${r.steps} 步（${r.epochs} 轮）。全部 2000 张测试图像上的准确率 ${pct(r.test_accuracy)}，训练集 ${pct(r.train_accuracy)}。`,
    onReset: clear,
  });
}
