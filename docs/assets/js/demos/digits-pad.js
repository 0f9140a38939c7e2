// The drawing pad: a square canvas drawn white on black with a thick round brush, by mouse, finger or pen
// (Pointer Events). It knows nothing about the model; it reports strokes to its owner.

export const PAD = 280; // backing-store pixels; the canvas is shown at up to this many CSS pixels
const BRUSH = 22; // about what a pen stroke is to a digit in MNIST (2-3 px of 20) when a digit fills the pad

export class DrawingPad {
  /**
   * @param {HTMLElement} parent
   * @param {{onStart, onMove, onEnd}} handlers  called at pointer down, on each move, at pointer up
   */
  constructor(parent, { onStart, onMove, onEnd, label }) {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = PAD;
    canvas.className = "demo-canvas digits-pad";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", label);
    Object.assign(canvas.style, {
      width: `${PAD}px`, maxWidth: "100%", aspectRatio: "1 / 1", background: "#000", borderRadius: "4px",
      cursor: "crosshair",
    });
    parent.append(canvas);
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d", { willReadFrequently: true });
    this.handlers = { onStart, onMove, onEnd };
    this.pointer = null;
    this.empty = true;
    this.clear();

    canvas.addEventListener("pointerdown", (e) => this.down(e));
    canvas.addEventListener("pointermove", (e) => this.move(e));
    canvas.addEventListener("pointerup", (e) => this.up(e));
    canvas.addEventListener("pointercancel", (e) => this.up(e));
    canvas.addEventListener("contextmenu", (e) => e.preventDefault());
  }

  clear() {
    this.ctx.fillStyle = "#000";
    this.ctx.fillRect(0, 0, PAD, PAD);
    this.empty = true;
  }

  /** Show a 28 x 28 digit (values 0..1) enlarged to fill the pad, each pixel a 10 x 10 block (so that
   *  preprocessing the pad gives the same digit back). */
  showDigit(pixels) {
    const small = document.createElement("canvas");
    small.width = small.height = 28;
    const sctx = small.getContext("2d");
    const img = sctx.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const v = Math.round(255 * pixels[i]);
      img.data.set([v, v, v, 255], 4 * i);
    }
    sctx.putImageData(img, 0, 0);
    this.clear();
    this.ctx.imageSmoothingEnabled = false;
    this.ctx.drawImage(small, 0, 0, PAD, PAD);
    this.empty = false;
  }

  point(e) {
    const r = this.canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * PAD / r.width, (e.clientY - r.top) * PAD / r.height];
  }

  down(e) {
    if (e.button !== 0 || this.pointer !== null) return;
    e.preventDefault();
    this.pointer = e.pointerId;
    this.canvas.setPointerCapture?.(e.pointerId);
    this.last = this.point(e);
    this.dot(this.last);
    this.empty = false;
    this.handlers.onStart?.();
  }

  move(e) {
    if (e.pointerId !== this.pointer) return;
    e.preventDefault();
    // coalesced events: the points the browser merged into this one, for smooth fast strokes
    const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) {
      const p = this.point(ev);
      this.line(this.last, p);
      this.last = p;
    }
    this.handlers.onMove?.();
  }

  up(e) {
    if (e.pointerId !== this.pointer) return;
    this.pointer = null;
    this.canvas.releasePointerCapture?.(e.pointerId);
    this.handlers.onEnd?.();
  }

  dot([x, y]) {
    this.ctx.fillStyle = "#fff";
    this.ctx.beginPath();
    this.ctx.arc(x, y, BRUSH / 2, 0, 2 * Math.PI);
    this.ctx.fill();
  }

  line([x0, y0], [x1, y1]) {
    const ctx = this.ctx;
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = BRUSH;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
  }
}
