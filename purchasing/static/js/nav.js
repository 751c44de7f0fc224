/* The main menu on a phone (under 600 CSS pixels): closed to one "Menu" line when the page opens, so that the
   page's own content starts on the first screen; the native <details> opens it (keyboard and screen readers
   included). Without scripts the menu stays open, as on a wide screen. No inline script (CSP). */
(function () {
  "use strict";
  var toggle = document.querySelector("details.main-nav__toggle");
  if (toggle && window.matchMedia && window.matchMedia("(max-width: 37.5rem)").matches) {
    toggle.open = false;
  }
})();
