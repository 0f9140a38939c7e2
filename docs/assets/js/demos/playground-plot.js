// The playground's picture: the network's predicted class over the plane (colour = class, strength = how sure
// the network is) with the data points on top. The grid arrives from Python as one class and one probability per
// cell; it is painted into a small image and scaled smoothly, so a redraw is one drawImage plus the points.
import { fitContext, makeCanvas } from "../plot.js";

export const CLASS_COLORS = [[245, 147, 34], [8, 119, 189], [46, 125, 50], [142, 36, 170]];

export class BoundaryMap {
  constructor(parent, { size = 340, label = "" } = {}) {
    this.canvas = makeCanvas(parent, { width: size, height: size, label });
    this.cells = document.createElement("canvas");
    this.points = document.createElement("canvas"); // the data points, painted once per data set and size
    this.pointsFor = null;
  }

  paintPoints(data, shown, ratio) {
    this.points.width = this.points.height = Math.round(shown * ratio);
    const ctx = this.points.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const e = data.extent;
    const px = (v) => ((v + e) / (2 * e)) * shown, py = (v) => ((e - v) / (2 * e)) * shown;
    // one path per class and ring colour: training points get a white ring, test points a black one
    for (let k = 0; k < data.classes; k++) {
      for (const test of [false, true]) {
        ctx.beginPath();
        data.x.forEach(([x, y], i) => {
          if (data.y[i] !== k || (i >= data.train) !== test) return;
          ctx.moveTo(px(x) + 3.2, py(y));
          ctx.arc(px(x), py(y), 3.2, 0, 2 * Math.PI);
        });
        const c = CLASS_COLORS[k % CLASS_COLORS.length];
        ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
        ctx.fill();
        ctx.lineWidth = 1;
        ctx.strokeStyle = test ? "#000" : "#fff";
        ctx.stroke();
      }
    }
    this.pointsFor = data;
  }

  /**
   * data: {x: [[x, y]...], y: [...], train: n, classes, extent}; grid: {label: [...], confidence: [...]} or null.
   */
  draw(data, grid, gridSize) {
    const canvas = this.canvas;
    const ctx = fitContext(canvas); // the map is created square and stays square
    const shown = canvas.logicalWidth;
    ctx.fillStyle = "#f4f4f4";
    ctx.fillRect(0, 0, shown, shown);
    if (!data) {
      ctx.fillStyle = "#555";
      ctx.font = "12px sans-serif";
      ctx.textAlign = "center";
      ctx.fillText("点「训练」后，这里画出数据和分类边界", shown / 2, shown / 2);
      return;
    }
    if (grid) {
      const n = gridSize, k = data.classes;
      if (this.cells.width !== n) this.cells.width = this.cells.height = n;
      const image = new ImageData(n, n);
      for (let i = 0; i < n * n; i++) {
        // blend the class colour with white: a cell the network is unsure about (probability 1/K) stays white
        const c = CLASS_COLORS[grid.label[i] % CLASS_COLORS.length];
        const s = Math.max(0, (grid.confidence[i] - 1 / k) / (1 - 1 / k)) * 0.75;
        image.data.set([255 + (c[0] - 255) * s, 255 + (c[1] - 255) * s, 255 + (c[2] - 255) * s, 255], 4 * i);
      }
      this.cells.getContext("2d").putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = "high";
      ctx.drawImage(this.cells, 0, 0, shown, shown);
    }
    if (this.pointsFor !== data || this.points.width !== canvas.width) this.paintPoints(data, shown, canvas.width / shown);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.points, 0, 0);
  }
}
