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
