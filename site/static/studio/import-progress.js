// A running import: poll its status and move the progress bar until it ends, then reload the
// page, which shows the report. The status address is the data-status-url of #import-progress.
(function () {
  const box = document.getElementById("import-progress");
  if (!box) return;
  const url = box.dataset.statusUrl;
  const bar = box.querySelector(".bg-primary-600");
  const label = box.querySelector("strong");

  function poll() {
    fetch(url, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((s) => {
        if (s.status !== "queued" && s.status !== "running") {
          window.location.reload();
          return;
        }
        if (bar) bar.style.width = Math.max(s.percent, 2) + "%";
        if (label) {
          label.textContent = s.rows_done
            ? s.rows_done.toLocaleString() + " / " + s.rows_total.toLocaleString() + " rows"
            : "Reading the file…";
        }
        setTimeout(poll, 1000);
      })
      .catch(() => setTimeout(poll, 3000));
  }
  setTimeout(poll, 700);
})();
