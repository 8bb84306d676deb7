// After a refused submit the page comes back with an error summary: focus it, so that a screen reader announces the
// problems first and the links lead to each field (docs/accessibility.md).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});
