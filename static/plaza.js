// Plaza's progressive enhancements. Every page works without this file; with it, writes are
// sent again after a lost connection, Yeahs toggle without a reload, "Load more" appends the
// next page, and the unread count stays current.
(function () {
  "use strict";
  // The page's words, in its language, come from the <body>'s data-msg-* attributes.
  var messages = document.body ? document.body.dataset : {};
  var lang = document.documentElement.lang || "en";

  // Writes that survive a lost connection. Every write form carries a key (its hidden
  // idempotency_key field, fresh for each rendered form); the script sends the form itself with
  // that key as Idempotency-Key and, after a network error, a 502/503/504, or a 409 saying the
  // first attempt is still running, sends the same write again with the same key, a few times
  // with growing pauses. The server answers a repeat as it answered the first time, so nothing is
  // written twice. Without this script the form posts as usual, with the same hidden key.
  var RETRIES = 4;
  var FIRST_PAUSE_MS = 500;
  var keyed = "input[name=idempotency_key]";

  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  // A key spent by a write that answered must not name the next one.
  function renewKey(form) {
    var field = form.querySelector(keyed);
    if (field) field.value = newKey();
  }
  // A page restored from the back/forward cache may hold keys already spent.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    Array.prototype.forEach.call(document.querySelectorAll(keyed), function (f) { f.value = newKey(); });
  });

  function transient(response) {
    return response.status === 502 || response.status === 503 || response.status === 504 ||
      (response.status === 409 && response.headers.has("Retry-After"));
  }
  // Sends a write with its key, again after a transient failure; resolves with the answer that
  // is not one, rejects when the attempts run out.
  function sendWrite(url, init, key, retrying) {
    init.headers["Idempotency-Key"] = key;
    init.credentials = "same-origin";
    var attempt = 0;
    return new Promise(function (resolve, reject) {
      function again(failure) {
        if (attempt >= RETRIES) { reject(failure); return; }
        var pause = FIRST_PAUSE_MS * Math.pow(2, attempt);
        var after = failure && failure.headers ? Number(failure.headers.get("Retry-After")) : 0;
        if (after > 0) pause = Math.max(pause, Math.min(after, 5) * 1000);
        attempt += 1;
        if (retrying) retrying(attempt);
        setTimeout(go, pause);
      }
      function go() {
        fetch(url, init).then(function (response) {
          if (transient(response)) again(response); else resolve(response);
        }, again);
      }
      go();
    });
  }

  // A line in the form saying it is being sent again, or that it finally failed.
  function say(form, text, failed) {
    var line = form.querySelector(".send-status");
    if (!line) {
      line = document.createElement("p");
      form.insertBefore(line, form.firstChild);
    }
    line.className = "send-status " + (failed ? "error" : "notice");
    line.setAttribute("role", failed ? "alert" : "status");
    line.textContent = text || "";
  }
  function unsay(form) {
    var line = form.querySelector(".send-status");
    if (line) line.remove();
  }

  // Yeah without reload: send the same form with fetch and update the button from the answer.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("yeah-form")) return;
    event.preventDefault();
    var button = form.querySelector("button.yeah");
    var give = form.querySelector("input[name=give]");
    var key = form.querySelector(keyed);
    // Busy rather than disabled: disabling would throw the keyboard focus off the button.
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    if (button) button.setAttribute("aria-busy", "true");
    sendWrite(form.action, {
      method: "POST",
      headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(new FormData(form)).toString()
    }, key ? key.value : newKey()).then(function (response) {
      renewKey(form);
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok) { window.alert(lang === "en" && result.body.message ? result.body.message : messages.msgFailed); return; }
      var on = result.body.yeahed;
      button.classList.toggle("on", on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      give.value = on ? "0" : "1";
      var count = form.querySelector(".yeah-count");
      if (count) count.textContent = Number(result.body.yeah_count).toLocaleString(lang);
    }).catch(function () {
      // The key is kept: pressing again cannot count twice.
      window.alert(messages.msgSendFailed || messages.msgFailed);
    }).finally(function () {
      delete form.dataset.busy;
      if (button) button.removeAttribute("aria-busy");
    });
  });

  // Every other write form: sent by the script (so a lost connection is retried), then the page
  // goes where the server's redirect says.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.classList || form.classList.contains("yeah-form")) return;
    var key = form.querySelector(keyed);
    if (!key || !window.fetch || !window.crypto || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
    event.preventDefault();
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    var data;
    try { data = new FormData(form, event.submitter); } catch (err) { data = new FormData(form); }
    var multipart = (form.getAttribute("enctype") || "").indexOf("multipart/") === 0;
    var headers = { "Plaza-Redirect": "manual" };
    if (!multipart) headers["Content-Type"] = "application/x-www-form-urlencoded";
    sendWrite(form.action, {
      method: "POST",
      headers: headers,
      body: multipart ? data : new URLSearchParams(data).toString()
    }, key.value, function () { say(form, messages.msgRetrying, false); }).then(function (response) {
      var target = response.headers.get("Plaza-Location");
      if (target) {
        renewKey(form);
        var here = window.location.pathname + window.location.search;
        window.location.assign(target);
        // Only the fragment changed: the browser would not load the page again.
        if (target.split("#")[0] === here && target.indexOf("#") >= 0) window.location.reload();
        return;
      }
      // Any other answer wrote nothing (a form sent back with an error, say): send the form
      // the ordinary way, still with its key, so the browser shows that page as usual.
      HTMLFormElement.prototype.submit.call(form);
    }).catch(function () {
      // The key is kept: sending the form again cannot write twice.
      delete form.dataset.busy;
      say(form, messages.msgSendFailed || messages.msgFailed, true);
    });
  });

  // Load more: fetch the next page and append its items in place.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.load-more") : null;
    if (!link) return;
    event.preventDefault();
    fetch(link.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var selectors = [".post-list", ".comment-list", ".notifications", ".people", ".communities.list"];
      selectors.forEach(function (selector) {
        var here = document.querySelector(selector);
        var there = doc.querySelector(selector);
        if (!here || !there) return;
        Array.prototype.forEach.call(there.children, function (child) {
          if (!child.classList.contains("empty")) here.appendChild(document.importNode(child, true));
        });
      });
      var next = doc.querySelector("a.load-more");
      var container = link.parentNode;
      if (next) { link.href = next.href; } else if (container) { container.remove(); }
    }).catch(function () { window.location.href = link.href; });
  });

  // Keep the header's unread count current: a live stream (Server-Sent Events) where the
  // browser has one, else a poll every 15 seconds. While the server says its live updates are
  // paused (its Redis is down), the page polls too, until the stream says they are back.
  var badge = document.getElementById("unread-count");
  if (badge) {
    var show = function (body) {
      if (!body) return;
      var count = Number(body.unread).toLocaleString(lang);
      badge.textContent = body.unread > 0 ? count : "";
      badge.setAttribute("aria-label", (messages.msgUnread || "{n}").replace("{n}", count));
      badge.classList.toggle("hidden", body.unread === 0);
    };
    var polling = null;
    var poll = function () {
      if (document.hidden) return;
      fetch("/notifications/unread.json", { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(show).catch(function () {});
    };
    var startPolling = function () {
      if (polling === null) polling = setInterval(poll, 15000);
      document.body.dataset.live = "paused";
    };
    var stopPolling = function () {
      if (polling !== null) clearInterval(polling);
      polling = null;
      document.body.dataset.live = "on";
    };
    if (window.EventSource) {
      var live = new EventSource("/notifications/stream");
      live.addEventListener("unread", function (e) {
        try { show(JSON.parse(e.data)); } catch (err) { /* a malformed event is skipped */ }
      });
      live.addEventListener("paused", function () { poll(); startPolling(); });
      live.addEventListener("resumed", stopPolling);
      // A new stream (after a reconnect) says "paused" again at once if it still is.
      live.addEventListener("open", stopPolling);
    } else {
      startPolling();
    }
  }
})();

