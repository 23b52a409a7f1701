// The splits editor on a track's page: the total of each right as the shares are typed, and a
// button for more rows. The service judges the shares when they are saved; this only shows
// early what it will say about the total.
(() => {
  const parse = (text) => {
    const value = Number(String(text).trim().replace(/%$/, "").replace(",", "."));
    return Number.isFinite(value) ? value : NaN;
  };

  for (const form of document.querySelectorAll("[data-splits]")) {
    const rows = form.querySelector("[data-splits-rows]");
    const total = form.querySelector("[data-splits-total]");
    const add = form.querySelector("[data-splits-add]");

    const update = () => {
      let sum = 0;
      let filled = 0;
      let bad = false;
      for (const input of form.querySelectorAll("[data-splits-percent]")) {
        if (input.value.trim() === "") continue;
        const value = parse(input.value);
        filled += 1;
        if (Number.isNaN(value)) bad = true;
        else sum += value;
      }
      // Hundredths, as the shares are stored: 33.33 + 33.33 + 33.34 is exactly 100.
      const cents = Math.round(sum * 100);
      total.textContent = bad ? "not a number" : `${(cents / 100).toFixed(2)} %`;
      const complete = !bad && (filled === 0 || cents === 10000);
      total.classList.toggle("tp-ok", complete);
      total.classList.toggle("tp-error", !complete);
    };

    form.addEventListener("input", update);
    if (add) {
      add.hidden = false;
      add.addEventListener("click", () => {
        const last = rows.querySelector("tr:last-child");
        const copy = last.cloneNode(true);
        for (const input of copy.querySelectorAll("input")) input.value = "";
        rows.appendChild(copy);
        copy.querySelector("input")?.focus();
      });
    }
    update();
  }
})();
