// Live totals on a draft quote or invoice: post the line rows as typed to the server, which
// computes them with the same code that issues the document, and show the result.
// The admin loads this in the page's head: wait for the form to exist.
document.addEventListener("DOMContentLoaded", function () {
  const panel = document.querySelector("[data-live-totals]");
  const form = document.querySelector("form[id$='_form']");
  if (!panel || !form) return;
  const fields = ["quantity", "unit_price", "discount_percent", "tax_rate"];
  let timer = null;

  function lines() {
    const rows = {};
    form.querySelectorAll("input[name*='-lines-'], input[name^='lines-']").forEach((input) => {
      const match = input.name.match(/^(.*-)(\d+)-(\w+)$/);
      if (!match || !fields.includes(match[3])) return;
      const key = match[1] + match[2];
      const deleted = form.querySelector(`input[name='${key}-DELETE']`);
      if (deleted && deleted.checked) return;
      rows[key] = rows[key] || {};
      rows[key][match[3]] = input.value;
    });
    return Object.values(rows);
  }

  function show(data) {
    const body = panel.querySelector("[data-totals-rows]");
    const error = panel.querySelector("[data-totals-error]");
    if (data.error) {
      error.textContent = data.error;
      error.classList.remove("hidden");
      return;
    }
    error.classList.add("hidden");
    body.replaceChildren(
      ...data.rows.map((row) => {
        const tr = document.createElement("tr");
        if (row.strong) tr.className = "font-semibold text-base border-t border-base-200";
        const label = document.createElement("td");
        label.className = "py-1 pr-6";
        label.textContent = row.label;
        const value = document.createElement("td");
        value.className = "py-1 text-right tabular-nums";
        value.textContent = row.value;
        tr.append(label, value);
        return tr;
      })
    );
  }

  function refresh() {
    const currency = form.querySelector("[name='currency']")?.value || "EUR";
    const token = form.querySelector("[name='csrfmiddlewaretoken']").value;
    fetch(panel.dataset.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ currency, lines: lines() }),
    })
      .then((response) => response.json())
      .then(show)
      .catch(() => {});
  }

  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  form.addEventListener("change", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 50);
  });
});
