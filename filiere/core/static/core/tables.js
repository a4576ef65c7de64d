/* Wide tables scroll sideways in their own box instead of widening the page on a phone.
   Every table of the page content gets a .table-scroll wrapper (templates may already give one).
   A wrapper that actually scrolls becomes a focusable, named region, so keyboard users can scroll
   it too (WCAG 2.1.1, axe "scrollable-region-focusable"); one that fits adds no tab stop.
   Without JavaScript a wide table widens the page, which still works. */
(function () {
  function nameOf(box) {
    var table = box.querySelector("table");
    if (!table) return "";
    if (table.caption && table.caption.textContent.trim()) return table.caption.textContent.trim();
    var by = table.getAttribute("aria-labelledby");
    var labelled = by && document.getElementById(by.split(" ")[0]);
    if (labelled) return labelled.textContent.trim();
    if (table.getAttribute("aria-label")) return table.getAttribute("aria-label");
    var heading = box.previousElementSibling;
    while (heading && !/^H[1-6]$/.test(heading.tagName)) heading = heading.previousElementSibling;
    return heading ? heading.textContent.trim() : document.title;
  }

  function update(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("data-scroll-managed", "");
      if (!box.hasAttribute("role")) box.setAttribute("role", "region");
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        box.setAttribute("aria-label", nameOf(box));
      }
    } else if (!scrolls && box.hasAttribute("data-scroll-managed")) {
      box.removeAttribute("tabindex");
      box.removeAttribute("data-scroll-managed");
    }
  }

  // The box that scrolls a table sideways: a template's own (any overflow-x: auto ancestor
  // inside main), else a new .table-scroll wrapper.
  function boxOf(table) {
    for (var el = table.parentElement; el && el.tagName !== "MAIN"; el = el.parentElement) {
      var overflow = getComputedStyle(el).overflowX;
      if (overflow === "auto" || overflow === "scroll") return el;
    }
    var box = document.createElement("div");
    box.className = "table-scroll";
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
    return box;
  }

  // Tells whoever waits (the browser tests, after a resize) that the boxes fit the page as it is.
  function wrapAll() {
    var tables = document.querySelectorAll("main table");
    for (var i = 0; i < tables.length; i++) {
      if (!tables[i].parentElement.closest("table")) update(boxOf(tables[i]));
    }
    document.dispatchEvent(new CustomEvent("tables:checked"));
  }

  document.addEventListener("DOMContentLoaded", wrapAll);
  // htmx swaps in new tables (search results, partials).
  document.addEventListener("htmx:afterSettle", wrapAll);
  var pending;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(wrapAll, 150);
  });
})();
