// Exercise library filters (/exercises/). Progressive enhancement: without
// JavaScript the page is the grouped lists by body area. With it, the filter
// form is shown; ticking options (OR within a group, AND across groups)
// swaps the grouped lists for one grid holding each matching exercise once.
// The choice lives in the query string (?area=knee&equipment=none&level=beginner,
// repeated keys for several values) so a filtered view can be shared.
(function () {
  "use strict";

  var form = document.getElementById("library-filter");
  var groups = document.getElementById("library-groups");
  var results = document.getElementById("library-results");
  if (!form || !groups || !results || !window.URLSearchParams || !window.history.replaceState) return;

  var KEYS = ["area", "equipment", "level"];
  var grid = results.querySelector("[data-results]");
  var empty = results.querySelector("[data-empty]");
  var status = document.getElementById("library-status");
  var clear = form.querySelector(".filter-clear");
  var panel = form.querySelector(".filter-panel");
  var chosenText = form.querySelector("[data-chosen]");
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox]"));

  function split(text, separator) {
    return (text || "").split(separator).map(function (s) { return s.trim(); }).filter(Boolean);
  }

  // One entry per exercise (a card appears under each of its body areas),
  // cloned once into the results grid, in title order.
  var seen = Object.create(null);
  var items = [];
  Array.prototype.forEach.call(groups.querySelectorAll(".exercise-card"), function (card) {
    var link = card.querySelector(".card-title a");
    var key = link ? link.getAttribute("href") : card.textContent;
    if (seen[key]) return;
    seen[key] = true;
    // "kettlebell or dumbbell" counts as either; bodyweight exercises say "none".
    var equipment = [];
    split(card.getAttribute("data-equipment"), "|").forEach(function (item) {
      split(item, " or ").forEach(function (part) {
        if (equipment.indexOf(part) < 0) equipment.push(part);
      });
    });
    items.push({
      card: card.cloneNode(true),
      title: link ? link.textContent.trim() : "",
      values: {
        area: split(card.getAttribute("data-areas"), " "),
        equipment: equipment,
        level: split(card.getAttribute("data-level"), " ")
      }
    });
  });
  var collator = new Intl.Collator(document.documentElement.lang || undefined, { sensitivity: "base", numeric: true });
  items.sort(function (a, b) { return collator.compare(a.title, b.title); });
  items.forEach(function (item) { grid.appendChild(item.card); });

  function selection() {
    var chosen = { area: [], equipment: [], level: [] };
    inputs.forEach(function (input) {
      if (input.checked && chosen[input.name]) chosen[input.name].push(input.value);
    });
    return chosen;
  }

  // Does the exercise pass every group's filter (an empty group passes all),
  // ignoring the group `skip`?
  function matches(item, chosen, skip) {
    return KEYS.every(function (key) {
      if (key === skip || !chosen[key].length) return true;
      return chosen[key].some(function (value) { return item.values[key].indexOf(value) >= 0; });
    });
  }

  function plural(n) {
    return n === 1 ? "1 exercise" : n + " exercises"; // 0 exercises: the results area explains
  }

  function setText(el, text) {
    if (el.textContent !== text) el.textContent = text;
  }

  function writeUrl() {
    var params = new URLSearchParams(window.location.search);
    KEYS.forEach(function (key) { params.delete(key); });
    inputs.forEach(function (input) {
      if (input.checked) params.append(input.name, input.value);
    });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(window.history.state, "", url);
    }
  }

  function update() {
    var chosen = selection();
    var active = KEYS.some(function (key) { return chosen[key].length > 0; });
    var shown = 0;
    items.forEach(function (item) {
      var show = matches(item, chosen);
      item.card.hidden = !show;
      if (show) shown += 1;
    });
    groups.hidden = active;
    results.hidden = !active;
    grid.hidden = shown === 0;
    empty.hidden = shown > 0;
    clear.hidden = !active;
    form.classList.toggle("is-filtered", active);
    // The panel's summary names the chosen options, so they show while it is closed.
    var names = inputs.filter(function (input) { return input.checked; }).map(function (input) {
      var name = input.closest("label").querySelector(".filter-name");
      return (name || input).textContent.trim() || input.value;
    });
    setText(chosenText, names.join(" · "));
    chosenText.hidden = !names.length;
    setText(status, plural(active ? shown : items.length));

    // Each option's count: how many exercises it would show, given the other groups.
    inputs.forEach(function (input) {
      var n = 0;
      items.forEach(function (item) {
        if (item.values[input.name].indexOf(input.value) >= 0 && matches(item, chosen, input.name)) n += 1;
      });
      var label = input.closest("label");
      var count = label && label.querySelector("[data-count]");
      if (count) setText(count, String(n));
      if (label) label.classList.toggle("is-empty", n === 0 && !input.checked);
    });
    writeUrl();
  }

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    inputs.forEach(function (input) {
      var wanted = params.getAll(input.name).map(function (v) { return v.trim().toLowerCase(); });
      input.checked = wanted.indexOf(input.value.toLowerCase()) >= 0;
    });
  }

  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    update();
  });
  clear.addEventListener("click", function () {
    inputs.forEach(function (input) { input.checked = false; });
    update();
    // The button hides itself: keep focus in the form.
    if (panel.open && inputs.length) inputs[0].focus();
    else panel.querySelector("summary").focus();
  });
  // Back/forward cache: make the form and view follow the URL again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      readUrl();
      update();
    }
  });

  readUrl();
  // Open on wide screens, closed on phones: set by the page before it is drawn (exercise_list.html).
  update();
})();
