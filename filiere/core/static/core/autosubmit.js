/* Selects marked data-autosubmit send their form as soon as they change (the language selector).
   In a static file, not an onchange attribute: the Content-Security-Policy forbids inline scripts.
   Without JavaScript the form's own button (in <noscript>) sends it. */
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});
