// The back office calendar: FullCalendar over the sessions feed, drag and resize through the
// move endpoint. Its settings are data-* attributes of #calendar (read as plain strings), so no
// data ever sits inside a script and the page needs no inline script.
(function () {
  const element = document.getElementById("calendar");
  const config = element.dataset;
  const canMove = config.canMove === "true";
  const canAdd = config.canAdd === "true";
  const errorBox = document.getElementById("calendar-error");
  const roomFilter = document.getElementById("room-filter");
  const csrf = document.cookie
    .split("; ")
    .find((c) => c.startsWith("csrftoken="))
    ?.split("=")[1];
  const withId = (url, id) => url.replace("/0/", "/" + encodeURIComponent(id) + "/");
  const wallClock = (date) => date.toISOString().slice(0, 19);

  function showError(message) {
    errorBox.textContent = message;
    errorBox.style.display = message ? "block" : "none";
  }

  // Names are data a client or a front desk typed: drawn as text, never parsed as HTML.
  function eventContent(arg) {
    const line = (tag, text) => {
      const el = document.createElement(tag);
      el.textContent = text || "";
      return el;
    };
    const engineers = arg.event.extendedProps.engineers;
    return { domNodes: [line("b", arg.timeText), line("div", arg.event.title), line("div", engineers)] };
  }

  const calendar = new FullCalendar.Calendar(element, {
    initialView: "timeGridWeek",
    headerToolbar: { left: "prev,next today", center: "title", right: "timeGridWeek,timeGridDay,dayGridMonth" },
    firstDay: 1,
    nowIndicator: true,
    eventTimeFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    slotLabelFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    slotMinTime: "08:00:00",
    slotMaxTime: "24:00:00",
    height: "auto",
    // Times are the studio's wall-clock values; UTC mode shows them as they are.
    timeZone: "UTC",
    now: config.now,
    editable: canMove,
    eventDurationEditable: canMove,
    events: function (info, success, failure) {
      const params = new URLSearchParams({ start: wallClock(info.start), end: wallClock(info.end), room: roomFilter.value });
      fetch(config.feedUrl + "?" + params)
        .then((r) => r.json())
        .then(success)
        .catch(failure);
    },
    eventContent: eventContent,
    // Drawing a slot opens the booking form for it (in the room filtered on, if any).
    selectable: canAdd,
    selectMirror: true,
    select: function (info) {
      const params = new URLSearchParams({ start: wallClock(info.start), end: wallClock(info.end) });
      if (roomFilter.value) params.set("room", roomFilter.value);
      window.location = config.addUrl + "?" + params;
    },
    eventClick: function (info) {
      window.location = withId(config.changeUrl, info.event.id);
    },
    eventChange: function (info) {
      fetch(withId(config.moveUrl, info.event.id), {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ start: wallClock(info.event.start), end: wallClock(info.event.end) }),
      })
        .then((r) => r.json().then((body) => ({ ok: r.ok, body })))
        .then(({ ok, body }) => {
          if (ok) {
            showError("");
          } else {
            showError(body.error || "The session could not be moved.");
            info.revert();
          }
        })
        .catch(() => {
          showError("The session could not be moved (network error).");
          info.revert();
        });
    },
  });
  roomFilter.addEventListener("change", () => calendar.refetchEvents());
  calendar.render();
})();
