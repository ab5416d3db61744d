// The daily path's pages: a warning before leaving unsaved changes, error links that put the
// focus in their field, busy request buttons, and a filter box over long pickers.
// Everything works without this file; it only makes the pages kinder.
(function () {
  "use strict";

  // Leaving a page with unsaved changes warns (forms marked data-warn-unsaved).
  var dirty = false;
  var watched = function (el) { return el && el.form && el.form.hasAttribute("data-warn-unsaved"); };
  document.addEventListener("input", function (e) { if (watched(e.target)) { dirty = true; } });
  document.addEventListener("change", function (e) { if (watched(e.target)) { dirty = true; } });
  document.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (e) {
    if (dirty) { e.preventDefault(); e.returnValue = ""; }
  });

  // A link to a field ("#i:grdp_current:value") puts the focus in it, not only the view.
  var focusField = function (hash) {
    if (!hash || hash.length < 2) { return false; }
    var el = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!el || !el.matches("input, select, textarea")) { return false; }
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
    return true;
  };
  document.addEventListener("click", function (e) {
    var a = e.target.closest("a[href^='#']");
    if (a && focusField(a.getAttribute("href"))) {
      e.preventDefault();
      history.replaceState(null, "", a.getAttribute("href"));
    }
  });
  if (location.hash) { focusField(location.hash); }

  // A request button says it is busy, and a second press sends nothing twice.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.hasAttribute("data-busy")) { return; }
    if (form.getAttribute("aria-busy") === "true") { e.preventDefault(); return; }
    form.setAttribute("aria-busy", "true");
    var button = e.submitter || form.querySelector("button");
    if (button) {
      button.setAttribute("aria-busy", "true");
      if (button.dataset.busyText) { button.textContent = button.dataset.busyText; }
    }
  });

  // A filter box over a long select (data-filter-for="id of the select"), accents ignored.
  var fold = function (s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  };
  document.querySelectorAll("input[data-filter-for]").forEach(function (box) {
    var select = document.getElementById(box.dataset.filterFor);
    if (!select) { return; }
    box.hidden = false;
    box.addEventListener("input", function () {
      var q = fold(box.value.trim());
      Array.prototype.forEach.call(select.options, function (o) {
        o.hidden = q !== "" && !o.selected && fold(o.textContent).indexOf(q) < 0;
      });
    });
  });
}());
