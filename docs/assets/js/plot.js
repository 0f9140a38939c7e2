// Small canvas plots for the demos: line charts (loss curves, functions) and image/heatmap grids.
// Plain Canvas 2D, sized for the device pixel ratio, colours taken from the Material theme.

export const COLORS = ["#3f51b5", "#ff5722", "#009688", "#9c27b0", "#795548", "#607d8b"];

export function themeColor(el, name, fallback) {
  const v = getComputedStyle(el).getPropertyValue(name).trim();
  return v || fallback;
}

export function makeCanvas(parent, { width = 480, height = 260, label = "" } = {}) {
  const canvas = document.createElement("canvas");
  canvas.className = "demo-canvas";
  canvas.setAttribute("role", "img");
  if (label) canvas.setAttribute("aria-label", label);
  canvas.style.width = "100%";
  canvas.style.maxWidth = `${width}px`;
  canvas.style.aspectRatio = `${width} / ${height}`;
  canvas.width = width * (window.devicePixelRatio || 1);
  canvas.height = height * (window.devicePixelRatio || 1);
  canvas.logicalWidth = width;
  canvas.logicalHeight = height;
  parent.append(canvas);
  return canvas;
}

// Match the backing store to the size the canvas is shown at (keeping its aspect ratio), so text and lines stay
// crisp at any width; returns a cleared context whose units are CSS pixels (canvas.logicalWidth x logicalHeight).
export function fitContext(canvas) {
  const shown = canvas.clientWidth;
  if (shown && Math.abs(shown - canvas.logicalWidth) > 1) {
    canvas.logicalHeight = Math.round(canvas.logicalHeight * shown / canvas.logicalWidth);
    canvas.logicalWidth = shown;
  }
  const ratio = window.devicePixelRatio || 1;
  const w = Math.round(canvas.logicalWidth * ratio), hgt = Math.round(canvas.logicalHeight * ratio);
  if (canvas.width !== w || canvas.height !== hgt) { canvas.width = w; canvas.height = hgt; }
  const ctx = canvas.getContext("2d");
  const scale = ratio;
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.clearRect(0, 0, canvas.logicalWidth, canvas.logicalHeight);
  return ctx;
}

function niceTicks(lo, hi, count = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12; t += step) ticks.push(+t.toPrecision(12));
  return ticks;
}

const fmtTick = (v) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(0) : String(+v.toPrecision(4)));

/**
 * A line chart. series: [{name, x: [...], y: [...], color, dashed, points}]; options: {logY, xLabel, yLabel,
 * xRange, yRange, marker: {x, y}}.
 */
/** The series' names in a row along the top of the plot area, each after a short bar in its colour. */
export function drawLegend(ctx, series, pad, fg) {
  let lx = pad.l + 8;
  series.forEach((s, k) => {
    if (!s.name) return;
    ctx.fillStyle = s.color || COLORS[k % COLORS.length];
    ctx.fillRect(lx, pad.t + 4, 12, 3);
    ctx.fillStyle = fg; ctx.textAlign = "left";
    ctx.fillText(s.name, lx + 16, pad.t + 9);
    lx += 24 + ctx.measureText(s.name).width;
  });
}

export class LineChart {
  constructor(parent, options = {}) {
    this.options = options;
    this.canvas = makeCanvas(parent, options);
    this.series = [];
  }

