// Presenter view: arrow keys, space, Page Up/Down move between screens. Without this script the
// Previous/Next links do the same.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var nav = document.querySelector("[data-presenter]");
    if (!nav || event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON|A)$/.test(target.tagName))) return;
    var url = null;
    if (event.key === "ArrowRight" || event.key === "PageDown" || (event.key === " " && !event.shiftKey)) {
      url = nav.getAttribute("data-next");
    } else if (event.key === "ArrowLeft" || event.key === "PageUp" || (event.key === " " && event.shiftKey)) {
      url = nav.getAttribute("data-previous");
    }
    if (url) {
      event.preventDefault();
      window.location.assign(url);
    }
  });
})();
