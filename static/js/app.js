// Small progressive enhancements; every page works without this file.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-toggle-nav]");
  if (toggle) {
    const nav = document.getElementById(toggle.getAttribute("aria-controls"));
    const open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
  const confirmEl = event.target.closest("[data-confirm]");
  if (confirmEl && !window.confirm(confirmEl.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
// Forms: one submit only (slow connections invite double clicks).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.submitted === "1") { event.preventDefault(); return; }
  form.dataset.submitted = "1";
  form.querySelectorAll("button[type=submit], input[type=submit]").forEach((b) => { b.setAttribute("aria-busy", "true"); });
  setTimeout(() => { form.dataset.submitted = ""; }, 8000);
});
// Filters that apply on change (data-autosubmit): the CSP forbids inline handlers such as onchange=.
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) {
    if (field.form.requestSubmit) { field.form.requestSubmit(); } else { field.form.submit(); }
  }
});
