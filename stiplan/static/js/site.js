// Every page: the header's menu button on narrow screens, and wide tables that scroll in their box.
(function () {
  "use strict";

  // The header collapses behind its menu button (CSS shows the button only on narrow screens;
  // without this script the menu simply stays open).
  function collapsibleHeader() {
    const header = document.querySelector("[data-menu]");
    const toggle = header && header.querySelector(".menu-toggle");
    if (!toggle) return;
    header.classList.add("collapsible");
    toggle.hidden = false;
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      header.classList.toggle("open", open);
    });
  }

  // A table wider than the screen scrolls inside a box that the keyboard can reach and that a
  // screen reader names after the table's caption or heading.
  function scrollableTables() {
    for (const table of document.querySelectorAll("main table")) {
      let box = table.parentElement;
      if (!box.classList.contains("table-scroll")) {
        box = document.createElement("div");
        box.className = "table-scroll";
        table.replaceWith(box);
        box.appendChild(table);
      }
      if (box.scrollWidth > box.clientWidth + 1 && !box.hasAttribute("tabindex")) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        const caption = table.caption || box.previousElementSibling;
        const label = caption && caption.textContent.trim();
        box.setAttribute("aria-label", label || document.title);
      }
    }
  }

  function start() {
    collapsibleHeader();
    scrollableTables();
    window.addEventListener("resize", scrollableTables);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
