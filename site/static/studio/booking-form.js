// The booking form. Its "Price" line: as the room or the times change, ask the server what the
// pricing service charges for them (the same code that prices the saved session) and show it.
// The admin loads this in the page's head: wait for the form to exist.
document.addEventListener("DOMContentLoaded", function () {
  const line = document.querySelector("[data-price-quote]");
  const form = line && line.closest("form");
  if (!form) return;
  const idle = line.textContent;
  let timer = null;
  let asked = 0;
  let lastQuery = null;

  // A date-time as the form holds it: split into a date and a time input, or a single one.
  function moment(name) {
    const whole = form.querySelector(`[name='${name}']`);
    if (whole) return whole.value.trim();
    const date = form.querySelector(`[name='${name}_0']`)?.value.trim() || "";
    const time = form.querySelector(`[name='${name}_1']`)?.value.trim() || "";
    return date && time ? `${date} ${time}` : "";
  }

  function show(text, isError) {
    line.textContent = text;
    line.classList.toggle("text-red-600", Boolean(isError));
  }

  function refresh() {
    const room = form.querySelector("[name='room']")?.value || "";
    const start = moment("start");
    const end = moment("end");
    if (!room || !start || !end) {
      lastQuery = null;
      show(idle, false);
      return;
    }
    const query = new URLSearchParams({ room, start, end }).toString();
    if (query === lastQuery) return;
    lastQuery = query;
    const ticket = ++asked;
    fetch(line.dataset.url + "?" + query, {
      headers: { Accept: "application/json" },
    })
      .then((response) => response.json())
      .then((data) => {
        if (ticket !== asked) return; // an older answer arriving after a newer question
        if (data.error) show(data.error, true);
        else show(`${data.display} · ${data.room}`, false);
      })
      .catch(() => {});
  }

  function soon(delay) {
    clearTimeout(timer);
    timer = setTimeout(refresh, delay);
  }

  form.addEventListener("input", (event) => {
    if (/^(room|start|end)/.test(event.target.name || "")) soon(300);
  });
  form.addEventListener("change", (event) => {
    if (/^(room|start|end)/.test(event.target.name || "")) soon(50);
  });
  // The admin's date and time pickers ("Today", "Now", a day in the calendar box) set the
  // inputs without an event, and their boxes stop clicks from bubbling: look again after any
  // click, caught on its way down; an unchanged question is not sent again.
  document.addEventListener("click", () => soon(100), true);
  // The calendar opens the form with a room and times already filled in.
  refresh();
});
