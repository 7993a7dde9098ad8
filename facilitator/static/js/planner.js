// The agenda page, enhanced: live exercise search, drag-and-drop (mouse, touch and keyboard) and
// saving changes without a page load. Every action is an ordinary form POST underneath; the server
// answers these requests with the agenda fragment, which replaces the old one in place.
(function () {
  "use strict";
  var agenda = document.getElementById("agenda");
  if (!agenda) return;

  function csrfToken() {
    var input = document.querySelector("input[name$='csrf_token']");
    return input ? input.value : "";
  }

  function announce(text) {
    var region = document.getElementById("agenda-announcer");
    if (region) region.textContent = text;
  }

  function send(url, body, focusSelector) {
    agenda.classList.add("is-saving");
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "planner", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      return response.text().then(function (html) {
        if (!html || response.status >= 500) throw new Error("server");
        agenda.innerHTML = html;
        agenda.classList.remove("is-saving");
        enhanceAgenda();
        var target = focusSelector && agenda.querySelector(focusSelector);
        if (target) target.focus();
        return response;
      });
    }).catch(function () {
      agenda.classList.remove("is-saving");
      announce("Could not save; the page will reload.");
      window.location.reload();
    });
  }

  // --- forms inside the agenda, and "Add" buttons, save in place ---------------------------
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var inAgenda = agenda.contains(form);
    if (!inAgenda && !form.classList.contains("add-exercise")) return;
    event.preventDefault();
    var itemId = form.closest("[data-item-id]") && form.closest("[data-item-id]").dataset.itemId;
    var submitter = event.submitter;
    var focus = null;
    if (itemId && submitter && submitter.getAttribute("aria-label")) {
      focus = "[data-item-id='" + itemId + "'] button[aria-label='" + submitter.getAttribute("aria-label").replace(/'/g, "\\'") + "']";
    }
    send(form.action, new FormData(form), focus).then(function (response) {
      if (!response) return;
      var list = document.getElementById("agenda-list");
      var addedId = list && list.dataset.added;
      var added = addedId && agenda.querySelector("[data-item-id='" + addedId + "']");
      if (added && response.ok) {
        added.classList.add("is-new");
        added.scrollIntoView({ block: "nearest" });
        announce("Added " + added.dataset.title + " at " + added.querySelector(".item-start").textContent);
        // A run of inserts stays in order: the next one goes after the item just added.
        if (list.dataset.insertAfter) setInsertPoint(addedId, added.dataset.title);
      }
    });
  });

  // --- where new items go: "Insert after" on an item, or the end ---------------------------
  var insertPoint = document.getElementById("insert-point");

  function setInsertPoint(itemId, title) {
    document.querySelectorAll("input.insert-after").forEach(function (input) { input.value = itemId || ""; });
    agenda.querySelectorAll(".agenda-item").forEach(function (li) {
      li.classList.toggle("is-insert-point", !!itemId && li.dataset.itemId === String(itemId));
    });
    if (!insertPoint) return;
    insertPoint.textContent = itemId ? "New items go after \u201c" + title + "\u201d. " : insertPoint.dataset.endText;
    if (itemId) {
      var atEnd = document.createElement("a");
      atEnd.href = "#add";
      atEnd.className = "insert-at-end";
      atEnd.textContent = "Put them at the end instead";
      insertPoint.appendChild(atEnd);
    }
  }

  function currentInsertPoint() {
    var input = document.querySelector("input.insert-after");
    return input ? input.value : "";
  }

  document.addEventListener("click", function (event) {
    var here = event.target.closest && event.target.closest(".insert-here");
    if (here && agenda.contains(here)) {
      event.preventDefault();
      var li = here.closest(".agenda-item");
      setInsertPoint(here.dataset.after, li.dataset.title);
      var search = document.getElementById("q");
      if (search) { search.scrollIntoView({ block: "nearest" }); search.focus(); }
      announce("New items go after " + li.dataset.title + ". Pick an exercise, a break or a block.");
      return;
    }
    if (event.target.closest && event.target.closest(".insert-at-end")) {
      event.preventDefault();
      setInsertPoint("");
      announce("New items go at the end.");
    }
  });

  // --- drag and drop -----------------------------------------------------------------------
  function currentOrder(list) {
    return Array.prototype.map.call(list.querySelectorAll(":scope > .agenda-item"), function (li) { return li.dataset.itemId; });
  }

  function saveOrder(list, before, focusId) {
    var after = currentOrder(list);
    if (after.join(",") === before.join(",")) return;
    var body = new FormData();
    body.append("order", after.join(","));
    body.append("csrf_token", csrfToken());
    send(list.dataset.orderUrl, body, focusId ? "[data-item-id='" + focusId + "'] .drag-handle" : null);
  }

  function enhanceAgenda() {
    var list = document.getElementById("agenda-list");
    if (!list) return;
    // A swapped-in agenda keeps the insertion point this page chose, unless that item is gone.
    var point = currentInsertPoint();
    if (point) {
      var marked = list.querySelector("[data-item-id='" + point + "']");
      if (marked) setInsertPoint(point, marked.dataset.title); else setInsertPoint("");
    }
    list.querySelectorAll(".drag-handle").forEach(function (handle) {
      handle.hidden = false;
      var li = handle.closest(".agenda-item");

      handle.addEventListener("pointerdown", function (event) {
        if (event.button !== 0) return;
        event.preventDefault();
        var before = currentOrder(list);
        li.classList.add("is-dragging");
        function move(moveEvent) {
          var siblings = Array.prototype.filter.call(list.children, function (el) { return el !== li && el.classList.contains("agenda-item"); });
          var target = null;
          for (var i = 0; i < siblings.length; i++) {
            var box = siblings[i].getBoundingClientRect();
            if (moveEvent.clientY < box.top + box.height / 2) { target = siblings[i]; break; }
          }
          if (target) list.insertBefore(li, target); else list.appendChild(li);
        }
        // Listen on the document, not the handle: moving the item in the DOM drops any pointer capture.
        function end() {
          document.removeEventListener("pointermove", move);
          document.removeEventListener("pointerup", end);
          document.removeEventListener("pointercancel", end);
          li.classList.remove("is-dragging");
          saveOrder(list, before, null);
        }
        document.addEventListener("pointermove", move);
        document.addEventListener("pointerup", end);
        document.addEventListener("pointercancel", end);
      });

      // The handle is a button: arrow keys move the item, for anyone not using a pointer.
      handle.addEventListener("keydown", function (event) {
        if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
        event.preventDefault();
        var before = currentOrder(list);
        if (event.key === "ArrowUp" && li.previousElementSibling) list.insertBefore(li, li.previousElementSibling);
        if (event.key === "ArrowDown" && li.nextElementSibling) list.insertBefore(li.nextElementSibling, li);
        saveOrder(list, before, li.dataset.itemId);
      });
    });
  }

  // --- live exercise search ----------------------------------------------------------------
  // The server ranks (the library's full-text search, title over summary over text), so each
  // change asks it for the list in its order; a slower answer to older words is dropped.
  var search = document.querySelector(".add-search");
  var results = document.getElementById("exercise-results");
  if (search && results) {
    var count = document.getElementById("exercise-count");
    var asked = 0;
    var timer = null;
    var filter = function () {
      var params = new URLSearchParams(new FormData(search));
      params.set("after", currentInsertPoint());
      var mine = ++asked;
      fetch(results.dataset.url + "?" + params.toString(), {
        credentials: "same-origin", headers: { "X-Requested-With": "planner" }
      }).then(function (response) {
        if (!response.ok) throw new Error("server");
        return response.text();
      }).then(function (html) {
        if (mine !== asked) return;
        results.innerHTML = html;
        var shown = Number(results.querySelector("#exercise-choices").dataset.count || 0);
        count.textContent = shown + (shown === 1 ? " exercise" : " exercises");
      }).catch(function () {
        if (mine === asked) search.submit();  // the plain search still works
      });
    };
    var soon = function () { clearTimeout(timer); timer = setTimeout(filter, 150); };
    search.addEventListener("input", soon);
    search.addEventListener("change", soon);
    search.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timer); filter(); });
    var submit = search.querySelector(".search-submit");
    if (submit) submit.hidden = true;
  }

  var live = document.createElement("p");
  live.id = "agenda-announcer";
  live.className = "visually-hidden";
  live.setAttribute("role", "status");
  agenda.parentNode.insertBefore(live, agenda);
  enhanceAgenda();
})();
