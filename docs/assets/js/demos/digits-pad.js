// The drawing pad: a square canvas drawn white on black with a thick round brush, by mouse, finger or pen
// (Pointer Events), or by keyboard: arrow keys move a cursor, Space or Enter puts the pen down or lifts it
// (moving with the pen down draws), Delete or Backspace clears. It knows nothing about the model; it reports
// strokes to its owner.

export const PAD = 280; // backing-store pixels; the canvas is shown at up to this many CSS pixels
const BRUSH = 22; // about what a pen stroke is to a digit in MNIST (2-3 px of 20) when a digit fills the pad
const STEP = 14; // one arrow key press moves the keyboard cursor this many pixels (1/20 of the pad)
const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

export class DrawingPad {
  /**
   * @param {HTMLElement} parent
   * @param {{onIntent, onStart, onMove, onEnd, onClear, label}} handlers  onIntent at the first pointer down or
   *   key press (the reader means to draw); onStart, onMove, onEnd at pen down, each move, pen up; onClear for
   *   Delete / Backspace
   */
  constructor(parent, { onIntent, onStart, onMove, onEnd, onClear, label }) {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = PAD;
    canvas.className = "demo-canvas digits-pad";
    canvas.tabIndex = 0;
    canvas.setAttribute("role", "application");
    canvas.setAttribute("aria-roledescription", "手写板");
    canvas.setAttribute("aria-label", label);
    this.cursorEl = document.createElement("div");
    this.cursorEl.className = "digits-cursor";
    this.cursorEl.hidden = true;
    const wrap = document.createElement("div");
    wrap.className = "digits-pad-wrap";
    wrap.append(canvas, this.cursorEl);
    parent.append(wrap);
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d", { willReadFrequently: true });
    this.handlers = { onIntent, onStart, onMove, onEnd, onClear };
    this.pointer = null;
    this.pen = false; // keyboard pen down
    this.byPointer = false;
    this.cursor = [PAD / 2, PAD / 2];
    this.empty = true;
    this.clear();

    canvas.addEventListener("pointerdown", (e) => this.down(e));
    canvas.addEventListener("pointermove", (e) => this.move(e));
    canvas.addEventListener("pointerup", (e) => this.up(e));
    canvas.addEventListener("pointercancel", (e) => this.up(e));
    canvas.addEventListener("contextmenu", (e) => e.preventDefault());
    canvas.addEventListener("keydown", (e) => this.key(e));
    canvas.addEventListener("focus", () => { if (!this.byPointer) this.showCursor(); });
    canvas.addEventListener("blur", () => {
      if (this.pen) this.togglePen(); // leaving the pad lifts the pen
      this.cursorEl.hidden = true;
    });
  }

  /** Keyboard drawing; other keys (Tab included) keep their usual meaning. */
  key(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    this.byPointer = false;
    const arrow = ARROWS[e.key];
    if (arrow) {
      e.preventDefault();
      this.handlers.onIntent?.();
      const [x0, y0] = this.cursor;
      const step = e.shiftKey ? 3 * STEP : STEP;
      const p = [Math.min(PAD, Math.max(0, x0 + arrow[0] * step)), Math.min(PAD, Math.max(0, y0 + arrow[1] * step))];
      this.cursor = p;
      if (this.pen) {
        this.line([x0, y0], p);
        this.handlers.onMove?.();
      }
      this.showCursor();
    } else if (e.key === " " || e.key === "Enter") {
      e.preventDefault();
      this.handlers.onIntent?.();
      this.togglePen();
    } else if (e.key === "Delete" || e.key === "Backspace") {
      e.preventDefault();
      this.pen = false;
      this.showCursor();
      this.handlers.onClear?.();
    }
  }

  togglePen() {
    this.pen = !this.pen;
    if (this.pen) {
      this.dot(this.cursor);
      this.empty = false;
      this.handlers.onStart?.();
    } else {
      this.handlers.onEnd?.();
    }
    this.showCursor();
  }

  showCursor() {
    if (document.activeElement !== this.canvas) return;
    const [x, y] = this.cursor;
    this.cursorEl.hidden = false;
    this.cursorEl.style.left = `${(100 * x) / PAD}%`; // CSSOM, not a style attribute
    this.cursorEl.style.top = `${(100 * y) / PAD}%`;
    this.cursorEl.classList.toggle("is-down", this.pen);
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
    this.byPointer = true; // the keyboard cursor stays hidden while drawing with a pointer
    this.cursorEl.hidden = true;
    this.canvas.focus({ preventScroll: true });
    this.handlers.onIntent?.();
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
