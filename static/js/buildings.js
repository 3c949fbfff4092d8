/* A public form's building choices follow the chosen community: the script tag's
   data-buildings-url answers the <option>s of a community's buildings. */
(function () {
  "use strict";
  var url = document.currentScript && document.currentScript.getAttribute("data-buildings-url");
  var community = document.getElementById("id_community");
  var building = document.getElementById("id_building");
  if (!url || !community || !building || !window.fetch) { return; }
  community.addEventListener("change", function () {
    fetch(url + "?community=" + encodeURIComponent(community.value))
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (html) { building.innerHTML = html; } });
  });
})();
