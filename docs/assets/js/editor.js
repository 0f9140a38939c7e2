// The code cell's editor. The page shows a plain <textarea> (light: no editor code is downloaded); when the reader
// shows intent (focuses or clicks it, or presses Run) CodeMirror 6 takes its place: Python highlighting, line
// numbers, indentation, undo. The bundle (vendor/codemirror/codemirror.js) is built by build_tools/vendor.py.
import { vendorUrl } from "./bridge.js";

const INDENT = "    ";
let bundle = null;

const loadBundle = () => {
  bundle ??= import(vendorUrl + "codemirror/codemirror.js");
  bundle.catch(() => { bundle = null; }); // e.g. offline: the textarea stays, the next intent retries
  return bundle;
};

export class CodeEditor {
  /**
   * @param {HTMLTextAreaElement} textarea  shown until the editor is loaded; its value is the code until then
   * @param {object} options  {onRun(): Ctrl/Cmd + Enter, label: the accessible name of the editor}
   */
  constructor(textarea, { onRun, label }) {
    this.textarea = textarea;
    this.onRun = onRun;
    this.label = label;
    this.view = null;
    for (const event of ["focus", "pointerdown"]) textarea.addEventListener(event, () => this.upgrade(), { once: true });
    textarea.addEventListener("keydown", (event) => this.plainKeys(event));
  }

  /** The code that runs: the editor's content. */
  get value() {
    return this.view ? this.view.state.doc.toString() : this.textarea.value;
  }

  set value(text) {
    if (this.view) this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: text } });
    else this.textarea.value = text;
  }

  set placeholder(text) {
    this.textarea.placeholder = text;
  }

  /** Replace the textarea by CodeMirror (once; later calls return the same promise). */
  upgrade() {
    this.upgrading ??= loadBundle().then((cm) => this.mount(cm), (err) => {
      this.upgrading = null;
      console.warn("code editor not loaded, the plain text box stays:", err);
    });
    return this.upgrading;
  }

  mount(cm) {
    const { EditorState, EditorView, keymap } = cm;
    const focused = document.activeElement === this.textarea;
    const run = () => { this.onRun(); return true; };
    this.view = new EditorView({
      state: EditorState.create({
        doc: this.textarea.value,
        extensions: [
          // first, so Mod-Enter runs instead of inserting a line (defaultKeymap's binding)
          keymap.of([{ key: "Mod-Enter", run }, cm.indentWithTab]),
          cm.lineNumbers(), cm.highlightActiveLineGutter(), cm.highlightActiveLine(), cm.drawSelection(),
          cm.history(), cm.indentOnInput(), cm.bracketMatching(), cm.indentUnit.of(INDENT),
          cm.syntaxHighlighting(cm.defaultHighlightStyle, { fallback: true }), cm.python(),
          keymap.of([...cm.defaultKeymap, ...cm.historyKeymap]),
          EditorView.contentAttributes.of({ "aria-label": this.label, spellcheck: "false", autocapitalize: "off" }),
          EditorView.theme({
            "&": { fontSize: "0.75rem", border: "1px solid var(--md-default-fg-color--lightest, #ccc)", borderRadius: "2px" },
            "&.cm-focused": { outline: "2px solid var(--md-accent-fg-color, #526cfe)" },
            ".cm-scroller": { fontFamily: "var(--md-code-font-family, monospace)", lineHeight: "1.45", minHeight: "12rem", maxHeight: "32rem", overflow: "auto" },
          }),
        ],
      }),
    });
    this.textarea.hidden = true;
    this.textarea.after(this.view.dom);
    this.view.dom.dataset.editor = "codemirror";
    for (const label of this.textarea.labels || []) {
      label.addEventListener("click", (event) => { event.preventDefault(); this.view.focus(); });
    }
    if (focused) this.view.focus();
  }

  /** Keys in the plain textarea, the moments before the editor is there: Ctrl/Cmd + Enter runs, Tab indents. */
  plainKeys(event) {
    const area = this.textarea;
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      this.onRun();
    } else if (event.key === "Escape") {
      area.dataset.tabLeaves = "1";
    } else if (event.key === "Tab" && !event.shiftKey && !area.dataset.tabLeaves) {
      event.preventDefault();
      area.setRangeText(INDENT, area.selectionStart, area.selectionEnd, "end");
    } else {
      delete area.dataset.tabLeaves;
    }
  }
}
