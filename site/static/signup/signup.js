// Sign-up form: suggest the sub-domain from the studio's name, check it as it is typed, and
// show what is happening while the studio is created (about a second).
(function () {
  const form = document.getElementById("signup-form");
  if (!form) return;
  const name = form.querySelector("#id_studio_name");
  const slug = form.querySelector("#id_slug");
  const status = document.getElementById("slug-status");
  let edited = slug.value !== "";
  let timer = null;

  function slugify(text) {
    return text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40);
  }

  function check() {
    if (!slug.value) return;
    const url = `${form.dataset.checkUrl}?slug=${encodeURIComponent(slug.value)}`;
    fetch(url)
      .then((r) => r.json())
      .then((data) => {
        status.textContent = data.message;
        status.className = "signup-hint " + (data.available ? "is-ok" : "is-bad");
      })
      .catch(() => {});
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  }

  name.addEventListener("input", () => {
    if (!edited) {
      slug.value = slugify(name.value);
      later();
    }
  });
  slug.addEventListener("input", () => {
    edited = true;
    later();
  });

  form.querySelectorAll("[data-plan-choice]").forEach((radio) => {
    radio.addEventListener("change", () => {
      form.querySelector("input[name=plan]").value = radio.value;
      form.querySelectorAll(".signup-plan").forEach((card) => card.classList.remove("is-chosen"));
      radio.closest(".signup-plan").classList.add("is-chosen");
    });
  });

  form.addEventListener("submit", () => {
    const progress = form.querySelector(".signup-progress");
    progress.querySelector("[data-progress-name]").textContent = name.value || "your studio";
    progress.hidden = false;
    form.querySelector(".signup-submit").disabled = true;
    const steps = [...progress.querySelectorAll("[data-step]")];
    steps.forEach((step, i) => setTimeout(() => step.classList.add("is-done"), 250 * (i + 1)));
  });

  if (slug.value) check();
})();