  draw(series = this.series, extra = {}) {
    this.series = series;
    const o = Object.assign({}, this.options, extra);
    const W = this.canvas.logicalWidth, H = this.canvas.logicalHeight;
    const ctx = fitContext(this.canvas);
    const fg = themeColor(this.canvas, "--md-default-fg-color", "#333");
    const grid = themeColor(this.canvas, "--md-default-fg-color--lightest", "#ddd");
    const pad = { l: 52, r: 12, t: 12, b: 34 };
    const tf = (v) => (o.logY ? Math.log10(Math.max(v, 1e-12)) : v);
    let xs = [], ys = [];
    for (const s of series) {
      for (let i = 0; i < s.y.length; i++) {
        const y = s.y[i];
        if (y === null || !Number.isFinite(y)) continue;
        xs.push(s.x ? s.x[i] : i);
        ys.push(tf(y));
      }
    }
    let [x0, x1] = o.xRange || [Math.min(...xs, 0), Math.max(...xs, 1)];
    let [y0, y1] = o.yRange ? o.yRange.map(tf) : [Math.min(...ys), Math.max(...ys)];
    if (!Number.isFinite(y0) || !Number.isFinite(y1)) { y0 = 0; y1 = 1; }
    if (y1 - y0 < 1e-12) { y0 -= 0.5; y1 += 0.5; }
    const px = (x) => pad.l + ((x - x0) / (x1 - x0 || 1)) * (W - pad.l - pad.r);
    const py = (y) => H - pad.b - ((tf(y) - y0) / (y1 - y0)) * (H - pad.t - pad.b);
    ctx.font = "11px sans-serif";
    ctx.strokeStyle = grid;
    ctx.fillStyle = fg;
    ctx.lineWidth = 1;
    const yTicks = o.logY ? niceTicks(Math.floor(y0), Math.ceil(y1), 5).filter(Number.isInteger) : niceTicks(y0, y1);
    for (const t of yTicks) {
      const y = H - pad.b - ((t - y0) / (y1 - y0)) * (H - pad.t - pad.b);
      if (y < pad.t - 1 || y > H - pad.b + 1) continue;
      ctx.beginPath(); ctx.moveTo(pad.l, y); ctx.lineTo(W - pad.r, y); ctx.stroke();
      ctx.textAlign = "right";
      ctx.fillText(o.logY ? `1e${t}` : fmtTick(t), pad.l - 4, y + 4);
    }
    for (const t of niceTicks(x0, x1)) {
      const x = px(t);
      ctx.beginPath(); ctx.moveTo(x, pad.t); ctx.lineTo(x, H - pad.b); ctx.stroke();
      ctx.textAlign = "center";
      ctx.fillText(fmtTick(t), x, H - pad.b + 14);
    }
    if (o.xLabel) { ctx.textAlign = "center"; ctx.fillText(o.xLabel, (pad.l + W - pad.r) / 2, H - 4); }
    if (o.yLabel) {
      ctx.save(); ctx.translate(12, (pad.t + H - pad.b) / 2); ctx.rotate(-Math.PI / 2);
      ctx.textAlign = "center"; ctx.fillText(o.yLabel, 0, 0); ctx.restore();
    }
    ctx.save();
    ctx.beginPath(); ctx.rect(pad.l, pad.t, W - pad.l - pad.r, H - pad.t - pad.b); ctx.clip();
    series.forEach((s, k) => {
      ctx.strokeStyle = ctx.fillStyle = s.color || COLORS[k % COLORS.length];
      ctx.lineWidth = s.width || 2;
      ctx.setLineDash(s.dashed ? [5, 4] : []);
      if (s.points) {
        s.y.forEach((y, i) => {
          if (y === null || !Number.isFinite(y)) return;
          ctx.beginPath(); ctx.arc(px(s.x ? s.x[i] : i), py(y), 3.5, 0, 2 * Math.PI); ctx.fill();
        });
        return;
      }
      ctx.beginPath();
      let pen = false;
      s.y.forEach((y, i) => {
        if (y === null || !Number.isFinite(y)) { pen = false; return; }
        const X = px(s.x ? s.x[i] : i), Y = py(y);
        if (pen) ctx.lineTo(X, Y); else ctx.moveTo(X, Y);
        pen = true;
      });
      ctx.stroke();
    });
    ctx.setLineDash([]);
    if (o.marker) {
      ctx.strokeStyle = fg;
      ctx.beginPath(); ctx.moveTo(px(o.marker.x), pad.t); ctx.lineTo(px(o.marker.x), H - pad.b); ctx.stroke();
    }
    ctx.restore();
    drawLegend(ctx, series, pad, fg);
    return { px, py };
  }
}

/**
 * A curve that grows while a model trains but never past `size` points: when full, every other point is dropped and
 * from then on only every other new one is kept, so drawing costs the same after 100 steps or 100,000.
 */
export class Series {
  constructor(size = 1000) {
    this.size = size;
    this.clear();
  }

  clear() {
    this.x = []; this.y = []; this.count = 0; this.stride = 1; this.last = null;
  }

  /** Add points (arrays of x and y); the newest point is always shown. */
  push(xs, ys) {
    for (let i = 0; i < xs.length; i++) {
      if (this.last) { this.x.pop(); this.y.pop(); } // the newest point, held only until the next one comes
      this.count += 1;
      if (this.count % this.stride === 0) {
        this.x.push(xs[i]); this.y.push(ys[i]);
        if (this.x.length >= this.size) {
          this.x = this.x.filter((_, k) => k % 2); this.y = this.y.filter((_, k) => k % 2);
          this.stride *= 2;
        }
        this.last = null;
      } else {
        this.last = [xs[i], ys[i]];
      }
      if (this.last) { this.x.push(this.last[0]); this.y.push(this.last[1]); }
    }
  }

  get length() {
    return this.x.length;
  }
}
