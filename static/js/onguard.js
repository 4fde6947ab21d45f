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

    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }

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
