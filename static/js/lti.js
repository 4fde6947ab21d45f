// Pages inside an LMS's frame (templates/lti/), under the site's strict CSP (no inline script):
// - form[data-auto-submit] (the deep-linking answer) goes on by itself; without JavaScript its
//   button does the same;
// - [data-lti-close] (dynamic registration done) tells the LMS it may close the page;
// - [data-lti-put] (login initiation) and [data-lti-check] (launch) use the LMS's client-side
//   storage (1EdTech "LTI Client Side postMessage Storage") when the browser kept no cookie: the
//   login puts the state there, and the launch page shows its content only once it finds it.
(() => {
  const ask = (target, origin, message) =>
    new Promise((resolve, reject) => {
      const id = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const timer = setTimeout(() => reject(new Error("no answer")), 3000);
      window.addEventListener("message", function answer(event) {
        if (event.origin !== origin || !event.data || event.data.message_id !== id) return;
        window.removeEventListener("message", answer);
        clearTimeout(timer);
        if (event.data.error) reject(new Error(event.data.error.code || "error"));
        else resolve(event.data);
      });
      const frame = target === "_parent" ? window.parent : window.parent.frames[target];
      if (!frame) {
        clearTimeout(timer);
        reject(new Error("no storage frame"));
        return;
      }
      frame.postMessage({ ...message, message_id: id }, origin);
    });

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-auto-submit]").forEach((form) => form.submit());
    if (document.querySelector("[data-lti-close]")) {
      (window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");
    }
    const put = document.querySelector("[data-lti-put]");
    if (put) {
      const { target, origin, key, value, next } = put.dataset;
      // Whether or not the LMS kept it, go on: the state cookie may be enough.
      ask(target, origin, { subject: "lti.put_data", key, value })
        .catch(() => null)
        .then(() => window.location.assign(next));
    }
    const check = document.querySelector("[data-lti-check]");
    if (check) {
      const { target, origin, key, value } = check.dataset;
      const status = check.querySelector("[data-lti-check-status]");
      ask(target, origin, { subject: "lti.get_data", key })
        .then((answer) => {
          if (answer.value !== value) throw new Error("mismatch");
          check.querySelector("[data-lti-checked]").hidden = false;
          status.hidden = true;
        })
        .catch(() => {
          check.querySelector("[data-lti-check-failed]").hidden = false;
          status.hidden = true;
        });
    }
  });
})();