// The drawing canvas: 320x120, black on white, pen in three sizes, eraser, undo, redo, clear,
// with mouse, touch and pen through Pointer Events. Without this script the form posts text.
(function () {
  "use strict";
  var tools = document.querySelector("[data-canvas]");
  if (!tools) return;
  var form = tools.closest("form");
  var canvas = tools.querySelector("canvas");
  var field = form.querySelector("[data-painting]");
  var body = form.querySelector("[data-body]");
  var caption = document.body.dataset.msgCaption || "";
  var ctx = canvas.getContext("2d");
  var tool = "pen", size = 1, drawing = false, last = null;
  var history = [], future = [];
  tools.hidden = false;

  function blankCanvas() {
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  }
  function snapshot() {
    history.push(ctx.getImageData(0, 0, canvas.width, canvas.height));
    if (history.length > 50) history.shift();
    future = [];
  }
  function point(event) {
    var rect = canvas.getBoundingClientRect();
    return {
      x: (event.clientX - rect.left) * canvas.width / rect.width,
      y: (event.clientY - rect.top) * canvas.height / rect.height
    };
  }
  function stroke(from, to) {
    ctx.strokeStyle = tool === "eraser" ? "#fff" : "#000";
    ctx.fillStyle = ctx.strokeStyle;
    ctx.lineWidth = size;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x + 0.01, to.y + 0.01);
    ctx.stroke();
  }
  function isBlank() {
    var data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    for (var i = 0; i < data.length; i += 4) {
      if (data[i] < 128) return false;
    }
    return true;
  }
  function sync() {
    // Text is optional once there is a picture; the server says so too.
    if (body) body.placeholder = isBlank() ? "" : caption;
  }

  blankCanvas();
  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    snapshot();
    drawing = true;
    last = point(event);
    stroke(last, last);
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) return;
    var p = point(event);
    stroke(last, p);
    last = p;
  });
  function stop() {
    if (!drawing) return;
    drawing = false;
    sync();
  }
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);

  tools.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.tool) {
      tool = button.dataset.tool;
      size = Number(button.dataset.size);
      tools.querySelectorAll("[data-tool]").forEach(function (b) {
        b.setAttribute("aria-pressed", b === button ? "true" : "false");
      });
    } else if (button.dataset.action === "undo" && history.length) {
      future.push(ctx.getImageData(0, 0, canvas.width, canvas.height));
      ctx.putImageData(history.pop(), 0, 0);
    } else if (button.dataset.action === "redo" && future.length) {
      history.push(ctx.getImageData(0, 0, canvas.width, canvas.height));
      ctx.putImageData(future.pop(), 0, 0);
    } else if (button.dataset.action === "clear") {
      snapshot();
      blankCanvas();
    }
    sync();
  });

  form.addEventListener("submit", function () {
    field.value = isBlank() ? "" : canvas.toDataURL("image/png").split(",")[1];
  });
})();
