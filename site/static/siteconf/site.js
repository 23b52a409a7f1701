// The marketing site and the studio pages. Loaded in <head>, without defer: the "js" class must
// be on <html> before the first paint, or the menu would flash open on small screens.
document.documentElement.className = "js";

document.addEventListener("DOMContentLoaded", function () {
  const button = document.querySelector("[data-nav-toggle]");
  const bar = document.querySelector("[data-topbar]");
  if (!button || !bar) return;
  button.addEventListener("click", function () {
    const open = bar.classList.toggle("is-open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
});
