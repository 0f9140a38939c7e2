// Material asks for the search index (search/search_index.json, about 250 kB gzipped for this book) as soon as a
// page opens. Hold that one request until the reader turns to search: a press or focus on the search box or its
// button, or a link that carries a search (?q=, ?h=). Material does the same by itself only for file:// pages.
(() => {
  const INDEX = /(^|\/)search\/search_index\.json$/;
  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  let wanted = /[?&][qh]=/.test(location.search);
  let held = [];
  const want = () => {
    if (wanted) return;
    wanted = true;
    held.forEach((go) => go());
    held = [];
  };
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.bookSearchIndex = INDEX.test(new URL(String(url), location.href).pathname);
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...args) {
    if (this.bookSearchIndex && !wanted) {
      held.push(() => send.apply(this, args));
      return;
    }
    return send.apply(this, args);
  };
  const onSearch = (event) => {
    const target = event.target;
    if (target instanceof Element && (target.closest(".md-search") || target.closest('label[for="__search"]') ||
        target.id === "__search")) want();
  };
  for (const type of ["pointerdown", "focusin", "change"]) document.addEventListener(type, onSearch, true);
})();
