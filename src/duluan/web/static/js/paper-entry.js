// Keyboard-first paper entry: Enter moves to the next answer (as on a data-entry terminal),
// Ctrl+Enter saves the questionnaire; after a save the page comes back with the number field
// focused for the next one.
(function () {
  "use strict";
  const form = document.querySelector("[data-paper-entry]");
  if (!form) return;
  const fields = () => Array.from(form.querySelectorAll("input:not([type=hidden])"));
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.target.tagName !== "INPUT") return;
    if (event.ctrlKey || event.metaKey) return; // the browser submits the form
    event.preventDefault();
    const all = fields();
    const next = all[all.indexOf(event.target) + 1];
    if (next) next.focus();
    else form.requestSubmit();
  });
  const invalid = form.querySelector("[aria-invalid=true]");
  if (invalid) invalid.focus();
})();
