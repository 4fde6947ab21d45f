// The report-readiness checklist: progressive enhancement only (the page works without it).
// This script makes no network request and stores nothing: no fetch, XHR, beacon, cookie,
// localStorage or sessionStorage. The page's CSP (connect-src 'none') forbids requests anyway.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("report-checklist");
    if (!root) { return; }
    var notes = root.querySelectorAll("textarea[data-note]");
    var boxes = root.querySelectorAll("input[type=checkbox]");

    // Print what was typed in full, however long: a copy of each note that only print shows.
    function copy(field) {
      var target = document.getElementById(field.id + "-copy");
      if (target) { target.textContent = field.value; }
    }
    Array.prototype.forEach.call(notes, function (field) {
      field.addEventListener("input", function () { copy(field); });
      copy(field);
    });
    window.addEventListener("beforeprint", function () { Array.prototype.forEach.call(notes, copy); });
    root.classList.add("checklist-enhanced");

    // Leaving clears the notes, so a Back press on a shared device (or the browser's
    // back-forward cache) cannot show them to someone else. The report links open in a new tab.
    window.addEventListener("pagehide", function () {
      Array.prototype.forEach.call(notes, function (field) { field.value = ""; copy(field); });
      Array.prototype.forEach.call(boxes, function (box) { box.checked = false; });
    });
  });
})();
