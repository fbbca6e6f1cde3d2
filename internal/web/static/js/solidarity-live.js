// Coordinators' live dashboard: keeps the server-rendered figures up to
// date from the episode's event stream (server-sent events). Two polite
// live regions, never told the same thing: #live-status says how the
// stream stands (live, reconnecting, stopped, ended), #live-announce the
// news in the figures (new people needing help). Progressive enhancement:
// without EventSource the page stays as rendered and a reload brings the
// latest figures.
(function () {
  "use strict";
  var board = document.getElementById("live-board");
  if (!board || !board.dataset.stream || !("EventSource" in window)) {
    return;
  }
  var status = document.getElementById("live-status");
  var updated = document.getElementById("live-updated");
  var announce = document.getElementById("live-announce");
  var lang = document.documentElement.lang || "fr";
  var numbers = new Intl.NumberFormat(lang);
  var needsHelp = parseInt(board.dataset.needsHelp, 10) || 0;
  // A stream ends every few minutes and the browser reconnects within
  // seconds: only a loss lasting longer is announced.
  var retryDelay = 10000;
  var retryTimer = 0;
  var ended = false;

  function fill(msg, value) {
    return (msg || "").replace("{0}", value);
  }

  // setStatus changes the stream's state; the same state is not announced
  // twice.
  function setStatus(text) {
    if (status.textContent !== text) {
      status.textContent = text;
    }
  }

  function escape(s) {
    return window.CSS && CSS.escape ? CSS.escape(s) : s;
  }

  // update writes a line's figures into every cell that shows them: the
  // summary and the tables' total rows share the key "total".
  function update(key, figures) {
    var cells = board.querySelectorAll('[data-district="' + escape(key) + '"] [data-k]');
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
      if (!board.querySelector('[data-district="' + escape(d.code) + '"]')) {
        missing = true;
        return;
      }
      update(d.code, d);
    });
    var at = new Date().toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    updated.textContent = fill(board.dataset.msgUpdated, at);
    updated.hidden = false;
    if (snap.ended) {
      // The final figures count everyone the episode took in, as the
      // report does: they are no news.
      end();
      return;
    }
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
  }

  // end stops for good: the episode has ended and its figures are final.
  function end() {
    ended = true;
    source.close();
    clearTimeout(retryTimer);
    var link = document.createElement("a");
    link.href = board.dataset.report;
    link.textContent = board.dataset.msgSeeReport;
    status.textContent = board.dataset.msgEnded + " ";
    status.appendChild(link);
  }

  var source = null;

  function connect() {
    source = new EventSource(board.dataset.stream);
    source.addEventListener("open", function () {
      clearTimeout(retryTimer);
      retryTimer = 0;
      setStatus(board.dataset.msgLive);
    });
    source.addEventListener("snapshot", function (ev) {
      var snap;
      try {
        snap = JSON.parse(ev.data);
      } catch (e) {
        return; // a malformed event: keep what is shown
      }
      apply(snap);
    });
    source.addEventListener("error", function () {
      if (ended) {
        return;
      }
      // The browser retries by itself unless the server refused the
      // stream (an episode ended meanwhile answers 204).
      if (source.readyState === EventSource.CLOSED) {
        clearTimeout(retryTimer);
        setStatus(board.dataset.msgStopped);
      } else if (!retryTimer) {
        retryTimer = setTimeout(function () {
          setStatus(board.dataset.msgRetrying);
        }, retryDelay);
      }
    });
  }

  // Leaving the page frees the stream (each account has a few); coming
  // back to it from the browser's history opens a new one.
  window.addEventListener("pagehide", function () {
    source.close();
    clearTimeout(retryTimer);
    retryTimer = 0;
  });
  window.addEventListener("pageshow", function (ev) {
    if (ev.persisted && !ended) {
      connect();
    }
  });
  connect();
})();
