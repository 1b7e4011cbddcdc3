// mpaas console: the two bits of behaviour the server-rendered pages need, no framework, no build step.
// 1. The sign-in form shows the fields of the chosen kind of sign-in (all of them show without JavaScript).
// 2. Live parts: an element with data-poll is refreshed from that URL every second (the server renders the
//    fragment) until its data-status is one of data-settled, then polling stops.
(function () {
  "use strict";
  function loginKinds() {
    var form = document.getElementById("login");
    if (!form) return;
    function show() {
      var checked = form.querySelector("input[name=kind]:checked");
      var kind = checked ? checked.value : "subscriber";
      ["subscriber", "distributor", "operator"].forEach(function (k) {
        var box = form.querySelector(".for-" + k);
        if (box) box.hidden = k !== kind;
      });
    }
    form.addEventListener("change", show);
    show();
  }
  function poll(box) {
    var url = box.getAttribute("data-poll");
    var settled = (box.getAttribute("data-settled") || "").split(" ");
    function status() {
      var live = box.querySelector("[data-status]");
      return live ? live.getAttribute("data-status") : "";
    }
    function tick() {
      if (settled.indexOf(status()) >= 0) return;
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) box.innerHTML = html; })
        .catch(function () {})
        .then(function () { window.setTimeout(tick, 1000); });
    }
    window.setTimeout(tick, 500);
  }
  document.addEventListener("DOMContentLoaded", function () {
    loginKinds();
    Array.prototype.forEach.call(document.querySelectorAll("[data-poll]"), poll);
  });
})();
