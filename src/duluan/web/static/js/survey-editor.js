// The questionnaire editor (surveys/editor*.html). The server does the editing; this only makes
// it pleasant: a refused action (400) still replaces the editor, so its message shows beside the
// question, and Enter in a field presses the button of that field's part of the editor (without
// JavaScript, Enter does nothing, so that it never triggers another question's button).
(() => {
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (target && target.id === "survey-editor" && event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("keydown", (event) => {
    const field = event.target;
    if (event.key !== "Enter" || !(field instanceof HTMLInputElement)) return;
    const part = field.closest("[data-enter]");
    if (!part || !field.closest("#survey-editor")) return;
    const button = part.querySelector(`button[name="op"][value="${CSS.escape(part.dataset.enter)}"]`);
    if (!button) return;
    event.preventDefault();
    button.click();
  });
})();
