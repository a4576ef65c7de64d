// The attendance sheet: shows, as the rows change, whether the quorum would be reached
// (present or represented seats against the seats required). The page works without it; the
// quorum that counts is the one computed from the recorded sheet.
(function () {
  "use strict";
  var form = document.querySelector("form[data-quorum-required]");
  var out = document.getElementById("quorum-preview");
  if (!form || !out) return;
  var required = parseInt(form.dataset.quorumRequired, 10);
  function update() {
    // Present, or represented by a proxy to someone present (the other proxies are refused).
    var values = {};
    form.querySelectorAll("select").forEach(function (select) { values[select.name] = select.value; });
    var counted = 0;
    Object.keys(values).forEach(function (name) {
      var value = values[name];
      if (value === "present") counted += 1;
      else if (value.indexOf("proxy-") === 0 && values["seat_" + value.slice(6)] === "present") counted += 1;
    });
    var reached = counted > 0 && counted >= required;
    out.textContent = (reached ? form.dataset.reached : form.dataset.missing) + " (" + counted + " / " + required + ")";
  }
  form.addEventListener("change", update);
  update();
})();
