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

    // Practice conversations: the new turn has `autofocus`; this covers browsers that ignore it
    // on a non-form element, so a screen reader reads the reply first.
    var turn = document.querySelector("[data-focus-on-load]");
    if (turn && document.activeElement !== turn && !summary) { turn.focus(); }

    // A second click while a choice is on its way sends nothing more (the server would ignore
    // the repeat anyway). Coming Back to the page re-arms the form.
    var forms = document.querySelectorAll("form[data-submit-once]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-sent")) { event.preventDefault(); }
        form.setAttribute("data-sent", "1");
      });
    });
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) { return; }
      Array.prototype.forEach.call(forms, function (form) { form.removeAttribute("data-sent"); });
    });
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
