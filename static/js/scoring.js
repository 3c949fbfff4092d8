/* Starting a scoring run: choosing a rubric puts the period it is pre-filled with (the
   latest period that is over, of a kind the rubric takes) in the period field.
   <select data-period-target="id-of-the-input"> with <option data-period="2026-Q3">; works
   for forms loaded later by htmx (the dashboard's 发起评分 menu). */
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var select = e.target;
    var target = select && select.getAttribute && select.getAttribute("data-period-target");
    if (!target) { return; }
    var option = select.options[select.selectedIndex];
    var input = document.getElementById(target);
    var period = option && option.getAttribute("data-period");
    if (input && period) { input.value = period; }
  });
})();
