// Progressive enhancement only: every feature works without this script.
(function () {
  "use strict";

  // Quick exit: replace this page in history so Back does not return to it.
  function exitNow(event) {
    var link = document.getElementById("quick-exit");
    var url = (link && link.getAttribute("data-exit-url")) || "https://www.weather.gov/";
    if (event) { event.preventDefault(); }
    document.body.classList.add("d-none");
    document.title = "";
    window.location.replace(url);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var link = document.getElementById("quick-exit");
    if (link) { link.addEventListener("click", exitNow); }

    // A form without an action posts to this URL, fragment included: after the skip link
    // (#main) the reloaded page would jump to <main> and take focus from the error summary, and
    // the fragment would follow onto the next page (B1). Post to the URL without it.
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form && form.tagName === "FORM" && !form.getAttribute("action") && window.location.hash) {
        form.setAttribute("action", window.location.pathname + window.location.search);
      }
    }, true);

    // Buttons that need JavaScript are hidden without it: "Copy the link", "Print".
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
      var field = document.getElementById(button.getAttribute("data-copy"));
      if (!field || !navigator.clipboard) { return; }
      button.classList.remove("d-none");
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(function () {
          var status = document.getElementById("copy-status");
          if (status) { status.textContent = button.getAttribute("data-copied"); }
          button.textContent = button.getAttribute("data-copied");
        }, function () { field.select(); });
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.classList.remove("d-none");
      button.addEventListener("click", function () { window.print(); });
    });

    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
      // A page opened with a fragment moves focus again on load: keep it on the summary.
      window.addEventListener("load", function () { summary.focus(); });
    }
  });

  // Pressing Shift three times within two seconds exits (GOV.UK "Exit this page" pattern).
  var presses = [];
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { presses = []; return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 2000; });
    presses.push(now);
    if (presses.length >= 3) { exitNow(); }
  });
})();
