// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector("[data-menu-toggle]");
  const sidebar = document.getElementById("sidebar");
  if (toggle && sidebar) {
    toggle.addEventListener("click", () => {
      const open = sidebar.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }
  const token = document.querySelector("[data-new-token]");
  if (token) {
    const range = document.createRange();
    range.selectNodeContents(token);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
  }
});
