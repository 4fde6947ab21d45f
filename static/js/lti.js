// Pages inside an LMS's frame (templates/lti/): a form marked data-auto-submit (the deep-linking
// answer) goes on by itself, and without JavaScript its button does the same; a page holding
// data-lti-close (dynamic registration done) tells the LMS it may close it (LTI Dynamic
// Registration's "org.imsglobal.lti.close" message).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-auto-submit]").forEach((form) => form.submit());
  if (document.querySelector("[data-lti-close]")) {
    (window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");
  }
});
