// The projects' board: drag a card within or between columns, or a column by its handle.
// Every drop is posted to the server, which moves the project through its one service; when
// the server refuses (a role, a stage deleted meanwhile) the card goes back where it was and
// the reason is shown. Without this script each card's "Move to" form does the same.
(function () {
  "use strict";

  const board = document.getElementById("project-board");
  if (!board || typeof Sortable === "undefined") return;
  board.classList.add("is-live");

  const status = document.getElementById("board-status");
  const csrf = (document.cookie.split("; ").find((c) => c.startsWith("csrftoken=")) || "").split("=")[1] || "";

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("is-error", Boolean(isError));
  }

  function post(url, payload) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify(payload),
    }).then((response) =>
      response
        .json()
        .catch(() => ({ error: "The server did not answer (" + response.status + ")." }))
        .then((body) => {
          if (!response.ok) throw new Error(body.error || "The move was refused.");
          return body;
        }),
    );
  }

  board.querySelectorAll(".board-column[data-stage]").forEach((column) => {
    column.dataset.shown = column.querySelectorAll(".board-card").length;
  });

  function recount() {
    board.querySelectorAll(".board-column[data-stage]").forEach((column) => {
      // The count includes the cards a long column does not show; it moves by what moved.
      const count = column.querySelector("[data-count]");
      const shown = column.querySelectorAll(".board-card").length;
      if (count) {
        const before = Number(column.dataset.shown || shown);
        count.textContent = Number(count.textContent) + (shown - before);
        column.dataset.shown = shown;
      }
    });
  }

  function putBack(item, from, oldIndex) {
    item.remove();
    from.insertBefore(item, from.children[oldIndex] || null);
    recount();
  }

  if (board.dataset.canMove) {
    const moveUrl = (id) => board.dataset.moveUrl.replace("/0/", "/" + id + "/");
    board.querySelectorAll(".board-cards").forEach((list) => {
      Sortable.create(list, {
        group: "projects",
        animation: 120,
        filter: "select, button, a, input",
        preventOnFilter: false,
        onEnd(event) {
          if (event.from === event.to && event.oldIndex === event.newIndex) return;
          const item = event.item;
          const title = item.querySelector(".board-card-title").textContent;
          const stage = event.to.dataset.stage;
          recount();
          // The card it now sits under (none: the top): what the board shows may be filtered
          // or cut short, so an index among the shown cards would not say where it goes.
          let previous = item.previousElementSibling;
          while (previous && !previous.dataset.project) previous = previous.previousElementSibling;
          const place = previous ? { after: Number(previous.dataset.project) } : { position: 0 };
          post(moveUrl(item.dataset.project), Object.assign({ stage: Number(stage) }, place))
            .then(() => {
              const select = item.querySelector(".board-move select");
              if (select) select.value = stage;
              const column = event.to.closest(".board-column");
              say("“" + title + "” moved to " + column.querySelector(".board-column-title").textContent + ".");
            })
            .catch((error) => {
              putBack(item, event.from, event.oldIndex);
              say(error.message, true);
            });
        },
      });
    });
  }

  if (board.dataset.canReorder) {
    const columns = document.getElementById("board-columns");
    Sortable.create(columns, {
      animation: 120,
      handle: ".board-handle",
      draggable: ".board-column[data-stage]",
      onEnd(event) {
        if (event.oldIndex === event.newIndex) return;
        const order = Array.from(columns.querySelectorAll(".board-column[data-stage]")).map((c) => Number(c.dataset.stage));
        post(board.dataset.orderUrl, { stages: order })
          .then(() => say("Columns reordered."))
          .catch((error) => {
            const sibling = columns.children[event.oldIndex + (event.oldIndex > event.newIndex ? 1 : 0)] || null;
            columns.insertBefore(event.item, sibling);
            say(error.message, true);
          });
      },
    });
  }
})();
