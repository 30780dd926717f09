// The console's own script: no inline script anywhere (CSP script-src 'self'); data a page's script needs comes in
// data-* attributes or a <script type="application/json"> block.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // every htmx request carries the session's CSRF token (the server refuses writes without it)
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrfToken();
  });

  // a refusal (403, 409, 422 ...) is an HTML fragment meant to be seen: swap it in instead of dropping it
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status >= 400 && status !== 401) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // the JSON a page hands its script: <script type="application/json" id="..."> (never executed)
  window.cityloopData = function (id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  };
})();
