// Accessibility fixes for widgets Django and Unfold draw on every admin page.
//
// Django's select2 search boxes (autocomplete fields such as an invoice's client) are named by
// their own contents, which are empty until something is chosen, so a screen reader announces
// a nameless field. Name each box by its field's label as well, once select2 has drawn it:
// select2 starts in jQuery's ready handlers, so this runs as the last of them.
function nameSelect2Boxes() {
  document.querySelectorAll("select.select2-hidden-accessible").forEach((select) => {
    const label = document.querySelector(`label[for='${select.id}']`);
    const drawn = select.nextElementSibling;
    if (!label || !drawn || !drawn.classList.contains("select2")) return;
    label.id = label.id || `${select.id}_label`;
    [
      drawn.querySelector(".select2-selection"),
      document.getElementById(`select2-${select.id}-container`),
      drawn.querySelector(".select2-search__field"),
    ].forEach((box) => {
      if (!box) return;
      const named = box.getAttribute("aria-labelledby") || "";
      if (!named.split(" ").includes(label.id)) {
        box.setAttribute("aria-labelledby", `${label.id} ${named}`.trim());
      }
    });
  });
}

// Django's two-list picker (a role's permissions) puts aria-label on a plain <span> icon, where
// it is not allowed; as an image it may carry one. The picker is drawn on "load".
function nameFilterIcons() {
  document.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach((icon) => {
    icon.setAttribute("role", "img");
  });
}

// Registered once the page's scripts have registered theirs, so these run after them.
document.addEventListener("DOMContentLoaded", () => {
  const jQuery = window.django && window.django.jQuery;
  if (jQuery) jQuery(nameSelect2Boxes);
  else nameSelect2Boxes();
  window.addEventListener("load", nameFilterIcons);
});
