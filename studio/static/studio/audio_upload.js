// The back office's audio uploader: one or many files (a whole album's stems), each sent in
// chunks with Content-Range. After a network cut it asks the server how much arrived and
// carries on from there; once the last chunk is in, it follows the processing until the
// version is ready. Everything it needs is on its element's data-* attributes:
//   data-start-url   POST here to open an upload (JSON)
//   data-track       the track's id
//   data-kind        the default kind (mix, stem, master, rough)
(function () {
  "use strict";

  const RETRY_DELAYS = [1000, 2000, 5000, 10000, 20000, 30000];

  function csrfToken(root) {
    const field = root.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function sizeText(bytes) {
    const units = ["bytes", "KB", "MB", "GB"];
    let value = bytes, unit = 0;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
    return (unit ? value.toFixed(1) : String(value)) + " " + units[unit];
  }

  class Refused extends Error {}

  async function asJson(response) {
    let data = {};
    try { data = await response.json(); } catch (error) { data = {}; }
    if (!response.ok && response.status !== 409) {
      // A refusal (4xx) is final: retrying would get the same answer.
      const message = data.error || ("The server answered " + response.status + ".");
      if (response.status < 500) throw new Refused(message);
      throw new Error(message);
    }
    return Object.assign({ status_code: response.status }, data);
  }

  function row(list, file) {
    const item = document.createElement("li");
    item.className = "audio-upload-item";
    const name = document.createElement("span");
    name.className = "audio-upload-name";
    name.textContent = file.name + " (" + sizeText(file.size) + ")";
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    const note = document.createElement("span");
    note.className = "audio-upload-note";
    note.setAttribute("role", "status");
    item.append(name, bar, note);
    list.append(item);
    return {
      item: item,
      show: function (percent, text) {
        bar.value = percent;
        note.textContent = text;
      },
      fail: function (text) {
        item.classList.add("audio-upload-failed");
        note.textContent = text;
      },
    };
  }

  async function withRetries(work, view, what) {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await work();
      } catch (error) {
        if (error instanceof Refused || attempt >= RETRY_DELAYS.length) throw error;
        const wait = RETRY_DELAYS[attempt];
        view.show(view.percent || 0, what + ": connection lost, retrying in " + wait / 1000 + " s…");
        await sleep(wait);
      }
    }
  }

  async function sendFile(root, file, view) {
    const headers = { "X-CSRFToken": csrfToken(root), "X-Requested-With": "fetch" };
    const kind = root.querySelector("[name=audio_kind]");
    const label = root.querySelector("[name=audio_label]");
    const started = await withRetries(function () {
      return fetch(root.dataset.startUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: Object.assign({ "Content-Type": "application/json" }, headers),
        body: JSON.stringify({
          track: root.dataset.track,
          filename: file.name,
          size: file.size,
          kind: kind ? kind.value : root.dataset.kind || "mix",
          label: label ? label.value : "",
        }),
      }).then(asJson);
    }, view, "Starting");
    const chunk = started.chunk_size;
    let state = started;
    let received = started.received;
    while (received < file.size) {
      const end = Math.min(received + chunk, file.size);
      state = await withRetries(async function () {
        let answer;
        try {
          answer = await fetch(started.url, {
            method: "PUT",
            credentials: "same-origin",
            headers: Object.assign({
              "Content-Type": "application/octet-stream",
              "Content-Range": "bytes " + received + "-" + (end - 1) + "/" + file.size,
            }, headers),
            body: file.slice(received, end),
          }).then(asJson);
        } catch (error) {
          if (error instanceof Refused) throw error;
          // Where did the server get to? Resume from there, not from our guess.
          const where = await fetch(started.url, { credentials: "same-origin" }).then(asJson);
          received = where.received;
          throw error;
        }
        return answer;
      }, view, "Uploading");
      // 409: another chunk was expected; the answer says which byte to send next.
      received = state.received;
      view.percent = Math.floor((received / file.size) * 100);
      view.show(view.percent, "Uploading " + sizeText(received) + " of " + sizeText(file.size));
    }
    if (!state.version_url) {
      state = await fetch(started.url, { credentials: "same-origin" }).then(asJson);
    }
    return state;
  }

  async function followProcessing(state, view) {
    let status = state;
    while (status.status === "processing") {
      view.show(status.progress || 0, (status.version || "") + " uploaded — processing " + (status.progress || 0) + " %");
      await sleep(1500);
      status = await fetch(state.version_url, { credentials: "same-origin" }).then(asJson);
    }
    if (status.status === "ready") {
      view.show(100, (status.version || "") + " is ready.");
      return true;
    }
    view.fail(status.error || "This file could not be processed.");
    return false;
  }

  async function uploadAll(root, files) {
    const list = root.querySelector(".audio-upload-list");
    const views = Array.from(files).map(function (file) { return row(list, file); });
    let ready = 0;
    // One file at a time: a slow link shares its bandwidth with nobody, and stems of a whole
    // album arrive in order.
    for (let index = 0; index < files.length; index += 1) {
      const view = views[index];
      try {
        const state = await sendFile(root, files[index], view);
        if (await followProcessing(state, view)) ready += 1;
      } catch (error) {
        view.fail(error.message);
      }
    }
    // The player above was drawn before these versions existed: offer the page again.
    if (ready) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = window.location.pathname + window.location.search;
      link.className = "text-primary-600 underline";
      link.setAttribute("data-audio-upload-reload", "");
      link.textContent = ready === 1 ? "Reload the page to play it" : "Reload the page to play them";
      item.appendChild(link);
      list.appendChild(item);
    }
    root.dispatchEvent(new CustomEvent("audio-uploaded", { bubbles: true, detail: { ready: ready } }));
  }

  function init(root) {
    const input = root.querySelector("input[type=file]");
    const button = root.querySelector("[data-audio-upload-go]");
    const go = function () {
      if (input.files.length) uploadAll(root, input.files).then(function () { input.value = ""; });
    };
    if (button) button.addEventListener("click", go);
    else input.addEventListener("change", go);
    root.addEventListener("dragover", function (event) { event.preventDefault(); });
    root.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer.files.length) uploadAll(root, event.dataTransfer.files);
    });
  }

  function initAll() {
    document.querySelectorAll("[data-audio-upload]:not([data-audio-upload-ready])").forEach(function (root) {
      root.setAttribute("data-audio-upload-ready", "");
      init(root);
    });
  }
  // Deferred, or added to a page already loaded (a panel drawn after the fact): both work.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
  else initAll();
})();
