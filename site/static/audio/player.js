// The track player of the back office and the client portal (site/templates/audio/player.html).
//
// The page already works without this file: a plain <audio controls> plays the selected version
// and the comments are server-rendered HTML. This script draws the waveform from the peaks
// stored when the file was processed (wavesurfer is given peaks and duration, so the browser
// streams the audio and never decodes it), marks the comments on it, switches versions without
// losing the play position, compares two versions at the same loudness, and fills the comment
// form's time fields from the playhead or a range dragged on the waveform.

const root = document.querySelector("[data-player]");
const dataNode = document.getElementById("player-data");

// The page's own accent (the admin's primary colour, the portal's) when it sets --sp-progress.
const accent = root ? getComputedStyle(root).getPropertyValue("--sp-progress").trim() : "";

const COLOURS = {
  wave: "#94a3b8",
  progress: accent || "#4f46e5",
  cursor: "#1e1b4b",
  point: "rgba(234, 88, 12, 0.9)",
  range: "rgba(234, 88, 12, 0.18)",
  resolved: "rgba(100, 116, 139, 0.45)",
  selection: "rgba(79, 70, 229, 0.2)",
};

function clock(seconds) {
  const whole = Math.max(0, Math.floor(seconds || 0));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

// The gain that brings `lufs` down to `target` (both integrated loudness, LUFS).
export function levelGain(lufs, target) {
  if (lufs == null || target == null) return 1;
  return Math.min(1, Math.pow(10, (target - lufs) / 20));
}

function decibels(gain) {
  const db = 20 * Math.log10(gain);
  const text = Math.abs(db).toFixed(1);
  return db < -0.05 ? `\u2212${text} dB` : `0.0 dB`;
}

async function start() {
  const config = JSON.parse(dataNode.textContent);
  const versions = new Map(config.versions.map((v) => [v.id, v]));
  let current = versions.get(config.selected);
  const audio = root.querySelector("[data-player-audio]");
  const wave = root.querySelector("[data-player-wave]");
  if (!current || !audio || !wave) return;
  // Without stored peaks the waveform would have to be decoded here: keep the plain player.
  if (![...versions.values()].every((v) => v.peaks && v.peaks.length && v.duration)) return;

  const [{ default: WaveSurfer }, { default: RegionsPlugin }] = await Promise.all([
    import(root.dataset.wavesurfer),
    import(root.dataset.regions),
  ]);

  const regions = RegionsPlugin.create();
  const ws = WaveSurfer.create({
    container: wave,
    media: audio,
    url: current.url,
    peaks: current.peaks,
    duration: current.duration,
    normalize: false,
    height: 96,
    barWidth: 2,
    barGap: 1,
    barRadius: 1,
    waveColor: COLOURS.wave,
    progressColor: COLOURS.progress,
    cursorColor: COLOURS.cursor,
    cursorWidth: 2,
    dragToSeek: false,
    plugins: [regions],
  });

  const playButton = root.querySelector("[data-player-play]");
  const timeNode = root.querySelector("[data-player-now]");
  const totalNode = root.querySelector("[data-player-total]");
  const compareSelect = root.querySelector("[data-player-compare]");
  const abButton = root.querySelector("[data-player-ab]");
  const matchNode = root.querySelector("[data-player-match]");
  const atField = document.querySelector("[data-player-time]");
  const untilField = document.querySelector("[data-player-until]");
  const versionFields = document.querySelectorAll("[data-player-version-field]");
  const selectionNode = document.querySelector("[data-player-selection]");

  audio.controls = false;
  root.classList.add("sp-enhanced");
  for (const node of root.querySelectorAll("[data-player-js]")) node.hidden = false;

  // A/B: `compareWith` is the other version; both play level-matched to the quieter one.
  let compareWith = null;
  let selection = null; // {start, end} dragged on the waveform, for a range comment
  let typedTime = false; // the person typed a time: the playhead no longer overwrites it

  // A track with one version has no A/B controls, hence no matchNode: the level is still set.
  function applyLevel() {
    let gain = 1;
    let note = "";
    if (compareWith && current.lufs != null && compareWith.lufs != null) {
      const target = Math.min(current.lufs, compareWith.lufs);
      gain = levelGain(current.lufs, target);
      note = `level-matched: ${decibels(gain)}`;
    } else if (compareWith) {
      note = "no loudness measured: not level-matched";
    }
    if (matchNode) matchNode.textContent = note;
    ws.setVolume(gain);
  }

  function drawMarkers() {
    regions.clearRegions();
    selection = null;
    for (const comment of current.comments) {
      const colour = comment.resolved
        ? COLOURS.resolved
        : comment.until != null
          ? COLOURS.range
          : COLOURS.point;
      const region = regions.addRegion({
        id: `comment-${comment.id}`,
        start: comment.at,
        end: comment.until != null ? comment.until : undefined,
        color: colour,
        drag: false,
        resize: false,
        content: comment.author,
      });
      region.element?.setAttribute("title", `${comment.at_clock} ${comment.author}: ${comment.body}`);
    }
  }

  function showThread() {
    for (const node of document.querySelectorAll("[data-player-comments-for]")) {
      node.hidden = Number(node.dataset.playerCommentsFor) !== current.id;
    }
    for (const node of root.querySelectorAll("[data-player-select]")) {
      const on = Number(node.dataset.playerSelect) === current.id;
      node.setAttribute("aria-current", on ? "true" : "false");
      node.classList.toggle("sp-on", on);
    }
    for (const field of versionFields) field.value = current.id;
    totalNode.textContent = clock(current.duration);
    if (compareSelect) {
      for (const option of compareSelect.options) {
        option.disabled = Number(option.value) === current.id;
      }
    }
  }

  function fillTime(seconds) {
    if (atField && !typedTime && !selection) atField.value = seconds.toFixed(1);
  }

  // Switch to another version at the same point of the song, still playing if it was.
  async function select(id, { keepCompare = false } = {}) {
    const next = versions.get(id);
    if (!next || next === current) return;
    const at = ws.getCurrentTime();
    const playing = ws.isPlaying();
    const previous = current;
    current = next;
    // A reply belongs to a comment of the version it was started on.
    const parentField = document.querySelector("[data-player-parent-field]");
    if (parentField && parentField.value) {
      parentField.value = "";
      const replying = document.querySelector("[data-player-replying]");
      if (replying) replying.hidden = true;
    }
    if (!keepCompare && compareWith === next) compareWith = previous;
    await ws.load(next.url, next.peaks, next.duration);
    ws.setTime(Math.min(at, next.duration));
    drawMarkers();
    showThread();
    applyLevel();
    if (playing) ws.play();
    const url = new URL(window.location.href);
    url.searchParams.set("version", String(next.id));
    window.history.replaceState(null, "", url);
  }

  ws.on("timeupdate", (seconds) => {
    timeNode.textContent = clock(seconds);
    fillTime(seconds);
  });
  ws.on("play", () => {
    playButton.textContent = "Pause";
    playButton.setAttribute("aria-label", "Pause");
  });
  ws.on("pause", () => {
    playButton.textContent = "Play";
    playButton.setAttribute("aria-label", "Play");
  });
  playButton.addEventListener("click", () => ws.playPause());

  regions.on("region-clicked", (region, event) => {
    event.stopPropagation();
    ws.setTime(region.start);
  });
  // Dragging across the waveform selects a range for the next comment.
  regions.enableDragSelection({ color: COLOURS.selection });
  regions.on("region-created", (region) => {
    if (String(region.id).startsWith("comment-")) return;
    for (const other of regions.getRegions()) {
      if (other !== region && !String(other.id).startsWith("comment-")) other.remove();
    }
    selection = region;
    showSelection();
  });
  regions.on("region-updated", (region) => {
    if (region === selection) showSelection();
  });

  function showSelection() {
    if (!selection) return;
    if (atField) atField.value = selection.start.toFixed(1);
    if (untilField) untilField.value = selection.end.toFixed(1);
    if (selectionNode) {
      selectionNode.textContent = `Range ${clock(selection.start)}\u2013${clock(selection.end)}`;
    }
  }

  atField?.addEventListener("input", () => {
    typedTime = atField.value !== "";
  });
  untilField?.addEventListener("input", () => {
    if (untilField.value === "" && selection) {
      selection.remove();
      selection = null;
      if (selectionNode) selectionNode.textContent = "";
    }
  });
  // After a comment is sent the page reloads; a reset form goes back to following the playhead.
  atField?.form?.addEventListener("reset", () => {
    typedTime = false;
    selection?.remove();
    selection = null;
  });

  for (const node of root.querySelectorAll("[data-player-select]")) {
    node.addEventListener("click", (event) => {
      event.preventDefault();
      select(Number(node.dataset.playerSelect));
    });
  }

  // Any link with data-player-seek (a comment's time, in the thread) seeks, on its version.
  document.addEventListener("click", async (event) => {
    const link = event.target.closest("[data-player-seek]");
    if (!link) return;
    event.preventDefault();
    const version = Number(link.dataset.playerSeekVersion || current.id);
    if (version !== current.id) await select(version);
    ws.setTime(Number(link.dataset.playerSeek));
    wave.scrollIntoView({ block: "nearest", behavior: "smooth" });
  });

  if (compareSelect && abButton) {
    compareSelect.addEventListener("change", () => {
      compareWith = versions.get(Number(compareSelect.value)) || null;
      abButton.disabled = !compareWith;
      applyLevel();
    });
    abButton.addEventListener("click", () => {
      if (!compareWith) return;
      const other = compareWith;
      compareWith = current;
      compareSelect.value = String(compareWith.id);
      abButton.textContent = `A/B: hearing ${other.name}`;
      select(other.id, { keepCompare: true });
    });
  }

  // Keyboard: space plays and pauses, arrows step 5 s (with Shift, 1 s); not while typing,
  // and a focused button or link keeps its own space bar.
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === " " && target.closest("button, a, summary")) return;
    if (event.key === " ") {
      event.preventDefault();
      ws.playPause();
    } else if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      const step = (event.shiftKey ? 1 : 5) * (event.key === "ArrowLeft" ? -1 : 1);
      ws.setTime(Math.max(0, Math.min(current.duration, ws.getCurrentTime() + step)));
    }
  });

  const startAt = Number(new URL(window.location.href).searchParams.get("t"));
  ws.once("ready", () => {
    if (startAt > 0) ws.setTime(Math.min(startAt, current.duration));
    drawMarkers();
    root.dataset.playerReady = "true";
  });
  showThread();
  applyLevel();
}

