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
    var counted = 0;
    form.querySelectorAll("select").forEach(function (select) {
      if (select.value !== "absent") counted += 1;
    });
    var reached = counted > 0 && counted >= required;
    out.textContent = (reached ? form.dataset.reached : form.dataset.missing) + " (" + counted + " / " + required + ")";
  }
  form.addEventListener("change", update);
  update();
})();
