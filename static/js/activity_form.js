/* The activity form: steps and service hours shown for the chosen type, the quorum figure
   live, "all present" / "clear" for the attendance rows. */
(function () {
  var types = JSON.parse(document.getElementById("type-options").textContent);
  var select = document.getElementById("id_activity_type");
  var box = document.getElementById("quorum-box");
  var rows = Array.prototype.slice.call(document.querySelectorAll(".attendance-row"));
  function show(el, on) { if (el) { el.hidden = !on; } }
  function update() {
    var t = types[select.value] || {};
    show(document.getElementById("step-wrap"), !!t.steps);
    show(document.getElementById("hours-wrap"), !!t.service);
    if (!t.quorum) { box.hidden = true; return; }
    var flag = t.quorum === "committee" ? "committee" : "full";
    var expected = 0, present = 0;
    rows.forEach(function (r) {
      if (r.dataset[flag] !== "1") { return; }
      expected += 1;
      var p = r.querySelector("input[value=present]");
      if (p && p.checked) { present += 1; }
    });
    var met = expected > 0 && present * 2 > expected;
    var basis = flag === "committee" ? box.dataset.committeeLabel : box.dataset.fullLabel;
    box.textContent = box.dataset.text.replace("%(basis)s", basis).replace("%(expected)s", expected).replace("%(present)s", present)
      + (met ? box.dataset.met : box.dataset.notMet);
    box.className = "alert py-2 " + (met ? "alert-success" : "alert-warning");
    box.hidden = false;
  }
  function setAll(value) {
    rows.forEach(function (r) {
      var input = r.querySelector("input[type=radio][value='" + value + "']");
      if (input) { input.checked = true; }
    });
    update();
  }
  document.getElementById("all-present").addEventListener("click", function () { setAll("present"); });
  document.getElementById("all-clear").addEventListener("click", function () { setAll(""); });
  document.querySelector("[data-testid=activity-form]").addEventListener("change", update);
  update();
})();
