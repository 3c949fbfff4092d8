/* Pickers: a <select data-picker="URL"> (dangjian.forms.PickerField) holds only the chosen
   option(s).  This script puts a search box beside it; typing asks URL?q=… for at most a
   page of matching options ({"results": [{id, text}], "more": bool}) and shows them as a
   list to tap.  A multiple picker shows its chosen entries as removable chips.  No inline
   script or style: the Content-Security-Policy holds. */
(function () {
  "use strict";
  if (!window.fetch) { return; }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function setup(select) {
    if (select.getAttribute("data-picker-ready")) { return; }
    select.setAttribute("data-picker-ready", "1");
    var url = select.getAttribute("data-picker");
    var multiple = select.multiple;
    var box = el("div", "picker mb-1");
    var search = el("input", "form-control form-control-sm");
    search.type = "search";
    search.id = select.id + "_q";
    search.autocomplete = "off";
    search.placeholder = select.getAttribute("data-picker-placeholder") || "";
    search.setAttribute("aria-label", search.placeholder);
    search.setAttribute("aria-controls", select.id + "_options");
    search.setAttribute("data-testid", "picker-search");
    var list = el("div", "list-group picker-options d-none");
    list.id = select.id + "_options";
    list.setAttribute("role", "listbox");
    var chips = el("div", "picker-chips d-flex flex-wrap gap-1 mt-1");
    box.appendChild(search);
    box.appendChild(list);
    select.parentNode.insertBefore(box, select);
    if (multiple) {
      select.classList.add("d-none");
      box.appendChild(chips);
    }

    function renderChips() {
      if (!multiple) { return; }
      chips.textContent = "";
      Array.prototype.forEach.call(select.options, function (opt) {
        if (!opt.selected) { return; }
        var chip = el("span", "badge text-bg-light border d-inline-flex align-items-center", opt.textContent);
        var remove = el("button", "btn-close btn-close-sm ms-1");
        remove.type = "button";
        remove.setAttribute("aria-label", "移除 " + opt.textContent);
        remove.addEventListener("click", function () {
          opt.remove();
          renderChips();
          select.dispatchEvent(new Event("change", { bubbles: true }));
        });
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
    }

    function choose(id, text) {
      var value = String(id);
      var existing = Array.prototype.find.call(select.options, function (o) { return o.value === value; });
      if (!multiple) {
        Array.prototype.slice.call(select.options).forEach(function (o) {
          if (o.value !== "" && o.value !== value) { o.remove(); }
        });
      }
      if (!existing) {
        existing = new Option(text, value, true, true);
        select.appendChild(existing);
      }
      existing.selected = true;
      search.value = "";
      list.classList.add("d-none");
      list.textContent = "";
      renderChips();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(data) {
      list.textContent = "";
      (data.results || []).forEach(function (row) {
        var item = el("button", "list-group-item list-group-item-action py-2", row.text);
        item.type = "button";
        item.setAttribute("role", "option");
        item.setAttribute("data-id", row.id);
        item.addEventListener("click", function () { choose(row.id, row.text); });
        list.appendChild(item);
      });
      if (!data.results || !data.results.length) {
        list.appendChild(el("div", "list-group-item text-muted small", select.getAttribute("data-picker-none") || "没有匹配的结果"));
      } else if (data.more) {
        list.appendChild(el("div", "list-group-item text-muted small", select.getAttribute("data-picker-more") || "还有更多结果，请输入更多文字缩小范围"));
      }
      list.classList.remove("d-none");
    }

    var timer = null;
    var seq = 0;
    function load() {
      var mine = ++seq;
      var sep = url.indexOf("?") < 0 ? "?" : "&";
      fetch(url + sep + "q=" + encodeURIComponent(search.value.trim()), {
        credentials: "same-origin", headers: { "Accept": "application/json" },
      })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { if (mine === seq) { show(data); } })
        .catch(function () { /* offline: the chosen options stay */ });
    }
    search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(load, 250); });
    search.addEventListener("focus", function () { if (!list.children.length) { load(); } });
    search.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();  // never submit the form from the search box
        var first = list.querySelector("[data-id]");
        if (first) { first.click(); }
      } else if (e.key === "Escape") {
        list.classList.add("d-none");
      }
    });
    renderChips();
  }

  function scan(root) {
    (root || document).querySelectorAll("select[data-picker]").forEach(setup);
  }
  scan(document);
  document.addEventListener("htmx:afterSettle", function (e) { scan(e.target); });
})();
