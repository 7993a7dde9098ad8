// The live wall: fetch the panels again every few seconds (plain polling) and swap them in when
// they changed. Without JavaScript the page's <noscript> meta refresh reloads the whole page.
(function () {
  "use strict";
  var panels = document.getElementById("wall-panels");
  if (!panels || !window.fetch) { return; }
  var url = panels.getAttribute("data-refresh-url");
  var every = (parseInt(panels.getAttribute("data-refresh-seconds"), 10) || 5) * 1000;
  var last = null;

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "wall" } })
      .then(function (response) {
        if (response.redirected || !response.ok) { throw new Error("signed out or unavailable"); }
        return response.text();
      })
      .then(function (html) {
        if (html !== last) { panels.innerHTML = html; last = html; }
        setTimeout(refresh, every);
      })
      .catch(function () { setTimeout(refresh, every * 4); });
  }
  setTimeout(refresh, every);
})();
