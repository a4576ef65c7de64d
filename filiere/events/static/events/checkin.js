/* Check-in at the door on a phone with a poor connection.
   The form works without JavaScript (one code per POST). With it, the code is sent with fetch;
   when the network fails the code is kept in localStorage and sent again when the phone is back
   online (and every 20 s), so no arrival is lost. The server counts a code twice as once, so a
   retry that did reach it before is harmless. In a static file: the CSP forbids inline scripts. */
(function () {
  var form = document.getElementById("checkin-form");
  if (!form || !window.fetch || !window.localStorage) return;
  var key = "filiere-checkin-" + form.dataset.event;
  var result = document.getElementById("checkin-result");
  var pendingLine = document.getElementById("checkin-pending");
  var input = form.querySelector("input[name=code]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function queue() { try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; } }
  function save(codes) { localStorage.setItem(key, JSON.stringify(codes)); showPending(); }
  function showPending() {
    var codes = queue();
    pendingLine.hidden = codes.length === 0;
    pendingLine.textContent = form.dataset.pending + " " + codes.length;
  }
  function show(text, kind) {
    result.textContent = "";
    var p = document.createElement("p");
    p.className = kind;
    p.textContent = text;
    result.appendChild(p);
  }
  function send(code) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf);
    body.append("code", code);
    return fetch(form.action || window.location.pathname, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf }
    }).then(function (response) {
      return response.json().then(function (data) { return data; });
    });
  }
  function flush() {
    var codes = queue();
    if (!codes.length) return;
    var code = codes[0];
    send(code).then(function (data) {
      save(queue().filter(function (c) { return c !== code; }));
      show(data.message, data.ok ? (data.already ? "warn" : "good") : "bad");
      flush();
    }, function () { /* still offline: keep it */ });
  }
  form.addEventListener("submit", function (event) {
    var code = input.value.trim();
    if (!code) return;
    event.preventDefault();
    send(code).then(function (data) {
      show(data.message, data.ok ? (data.already ? "warn" : "good") : "bad");
      input.value = "";
      input.focus();
    }, function () {
      var codes = queue();
      if (codes.indexOf(code) < 0) codes.push(code);
      save(codes);
      show(form.dataset.queued, "warn");
      input.value = "";
    });
  });
  window.addEventListener("online", flush);
  setInterval(flush, 20000);
  showPending();
  flush();
})();
