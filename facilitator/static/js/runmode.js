// Run mode: one agenda item at a time, a countdown, the clock and how far off the plan the evening runs.
// Everything it needs is already in the page, so it keeps working when the network goes away.
(function () {
  "use strict";
  var root = document.getElementById("run");
  var items = Array.prototype.slice.call(document.querySelectorAll(".run-item"));
  if (!root || !items.length) return;

  var storageKey = "facilitator-run-" + root.dataset.sessionId;
  var controls = document.getElementById("run-controls");
  var nextButton = document.getElementById("run-next");
  var backButton = document.getElementById("run-back");
  var resetButton = document.getElementById("run-reset");
  var nextUp = document.getElementById("run-next-up");
  var drift = document.getElementById("run-drift");
  var clock = document.getElementById("run-clock");
  var done = document.getElementById("run-done");
  var fullscreen = document.getElementById("run-fullscreen");

  // index: the item on screen (items.length once finished); started[i]: when item i began, in ms.
  var state = load() || { index: 0, started: [] };

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(storageKey) || "null");
      return saved && typeof saved.index === "number" && Array.isArray(saved.started) ? saved : null;
    } catch (error) {
      return null;
    }
  }

  function save() {
    try { window.localStorage.setItem(storageKey, JSON.stringify(state)); } catch (error) { /* private mode: keep going */ }
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function formatSeconds(total) {
    var sign = total < 0 ? "+" : "";
    total = Math.abs(Math.round(total));
    return sign + Math.floor(total / 60) + ":" + pad(total % 60);
  }

  function clockText(date) { return pad(date.getHours()) + ":" + pad(date.getMinutes()); }

  function minutes(item) { return parseInt(item.dataset.minutes, 10) || 0; }

  function offset(item) { return parseInt(item.dataset.offset, 10) || 0; }

  function running() { return state.started.length > 0; }

  function show() {
    var finished = state.index >= items.length;
    items.forEach(function (item, i) {
      item.hidden = i !== state.index;
      item.classList.toggle("is-current", i === state.index);
    });
    done.hidden = !finished;
    backButton.disabled = state.index === 0;
    nextButton.textContent = !running() ? "Start" : finished ? "Finished" : state.index === items.length - 1 ? "Finish" : "Next →";
    nextButton.disabled = finished;
    var following = items[state.index + 1];
    if (finished) {
      nextUp.textContent = "";
    } else if (following) {
      nextUp.textContent = "Next: " + following.dataset.title + " · " + minutes(following) + " min, planned " + following.dataset.start;
    } else {
      nextUp.textContent = "This is the last item.";
    }
    if (finished && running()) {
      var end = new Date(state.started[items.length] || Date.now());
      document.getElementById("run-done-summary").textContent = "Ended at " + clockText(end) + ".";
    }
    tick();
  }

  function tick() {
    var now = Date.now();
    clock.textContent = clockText(new Date(now));
    var item = items[state.index];
    if (!item) { drift.textContent = ""; return; }
    var countdown = item.querySelector(".run-countdown");
    var remaining = item.querySelector(".run-remaining");
    countdown.hidden = false;
    if (!running()) {
      remaining.textContent = formatSeconds(minutes(item) * 60);
      countdown.classList.remove("is-over");
      drift.textContent = "Not started";
      return;
    }
    var elapsed = (now - state.started[state.index]) / 1000;
    var left = minutes(item) * 60 - elapsed;
    remaining.textContent = left < 0 ? formatSeconds(left) + " over" : formatSeconds(left);
    countdown.classList.toggle("is-over", left < 0);
    item.querySelectorAll(".run-steps li").forEach(function (step) {
      var at = parseInt(step.dataset.at, 10) * 60;
      step.classList.toggle("is-past", elapsed >= at);
    });
    var current = item.querySelectorAll(".run-steps li.is-past");
    item.querySelectorAll(".run-steps li").forEach(function (step) { step.classList.remove("is-now"); });
    if (current.length) current[current.length - 1].classList.add("is-now");
    // How late this item began against the plan, plus any time it has run past its own length.
    var late = (state.started[state.index] - state.started[0]) / 60000 - offset(item) + Math.max(0, -left / 60);
    var rounded = Math.round(late);
    drift.textContent = rounded === 0 ? "On plan" : rounded > 0 ? rounded + " min behind plan" : -rounded + " min ahead of plan";
    drift.classList.toggle("is-behind", rounded > 0);
  }

  function next() {
    var now = Date.now();
    if (!running()) {
      state.started = [now];
    } else if (state.index < items.length) {
      state.index += 1;
      state.started[state.index] = now;
      state.started.length = state.index + 1;
    }
    save();
    show();
  }

  function back() {
    if (state.index === 0) return;
    state.index -= 1;
    state.started.length = state.index + 1; // the item left behind gets a fresh start when reached again
    save();
    show();
  }

  function reset() {
    if (running() && !window.confirm("Start the session over from the first item?")) return;
    state = { index: 0, started: [] };
    save();
    show();
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
  }

  document.body.classList.add("run-enhanced");
  controls.hidden = false;
  document.getElementById("run-keys").hidden = false;
  if (document.documentElement.requestFullscreen) fullscreen.hidden = false;

  nextButton.addEventListener("click", next);
  backButton.addEventListener("click", back);
  resetButton.addEventListener("click", reset);
  fullscreen.addEventListener("click", toggleFullscreen);

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "summary" || tag === "button" || tag === "a") {
      if (event.key === " " || event.key === "Enter") return; // let focused controls do their own thing
    }
    if (event.key === "ArrowRight" || event.key === " " || event.key === "PageDown") {
      event.preventDefault();
      next();
    } else if (event.key === "ArrowLeft" || event.key === "PageUp") {
      event.preventDefault();
      back();
    } else if (event.key === "f" || event.key === "F") {
      toggleFullscreen();
    }
  });

  var touchStart = null;
  root.addEventListener("touchstart", function (event) {
    var touch = event.changedTouches[0];
    touchStart = { x: touch.clientX, y: touch.clientY };
  }, { passive: true });
  root.addEventListener("touchend", function (event) {
    if (!touchStart) return;
    var touch = event.changedTouches[0];
    var dx = touch.clientX - touchStart.x;
    var dy = touch.clientY - touchStart.y;
    touchStart = null;
    if (Math.abs(dx) > 60 && Math.abs(dx) > 2 * Math.abs(dy)) {
      if (dx < 0) next(); else back();
    }
  }, { passive: true });

  if (state.index > items.length) state = { index: 0, started: [] };
  show();
  window.setInterval(tick, 1000);
})();
