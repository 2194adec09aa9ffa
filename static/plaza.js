// Plaza's progressive enhancements. Every page works without this file; with it, Yeahs toggle
// without a reload, "Load more" appends the next page, and the unread count stays current.
(function () {
  "use strict";

  // Yeah without reload: send the same form with fetch and update the button from the answer.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("yeah-form")) return;
    event.preventDefault();
    var button = form.querySelector("button.yeah");
    var give = form.querySelector("input[name=give]");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(new FormData(form)).toString(),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok) { window.alert(result.body.message || "That didn't work."); return; }
      var on = result.body.yeahed;
      button.classList.toggle("on", on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      give.value = on ? "0" : "1";
      var count = form.querySelector(".yeah-count");
      if (count) count.textContent = String(result.body.yeah_count);
    }).catch(function () {
      form.submit();
    }).finally(function () {
      if (button) button.disabled = false;
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

  // Keep the header's unread count current.
  var badge = document.getElementById("unread-count");
  if (badge) {
    setInterval(function () {
      if (document.hidden) return;
      fetch("/notifications/unread.json", { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          if (!body) return;
          badge.textContent = body.unread > 0 ? String(body.unread) : "";
          badge.classList.toggle("hidden", body.unread === 0);
        }).catch(function () {});
    }, 15000);
  }
})();
