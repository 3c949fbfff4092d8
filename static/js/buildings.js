/* A public form's building choices follow the chosen community: the script tag's
   data-buildings-url answers at most a hundred <option>s (``q`` searches by name), so a
   community with many buildings gets a search box. */
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-buildings-url");
  var community = document.getElementById("id_community");
  var building = document.getElementById("id_building");
  if (!url || !community || !building || !window.fetch) { return; }
  var search = document.createElement("input");
  search.type = "search";
  search.id = "id_building_q";
  search.className = "form-control form-control-sm mb-1";
  search.placeholder = script.getAttribute("data-placeholder") || "";
  search.setAttribute("aria-label", script.getAttribute("data-label") || "");
  building.parentNode.insertBefore(search, building);
  var timer = null;
  function load() {
    fetch(url + "?community=" + encodeURIComponent(community.value) + "&q=" + encodeURIComponent(search.value.trim()))
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (html) { building.innerHTML = html; } });
  }
  community.addEventListener("change", function () { search.value = ""; load(); });
  search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(load, 300); });
})();