// "Reply" under a comment turns the page's comment form into a reply to it, without leaving
// the page (the link itself opens the page on that reply when this script does not run).
function replyLinks() {
  const parentField = document.querySelector("[data-player-parent-field]");
  const replying = document.querySelector("[data-player-replying]");
  if (!parentField || !replying) return;
  const label = replying.querySelector("[data-player-replying-label]");
  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-player-reply], [data-player-reply-cancel]");
    if (!link) return;
    event.preventDefault();
    const form = parentField.form;
    if (link.hasAttribute("data-player-reply-cancel")) {
      parentField.value = "";
      replying.hidden = true;
    } else {
      parentField.value = link.dataset.playerReply;
      for (const field of form.querySelectorAll("[data-player-version-field]")) {
        field.value = link.dataset.playerReplyVersion;
      }
      if (label) label.textContent = link.dataset.playerReplyLabel || "";
      replying.hidden = false;
    }
    form.scrollIntoView({ block: "nearest", behavior: "smooth" });
    form.querySelector("textarea")?.focus();
  });
}

replyLinks();

if (root && dataNode) {
  start().catch((error) => {
    // The plain <audio> is still there and still plays.
    root.classList.remove("sp-enhanced");
    for (const node of root.querySelectorAll("[data-player-js]")) node.hidden = true;
    const audio = root.querySelector("[data-player-audio]");
    if (audio) audio.controls = true;
    console.error("The waveform player could not start:", error);
  });
}
