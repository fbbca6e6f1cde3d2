// Check-in desk: scan tickets' QR codes with the phone's camera.
// Progressive enhancement: without the BarcodeDetector API or a camera the
// page keeps its forms (type or paste a code, search a name). A QR code read
// fills the code form and submits it; the server checks the ticket. Scanning
// stays on from one ticket to the next until the organiser stops it.
(function () {
  "use strict";
  var box = document.getElementById("checkin-scanner");
  var form = document.getElementById("checkin-code");
  var field = document.getElementById("field-code");
  if (!box || !form || !field) {
    return;
  }
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return; // the forms are all there is
  }
  var toggle = document.getElementById("checkin-scan-toggle");
  var video = document.getElementById("checkin-video");
  var status = document.getElementById("checkin-scan-status");
  var KEY = "cv-checkin-scan";
  var LAST = "cv-checkin-last";
  var detector = null;
  var stream = null;
  var timer = 0;
  var busy = false;

  function say(text) {
    status.textContent = text || "";
  }

  function remember(on) {
    try {
      if (on) {
        sessionStorage.setItem(KEY, "on");
      } else {
        sessionStorage.removeItem(KEY);
      }
    } catch (e) { /* private mode: no memory, no harm */ }
  }

  function wanted() {
    try {
      return sessionStorage.getItem(KEY) === "on";
    } catch (e) {
      return false;
    }
  }

  // recent tells whether this code was just sent, so that a ticket still
  // in front of the camera after the page reloads is not sent again.
  function recent(code) {
    try {
      var last = JSON.parse(sessionStorage.getItem(LAST) || "null");
      return last && last.code === code && Date.now() - last.at < 5000;
    } catch (e) {
      return false;
    }
  }

  function note(code) {
    try {
      sessionStorage.setItem(LAST, JSON.stringify({ code: code, at: Date.now() }));
    } catch (e) { /* ignore */ }
  }

  // codeOf reads a ticket code from a QR code's text: the ticket's address
  // (…/tickets/CODE) or the bare code.
  function codeOf(text) {
    var m = /\/tickets\/([A-Za-z0-9_-]{8,128})(?:[/?#]|$)/.exec(text);
    if (m) {
      return m[1];
    }
    return /^[A-Za-z0-9_-]{8,128}$/.test(text) ? text : "";
  }

  function stop(keep) {
    if (timer) {
      clearTimeout(timer);
      timer = 0;
    }
    if (stream) {
      stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null;
    }
    video.srcObject = null;
    video.hidden = true;
    toggle.textContent = box.dataset.start;
    if (!keep) {
      remember(false);
    }
  }

  function scan() {
    timer = 0;
    if (!stream || busy) {
      return;
    }
    busy = true;
    detector.detect(video).then(function (found) {
      busy = false;
      for (var i = 0; i < found.length; i++) {
        var code = codeOf(String(found[i].rawValue || "").trim());
        if (code && !recent(code)) {
          note(code);
          field.value = code;
          say(box.dataset.found);
          stop(true); // scanning resumes on the next page
          if (form.requestSubmit) {
            form.requestSubmit();
          } else {
            form.submit();
          }
          return;
        }
      }
      timer = setTimeout(scan, 250);
    }, function () {
      busy = false;
      timer = setTimeout(scan, 500);
    });
  }

  function start() {
    say("");
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      toggle.textContent = box.dataset.stop;
      remember(true);
      return video.play();
    }).then(function () {
      timer = setTimeout(scan, 250);
    }).catch(function () {
      stop(false);
      say(box.dataset.unavailable);
    });
  }

  Promise.resolve(BarcodeDetector.getSupportedFormats ? BarcodeDetector.getSupportedFormats() : ["qr_code"]).then(function (formats) {
    if (formats.indexOf("qr_code") < 0) {
      return;
    }
    detector = new BarcodeDetector({ formats: ["qr_code"] });
    box.hidden = false;
    toggle.addEventListener("click", function () {
      if (stream) {
        stop(false);
      } else {
        start();
      }
    });
    window.addEventListener("pagehide", function () { stop(true); });
    if (wanted()) {
      start();
    }
  }, function () { /* no detector: keep the forms */ });
})();
