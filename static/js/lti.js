// Pages inside an LMS's frame (templates/lti/): a form marked data-auto-submit (the deep-linking
// answer) goes on by itself; without JavaScript its button does the same.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-auto-submit]").forEach((form) => form.submit());
});
