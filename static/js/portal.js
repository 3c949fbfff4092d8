/* Behaviour every page shares, kept out of the templates so the Content-Security-Policy
   needs no inline script or style:
   - data-width="42" / data-height="320": sizes that come from data (progress bars, charts);
   - <form data-confirm="…">: ask before submitting;
   - <select data-autosubmit>: submit the form on change;
   - [data-swap-refusals]: show htmx's 403 answers (the refusal fragment) instead of dropping them;
   - <a data-back href="…">: back in the history when there is one (the error pages), else the link. */
(function () {
  "use strict";

  function applySizes(root) {
    (root || document).querySelectorAll("[data-width]").forEach(function (el) {
      var v = parseFloat(el.getAttribute("data-width"));
      if (!isNaN(v)) { el.style.width = Math.max(0, Math.min(100, v)) + "%"; }
    });
    (root || document).querySelectorAll("[data-height]").forEach(function (el) {
      var v = parseFloat(el.getAttribute("data-height"));
      if (!isNaN(v)) { el.style.height = v + "px"; }
    });
  }

  applySizes(document);
  document.addEventListener("htmx:afterSettle", function (e) { applySizes(e.target); });

  document.addEventListener("submit", function (e) {
    var form = e.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { e.preventDefault(); }
  }, true);

  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) { el.form.submit(); }
  });

  document.addEventListener("click", function (e) {
    var link = e.target && e.target.closest && e.target.closest("a[data-back]");
    if (link && window.history.length > 1 && document.referrer) {
      e.preventDefault();
      window.history.back();
    }
  });

  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.xhr.status === 403 && document.querySelector("[data-swap-refusals]")) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
})();
