// The back office calendar: EventCalendar with the rooms as resources, drag and resize through
// the move endpoint, each move answered with a message and an Undo. Settings are data-*
// attributes of #calendar and a json_script block, so no data sits inside a script and the
// page needs no inline script.
(function () {
  const element = document.getElementById("calendar");
  const config = element.dataset;
  const canMove = config.canMove === "true";
  const canAdd = config.canAdd === "true";
  const locale = config.locale || "en-GB";
  const rooms = JSON.parse(document.getElementById("calendar-rooms").textContent);
  const errorBox = document.getElementById("calendar-error");
  const messageBox = document.getElementById("calendar-message");
  const messageText = document.getElementById("calendar-message-text");
  const undoButton = document.getElementById("calendar-undo");
  const roomFilter = document.getElementById("room-filter");
  const engineerFilter = document.getElementById("engineer-filter");
  const csrf = document.cookie
    .split("; ")
    .find((c) => c.startsWith("csrftoken="))
    ?.split("=")[1];
  const withId = (url, id) => url.replace("/0/", "/" + encodeURIComponent(id) + "/");
  // The calendar runs in UTC as a plain carrier of the studio's wall-clock values.
  const wallClock = (date) => date.toISOString().slice(0, 19);
  const moment = new Intl.DateTimeFormat(locale, {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: "UTC",
  });
  const clock = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC" });
  const VIEWS = {
    day: "resourceTimeGridDay",
    week: "resourceTimeGridWeek",
    timeline: "resourceTimelineWeek",
    month: "dayGridMonth",
  };
  const narrow = window.matchMedia("(max-width: 700px)").matches;
  let undo = null;

  function showError(message) {
    errorBox.textContent = message || "";
    errorBox.hidden = !message;
  }

  function showMessage(message, undoAction) {
    messageText.textContent = message || "";
    messageBox.hidden = !message;
    undo = undoAction || null;
    undoButton.hidden = !undo;
  }

  function roomName(id) {
    const room = rooms.find((r) => String(r.id) === String(id));
    return room ? room.title : "";
  }

  function visibleRooms() {
    return roomFilter.value ? rooms.filter((r) => String(r.id) === roomFilter.value) : rooms;
  }

  function post(id, body) {
    return fetch(withId(config.moveUrl, id), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    }).then((r) =>
      r
        .json()
        .catch(() => ({}))
        .then((answer) => ({ ok: r.ok, answer })),
    );
  }

  // Names are data a client or a front desk typed: drawn as text, never parsed as HTML.
  function eventContent(arg) {
    const line = (className, text) => {
      const el = document.createElement("span");
      el.className = className;
      el.textContent = text || "";
      return el;
    };
    const props = arg.event.extendedProps;
    const box = document.createElement("div");
    box.className = "calendar-event";
    box.append(line("calendar-time", arg.timeText), line("calendar-title", arg.event.title));
    if (props.status && props.status !== "confirmed") box.append(line("calendar-status", props.statusLabel));
    // A week of rooms side by side leaves narrow columns: the crew shows in the day view.
    if (props.engineers && arg.view.type !== "resourceTimeGridWeek") box.append(line("calendar-crew", props.engineers));
    return { domNodes: [box] };
  }

  // A move is never silent: it is said, with a way back through the same endpoint (and the
  // same rules: the undo is refused if the old slot has been taken meanwhile).
  function moved(info, verb) {
    const event = info.event;
    const old = info.oldEvent;
    const target = info.newResource ? info.newResource.id : null;
    const source = info.oldResource ? info.oldResource.id : null;
    const body = { start: wallClock(event.start), end: wallClock(event.end) };
    if (target) body.room = target;
    showError("");
    post(event.id, body)
      .then(({ ok, answer }) => {
        if (!ok) {
          info.revert();
          showMessage("");
          showError(answer.error || "The session could not be moved.");
          return;
        }
        const where = target ? " in " + roomName(target) : "";
        const text = verb + " " + event.title + ": " + moment.format(event.start) + "–" + clock.format(event.end) + where + ".";
        const back = { start: wallClock(old.start), end: wallClock(old.end) };
        if (source) back.room = source;
        showMessage(text, () => undoMove(event.id, back));
        // Redrawn from the feed: a session in a new room takes that room's colour.
        calendar.refetchEvents();
      })
      .catch(() => {
        info.revert();
        showError("The session could not be moved (network error).");
      });
  }

  function undoMove(id, back) {
    undoButton.disabled = true;
    post(id, back)
      .then(({ ok, answer }) => {
        if (ok) {
          showMessage("Move undone.");
        } else {
          showMessage("");
          showError("The move could not be undone: " + (answer.error || "the slot is no longer free."));
        }
        calendar.refetchEvents();
      })
      .catch(() => showError("The move could not be undone (network error)."))
      .finally(() => {
        undoButton.disabled = false;
      });
  }
  undoButton.addEventListener("click", () => undo && undo());

  // EventCalendar scrolls its grid inside <section> elements: each is made reachable by the
  // keyboard (Tab, then the arrow keys scroll), whether or not it holds a session to focus.
  function scrollersFocusable() {
    element.querySelectorAll("section:not([tabindex])").forEach((section) => {
      section.tabIndex = 0;
      section.setAttribute("aria-label", "Calendar grid");
    });
  }
  new MutationObserver(scrollersFocusable).observe(element, { childList: true, subtree: true });

  const params = new URLSearchParams(window.location.search);
  const calendar = EventCalendar.create(element, {
    view: VIEWS[params.get("view")] || (narrow ? VIEWS.day : VIEWS.week),
    date: params.get("date") || config.now.slice(0, 10),
    headerToolbar: {
      start: "prev,next today",
      center: "title",
      end: "resourceTimeGridDay,resourceTimeGridWeek,resourceTimelineWeek,dayGridMonth",
    },
    buttonText: (text) => ({
      ...text,
      today: "Today",
      resourceTimeGridDay: "Day",
      resourceTimeGridWeek: "Week",
      resourceTimelineWeek: "Timeline",
      dayGridMonth: "Month",
    }),
    locale: locale,
    firstDay: Number(config.firstDay || 1),
    timeZone: "UTC",
    resources: visibleRooms(),
    datesAboveResources: true,
    // Three rooms times seven days are too many columns to read at once: a week keeps each
    // column wide enough for a name and scrolls sideways instead.
    views: {
      resourceTimeGridWeek: { columnWidth: "minmax(104px, 1fr)" },
      resourceTimelineWeek: { slotDuration: "01:00", slotWidth: 44 },
    },
    nowIndicator: true,
    eventTimeFormat: { hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
    slotLabelFormat: { hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
    dayHeaderFormat: narrow ? { weekday: "short", day: "numeric" } : { weekday: "short", day: "numeric", month: "short" },
    slotMinTime: "07:00:00",
    slotMaxTime: "24:00:00",
    scrollTime: "09:00:00",
    slotDuration: "00:30:00",
    height: narrow ? "640px" : "760px",
    editable: canMove,
    eventStartEditable: canMove,
    eventDurationEditable: canMove,
    eventSources: [
      {
        events: function (info, success, failure) {
          const query = new URLSearchParams({
            start: wallClock(info.start),
            end: wallClock(info.end),
            room: roomFilter.value,
            engineer: engineerFilter.value,
          });
          fetch(config.feedUrl + "?" + query)
            .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
            .then(success)
            .catch((e) => {
              showError("The calendar could not load its sessions; try again.");
              failure(e);
            });
        },
      },
    ],
    eventContent: eventContent,
    // Drawing a slot opens the booking form for it, in the room it was drawn in.
    selectable: canAdd,
    select: function (info) {
      const query = new URLSearchParams({ start: wallClock(info.start), end: wallClock(info.end), next: config.here });
      const room = info.resource ? info.resource.id : roomFilter.value;
      if (room) query.set("room", room);
      window.location = config.addUrl + "?" + query;
    },
    eventClick: function (info) {
      if (info.event.display === "background") return;
      window.location = withId(config.changeUrl, info.event.id);
    },
    eventDrop: (info) => moved(info, "Moved"),
    eventResize: (info) => moved(info, "Resized"),
  });

  // EventCalendar marks its grid up as an ARIA table whose rows and cells do not nest as a
  // table's must (the toolbar sits inside it, month cells lack rows), which screen readers
  // announce as a broken table. Its grid is dropped back to plain layout; what a person acts
  // on keeps its role: each session is a labelled button, as are the toolbar's buttons.
  const GRID_ARIA = ["role", "aria-colindex", "aria-rowindex", "aria-colspan", "aria-rowspan"];
  function plainGrid() {
    for (const el of element.querySelectorAll("[role], [aria-colindex], [aria-rowindex]")) {
      if (el.matches(".ec-event, button")) continue;
      for (const name of GRID_ARIA) el.removeAttribute(name);
    }
  }
  plainGrid();
  new MutationObserver(plainGrid).observe(element, {
    subtree: true,
    childList: true,
    attributeFilter: ["role", "aria-colindex", "aria-rowindex"],
  });

  roomFilter.addEventListener("change", () => {
    calendar.setOption("resources", visibleRooms());
    calendar.refetchEvents();
  });
  engineerFilter.addEventListener("change", () => calendar.refetchEvents());
})();
