// Coordinators' live dashboard: keeps the server-rendered figures up to
// date from the episode's event stream (server-sent events) and announces
// new people needing help in a polite live region. Progressive
// enhancement: without EventSource the page stays as rendered and a reload
// brings the latest figures.
(function () {
  "use strict";
  var board = document.getElementById("live-board");
  if (!board || !board.dataset.stream || !("EventSource" in window)) {
    return;
  }
  var status = document.getElementById("live-status");
  var announce = document.getElementById("live-announce");
  var lang = document.documentElement.lang || "fr";
  var numbers = new Intl.NumberFormat(lang);
  var needsHelp = parseInt(board.dataset.needsHelp, 10) || 0;

  function fill(msg, value) {
    return (msg || "").replace("{0}", value);
  }

  function setStatus(text) {
    status.textContent = text;
  }

  // update writes a line's figures into every cell that shows them: the
  // summary and the tables' total rows share the key "total".
  function update(key, figures) {
    var sel = '[data-district="' + (window.CSS && CSS.escape ? CSS.escape(key) : key) + '"] [data-k]';
    var cells = board.querySelectorAll(sel);
    for (var i = 0; i < cells.length; i++) {
      var v = figures[cells[i].getAttribute("data-k")];
      if (typeof v === "number") {
        var text = numbers.format(v);
        if (cells[i].textContent !== text) {
          cells[i].textContent = text;
        }
      }
    }
  }

  function apply(snap) {
    update("total", snap.total);
    var missing = false;
    (snap.districts || []).forEach(function (d) {
      if (!board.querySelector('[data-district="' + (window.CSS && CSS.escape ? CSS.escape(d.code) : d.code) + '"]')) {
        missing = true;
        return;
      }
      update(d.code, d);
    });
    var now = snap.total.needs_help;
    var news = [];
    if (now > needsHelp) {
      var n = now - needsHelp;
      news.push(n === 1 ? board.dataset.msgNewHelpOne : fill(board.dataset.msgNewHelp, numbers.format(n)));
    }
    needsHelp = now;
    if (missing) {
      news.push(board.dataset.msgDistricts);
    }
    if (news.length) {
      announce.textContent = news.join(" ");
    }
    var at = new Date().toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    setStatus(fill(board.dataset.msgUpdated, at));
  }

  var source = null;

  function connect() {
    source = new EventSource(board.dataset.stream);
    source.addEventListener("open", function () {
      setStatus(board.dataset.msgLive);
    });
    source.addEventListener("snapshot", function (ev) {
      try {
        apply(JSON.parse(ev.data));
      } catch (e) { /* a malformed event: keep what is shown */ }
    });
    source.addEventListener("error", function () {
      // The browser retries by itself unless the server refused the stream.
      setStatus(source.readyState === EventSource.CLOSED ? board.dataset.msgStopped : board.dataset.msgRetrying);
    });
  }

  // Leaving the page frees the stream (each account has a few); coming
  // back to it from the browser's history opens a new one.
  window.addEventListener("pagehide", function () {
    source.close();
  });
  window.addEventListener("pageshow", function (ev) {
    if (ev.persisted) {
      connect();
    }
  });
  connect();
})();
