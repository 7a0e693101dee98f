/* The routine builder at /routines/builder/: pick exercises from the library,
   set each dose, and print a one-page card in the same design as the PDF cards.

   Progressive enhancement: the page ships #builder hidden; this script loads the
   library (exercises.json), fills the builder in and shows it. Every string from
   the data is put in the page as text (createElement/textContent), never as HTML.

   The routine lives in the query string, rewritten with history.replaceState on
   every change, so the address can be bookmarked or shared:

     ?title=Knee%20day&t=3&w=6&e=goblet-squat.3x10.r90,bird-dog.2x30s.s.r45

     title  the card's title (at most 60 characters; "My routine" when missing)
     t      times a week, 1-7 (default 3)
     w      weeks, 1-12 (default 6)
     e      the exercises in order, comma-separated, at most 12. Each one is
            SLUG[.SETSxREPS | .SETSxSECONDSs][.s][.rREST]:
              3x10   3 sets of 10 reps        3x30s  3 sets of 30 seconds
              .s     each side                .r60   60 s rest (no .r: no rest)
            A bare SLUG takes the exercise's usual dose; once the SETSx part is
            there, the dose is exactly what is written.

   When reading an address, unknown slugs and repeats are skipped, parts that
   do not parse are ignored and every number is clamped to its range. */
(function () {
  "use strict";

  const root = document.getElementById("builder");
  if (!root || !window.fetch || !window.URLSearchParams || !window.history || !history.replaceState) return;

  const DEFAULTS = { title: "My routine", times: 3, weeks: 6 };
  const LIMITS = {
    sets: [1, 10], reps: [1, 100], seconds: [5, 3600], rest: [0, 600], times: [1, 7], weeks: [1, 12],
  };
  const MAX_EXERCISES = 12;
  const TITLE_MAX = 60;
  const SECONDS_PER_REP = 4; // for the "about N minutes" estimate, which matches the ready-made routines
  // The card's compaction levels (generator/pdf/card.py LEVELS): 2 up to 6 exercises, 3 up to 10, then 4.
  const LAYOUTS = { 2: { cues: 2, why: true }, 3: { cues: 2, why: true }, 4: { cues: 1, why: false } };

  const $ = (name) => root.querySelector(`[data-${name}]`);
  const ui = {
    loading: $("loading"), notice: $("notice"), ready: $("ready"), count: $("count"),
    search: $("search"), areas: $("areas"), noEquipment: $("no-equipment"), results: $("results"),
    noResults: $("no-results"), clearFilters: $("clear-filters"), library: $("library"),
    title: $("title"), times: $("times"), weeks: $("weeks"), empty: $("empty"), list: $("list"),
    total: $("total"), print: $("print"), copy: $("copy"), reset: $("reset"), hint: $("hint"),
    share: $("share"), shareUrl: $("share-url"), frame: $("frame"), preview: $("preview"), status: $("status"),
  };
  const printCard = document.getElementById("builder-card");

  const state = { title: DEFAULTS.title, times: DEFAULTS.times, weeks: DEFAULTS.weeks, items: [] };
  const bySlug = new Map(); // slug -> exercise
  const libraryRows = new Map(); // slug -> {li, button, label}
  const itemRows = new Map(); // item -> {li, ...controls}
  let data = null;
  let uid = 0;

  /* ---------- small helpers ---------- */

  // h("p", {class: "x"}, "text", child): an element; strings become text nodes.
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") el.className = value;
      else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  const hidden = (text) => h("span", { class: "visually-hidden" }, text);

  function clamp(value, range, fallback) {
    const n = typeof value === "number" ? value : /^\s*-?\d+\s*$/.test(String(value)) ? parseInt(value, 10) : NaN;
    if (!Number.isFinite(n)) return fallback;
    return Math.min(range[1], Math.max(range[0], Math.round(n)));
  }

  // Only http(s) and same-site addresses from the data end up in src/href.
  function safeUrl(value) {
    if (typeof value !== "string" || !value) return null;
    try {
      const url = new URL(value, location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  const text = (value) => (typeof value === "string" ? value : value === null || value === undefined ? "" : String(value));
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

  let statusTimer = 0;
  function announce(message) {
    ui.status.textContent = "";
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => { ui.status.textContent = message; }, 60);
  }

  /* ---------- doses: the same words as Dose.amount / Dose.text in generator/model.py ---------- */

  function amountText(dose) {
    let each;
    if (dose.seconds !== null && dose.seconds !== undefined) {
      each = dose.seconds >= 120 && dose.seconds % 60 === 0 ? `${dose.seconds / 60} min` : `${dose.seconds} s`;
    } else {
      each = String(dose.reps);
    }
    return `${dose.sets} x ${each}` + (dose.per_side ? " each side" : "");
  }

  function doseText(dose) {
    return [amountText(dose), dose.rest_seconds ? `rest ${dose.rest_seconds} s` : ""].filter(Boolean).join(", ");
  }

  function itemDose(item) {
    return {
      sets: item.sets,
      reps: item.mode === "reps" ? item.reps : null,
      seconds: item.mode === "seconds" ? item.seconds : null,
      per_side: item.perSide,
      rest_seconds: item.rest,
    };
  }

  // Rough minutes for one session: work (4 s a rep) on each side plus rest after every set,
  // rounded to 5 minutes. Gives the ready-made routines' own figures.
  function sessionMinutes() {
    let seconds = 0;
    for (const item of state.items) {
      const work = item.mode === "seconds" ? item.seconds : item.reps * SECONDS_PER_REP;
      seconds += item.sets * (work * (item.perSide ? 2 : 1) + item.rest);
    }
    return Math.max(5, Math.round(seconds / 300) * 5);
  }

  /* ---------- state ---------- */

  function newItem(exercise) {
    const dose = exercise.dose || {};
    const seconds = clamp(dose.seconds, LIMITS.seconds, null);
    return {
      ex: exercise,
      id: `b-${++uid}`,
      sets: clamp(dose.sets, LIMITS.sets, 3),
      mode: seconds !== null && !dose.reps ? "seconds" : "reps",
      reps: clamp(dose.reps, LIMITS.reps, 10),
      seconds: seconds === null ? 30 : seconds,
      perSide: Boolean(dose.per_side),
      rest: clamp(dose.rest_seconds, LIMITS.rest, 0),
    };
  }

  const cardTitle = () => state.title.replace(/\s+/g, " ").trim() || DEFAULTS.title;

  function itemToken(item) {
    let token = `${encodeURIComponent(item.ex.slug)}.${item.sets}x${item.mode === "seconds" ? `${item.seconds}s` : item.reps}`;
    if (item.perSide) token += ".s";
    if (item.rest) token += `.r${item.rest}`;
    return token;
  }

  function writeUrl() {
    const blank = !state.items.length && cardTitle() === DEFAULTS.title &&
      state.times === DEFAULTS.times && state.weeks === DEFAULTS.weeks;
    const query = blank ? "" : `?title=${encodeURIComponent(cardTitle())}&t=${state.times}&w=${state.weeks}` +
      `&e=${state.items.map(itemToken).join(",")}`;
    const url = location.pathname + query;
    if (url !== location.pathname + location.search) history.replaceState(history.state, "", url);
    if (!ui.share.hidden) ui.shareUrl.value = location.href;
  }

  // Reads the routine from the address; returns how many exercises it had to leave out.
  function readUrl() {
    const query = new URLSearchParams(location.search);
    state.title = text(query.get("title")).replace(/\s+/g, " ").trim().slice(0, TITLE_MAX) || DEFAULTS.title;
    state.times = clamp(query.get("t"), LIMITS.times, DEFAULTS.times);
    state.weeks = clamp(query.get("w"), LIMITS.weeks, DEFAULTS.weeks);
    state.items = [];
    let skipped = 0;
    for (const token of text(query.get("e")).split(",")) {
      if (!token.trim()) continue;
      const [slug, ...parts] = token.trim().split(".");
      const exercise = bySlug.get(slug.toLowerCase());
      if (exercise && state.items.some((item) => item.ex === exercise)) continue;
      if (!exercise || state.items.length >= MAX_EXERCISES) { skipped += 1; continue; }
      const item = newItem(exercise);
      const dose = { perSide: false, rest: 0, found: false };
      for (const part of parts) {
        const amount = /^(\d{1,4})x(\d{1,5})(s?)$/i.exec(part);
        const rest = /^r(\d{1,5})$/i.exec(part);
        if (amount) {
          dose.found = true;
          item.sets = clamp(Number(amount[1]), LIMITS.sets, item.sets);
          if (amount[3]) {
            item.mode = "seconds";
            item.seconds = clamp(Number(amount[2]), LIMITS.seconds, item.seconds);
          } else {
            item.mode = "reps";
            item.reps = clamp(Number(amount[2]), LIMITS.reps, item.reps);
          }
        } else if (part.toLowerCase() === "s") {
          dose.perSide = true;
        } else if (rest) {
          dose.rest = clamp(Number(rest[1]), LIMITS.rest, 0);
        }
      }
      if (dose.found) {
        item.perSide = dose.perSide;
        item.rest = dose.rest;
      }
      state.items.push(item);
    }
    return skipped;
  }

  /* ---------- the library ---------- */

  function areaNames(exercise) {
    return (exercise.areas || []).map((area) => text(area.name)).filter(Boolean);
  }

  function buildLibrary() {
    const areas = new Map();
    for (const exercise of data.exercises) {
      for (const area of exercise.areas || []) {
        const key = text(area.slug);
        areas.set(key, { name: text(area.name), count: (areas.get(key) || { count: 0 }).count + 1 });
      }
    }
    const chip = (value, label, count, checked) => {
      const id = `b-area-${value || "all"}`;
      return h("span", { class: "b-chip" },
        h("input", { type: "radio", name: "b-area", id, value, checked, onchange: filterLibrary }),
        h("label", { for: id }, label, " ", h("span", { class: "b-chip-count" }, `(${count})`)));
    };
    ui.areas.append(chip("", "All", data.exercises.length, true));
    for (const [slug, area] of areas) ui.areas.append(chip(slug, area.name, area.count, false));

    const sorted = data.exercises.slice().sort((a, b) => a.title.localeCompare(b.title));
    for (const exercise of sorted) {
      const image = safeUrl(exercise.image);
      const link = safeUrl(exercise.url);
      const label = h("span", { class: "b-add-label" }, "Add");
      const button = h("button", { type: "button", class: "b-add", "aria-describedby": `b-lib-${exercise.slug}-dose`,
        onclick: () => toggle(exercise, button) }, label, hidden(` ${exercise.title}`));
      const equipment = (exercise.equipment || []).map(text).filter(Boolean);
      const meta = [areaNames(exercise).join(", "), text(exercise.level), equipment.length ? equipment.join(", ") : "no equipment"]
        .filter(Boolean).join(" · ");
      const li = h("li", { class: "b-lib-item" },
        h("div", { class: "b-thumb" }, image ? h("img", { src: image, alt: text(exercise.alt), width: 400, height: 300, loading: "lazy" }) : null),
        h("div", { class: "b-lib-body" },
          h("h3", { class: "b-lib-name" }, link ? h("a", { href: link }, exercise.title) : exercise.title),
          h("p", { class: "b-lib-dose dose", id: `b-lib-${exercise.slug}-dose` }, doseText(exercise.dose)),
          h("p", { class: "b-lib-meta" }, meta),
          h("p", { class: "b-lib-added" }, "✓ In your routine")),
        button);
      libraryRows.set(exercise.slug, { li, button, label, exercise,
        haystack: fold([exercise.title, exercise.summary, areaNames(exercise).join(" "), equipment.join(" "), exercise.level].map(text).join(" ")) });
      ui.library.append(li);
    }
    ui.search.addEventListener("input", filterLibrary);
    ui.noEquipment.addEventListener("change", filterLibrary);
    ui.clearFilters.addEventListener("click", () => {
      ui.search.value = "";
      ui.noEquipment.checked = false;
      ui.areas.querySelector("input[value='']").checked = true;
      filterLibrary();
      ui.search.focus();
    });
  }

  function fold(value) {
    return value.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function filterLibrary() {
    const words = fold(ui.search.value).split(/\s+/).filter(Boolean);
    const checked = ui.areas.querySelector("input:checked");
    const area = checked ? checked.value : "";
    const noEquipment = ui.noEquipment.checked;
    let shown = 0;
    for (const row of libraryRows.values()) {
      const ex = row.exercise;
      const match = words.every((word) => row.haystack.includes(word)) &&
        (!area || (ex.areas || []).some((a) => a.slug === area)) &&
        (!noEquipment || !(ex.equipment || []).length);
      row.li.hidden = !match;
      if (match) shown += 1;
    }
    const total = libraryRows.size;
    ui.results.textContent = shown === total ? `Showing all ${total} exercises.` : shown ? `Showing ${shown} of ${total} exercises.` : "";
    ui.noResults.hidden = shown > 0;
  }

  function updateLibrary() {
    const full = state.items.length >= MAX_EXERCISES;
    for (const row of libraryRows.values()) {
      const added = state.items.some((item) => item.ex === row.exercise);
      row.li.classList.toggle("is-added", added);
      row.button.classList.toggle("is-added", added);
      row.label.textContent = added ? "Remove" : "Add";
      if (!added && full) row.button.setAttribute("aria-disabled", "true");
      else row.button.removeAttribute("aria-disabled");
    }
    ui.count.textContent = String(state.items.length);
  }

  /* ---------- the routine list ---------- */

  // A labelled number box: every valid keystroke updates the routine; leaving it shows the clamped value.
  function numberField(id, label, range, value, onValue) {
    const input = h("input", { id, type: "number", inputmode: "numeric", min: range[0], max: range[1], step: 1, value });
    input.dataset.value = value;
    const take = () => {
      const n = clamp(input.value, [Number(input.min), Number(input.max)], null);
      if (n === null) return;
      input.dataset.value = n;
      onValue(n);
    };
    input.addEventListener("input", take);
    input.addEventListener("change", () => { take(); input.value = input.dataset.value; });
    const labelEl = h("label", { for: id }, label);
    return { field: h("div", { class: "b-field b-field-num" }, labelEl, input), input, labelEl };
  }

  function buildItem(item) {
    const ex = item.ex;
    const id = item.id;
    const image = safeUrl(ex.image);
    const row = {};
    const changed = () => { row.dose.textContent = doseText(itemDose(item)); refresh(); };

    const sets = numberField(`${id}-sets`, "Sets", LIMITS.sets, item.sets, (n) => { item.sets = n; changed(); });
    const amount = numberField(`${id}-amount`, item.mode === "seconds" ? "Seconds" : "Reps", LIMITS[item.mode], item[item.mode],
      (n) => { item[item.mode] = n; changed(); });
    const rest = numberField(`${id}-rest`, "Rest (sec)", LIMITS.rest, item.rest, (n) => { item.rest = n; changed(); });
    rest.input.step = 5;

    // Count in reps or seconds: a pair of radio buttons, styled as a switch.
    const setMode = (mode) => {
      item.mode = mode;
      const range = LIMITS[mode];
      amount.labelEl.textContent = mode === "seconds" ? "Seconds" : "Reps";
      amount.input.min = range[0];
      amount.input.max = range[1];
      amount.input.step = mode === "seconds" ? 5 : 1;
      amount.input.value = amount.input.dataset.value = item[mode];
      changed();
    };
    const modeRadio = (mode, label) => {
      const radio = h("input", { type: "radio", name: `${id}-mode`, id: `${id}-${mode}`, value: mode, checked: item.mode === mode,
        onchange: () => setMode(mode) });
      return h("span", { class: "b-seg" }, radio, h("label", { for: `${id}-${mode}` }, label));
    };
    amount.input.step = item.mode === "seconds" ? 5 : 1;
    const mode = h("fieldset", { class: "b-mode" }, h("legend", {}, "Count"), h("span", { class: "b-segs" }, modeRadio("reps", "Reps"), modeRadio("seconds", "Seconds")));
    const sideBox = h("input", { type: "checkbox", id: `${id}-side`, checked: item.perSide,
      onchange: () => { item.perSide = sideBox.checked; changed(); } });
    const side = h("div", { class: "b-check b-side" }, sideBox, h("label", { for: `${id}-side` }, "Each side"));

    // Named "Move up: Bird dog" for screen readers; the visible words come first (WCAG label in name).
    const actionButton = (cls, arrow, label, handler) => h("button", { type: "button", class: `b-button b-small ${cls}`,
      "aria-label": `${label}: ${ex.title}`, onclick: handler },
    arrow ? h("span", { "aria-hidden": "true", class: "b-arrow" }, arrow) : null, label);
    row.up = actionButton("b-up", "↑ ", "Move up", () => move(item, -1, "up"));
    row.down = actionButton("b-down", "↓ ", "Move down", () => move(item, 1, "down"));
    row.remove = actionButton("b-remove", "", "Remove", () => remove(item, "list"));

    row.num = h("span", { class: "b-num", "aria-hidden": "true" });
    row.name = h("h3", { class: "b-item-name", id: `${id}-name`, tabindex: "-1" }, ex.title);
    row.dose = h("p", { class: "b-item-dose dose" }, doseText(itemDose(item)));
    row.li = h("li", { class: "b-item", "data-slug": ex.slug },
      h("div", { class: "b-item-head" },
        row.num,
        h("div", { class: "b-item-thumb" }, image ? h("img", { src: image, alt: "", width: 400, height: 300 }) : null),
        h("div", { class: "b-item-title" }, row.name, row.dose)),
      h("fieldset", { class: "b-dose" },
        h("legend", { class: "visually-hidden" }, `Dose for ${ex.title}`),
        sets.field, mode, amount.field, rest.field, side),
      h("div", { class: "b-item-actions" }, row.up, row.down, row.remove));
    itemRows.set(item, row);
    return row;
  }

  function renumber() {
    state.items.forEach((item, index) => {
      const row = itemRows.get(item);
      row.num.textContent = String(index + 1);
      const first = index === 0;
      const last = index === state.items.length - 1;
      for (const [button, off] of [[row.up, first], [row.down, last]]) {
        if (off) button.setAttribute("aria-disabled", "true");
        else button.removeAttribute("aria-disabled");
      }
    });
    ui.empty.hidden = state.items.length > 0;
  }

  function add(exercise) {
    if (state.items.length >= MAX_EXERCISES) {
      announce(`A card holds up to ${MAX_EXERCISES} exercises. Remove one to add ${exercise.title}.`);
      showHint(`A card holds up to ${MAX_EXERCISES} exercises: remove one to add another.`);
      return;
    }
    const item = newItem(exercise);
    state.items.push(item);
    ui.list.append(buildItem(item).li);
    refresh();
    announce(`Added ${exercise.title}, ${doseText(itemDose(item))}. ${plural(state.items.length, "exercise", "exercises")} in your routine.`);
  }

  function remove(item, from) {
    const index = state.items.indexOf(item);
    if (index < 0) return;
    state.items.splice(index, 1);
    const row = itemRows.get(item);
    itemRows.delete(item);
    row.li.remove();
    refresh();
    announce(`Removed ${item.ex.title}. ${state.items.length ? plural(state.items.length, "exercise", "exercises") : "No exercises"} left in your routine.`);
    if (from === "list") {
      // Focus the exercise that took its place, or the one before, or the section heading.
      const next = state.items[index] || state.items[index - 1];
      (next ? itemRows.get(next).name : document.getElementById("b-routine-title")).focus();
    }
  }

  function toggle(exercise, button) {
    const item = state.items.find((i) => i.ex === exercise);
    if (item) remove(item, "library");
    else add(exercise);
    button.focus();
  }

  function move(item, delta, which) {
    const index = state.items.indexOf(item);
    const target = index + delta;
    const row = itemRows.get(item);
    if (target < 0 || target >= state.items.length) {
      announce(`${item.ex.title} is already ${delta < 0 ? "first" : "last"}.`);
      return;
    }
    const other = state.items[target];
    state.items[target] = item;
    state.items[index] = other;
    // Move the neighbour rather than this row, so the focused button stays in the page.
    const otherLi = itemRows.get(other).li;
    if (delta < 0) ui.list.insertBefore(otherLi, row.li.nextSibling);
    else ui.list.insertBefore(otherLi, row.li);
    refresh();
    (which === "up" ? row.up : row.down).focus();
    announce(`Moved ${item.ex.title} ${delta < 0 ? "up" : "down"} to position ${target + 1} of ${state.items.length}.`);
  }

  /* ---------- the card (partials/card.html, in the DOM) ---------- */

  function buildCard(preview) {
    const items = state.items;
    const level = items.length <= 6 ? 2 : items.length <= 10 ? 3 : 4;
    const layout = LAYOUTS[level];
    const title = cardTitle();
    const areas = [];
    for (const item of items) for (const name of areaNames(item.ex)) if (!areas.includes(name)) areas.push(name);
    const summary = !items.length ? "Add exercises from the library to fill your card."
      : `${plural(items.length, "exercise", "exercises")}.` + (areas.length ? ` Body areas: ${areas.join(", ")}.` : "");

    const exercises = h("ol", { class: "rc-exercises" });
    items.forEach((item, index) => {
      const ex = item.ex;
      const image = safeUrl(ex.image);
      const cues = (ex.cues || []).slice(0, layout.cues).map(text);
      exercises.append(h("li", { class: "rc-ex" },
        image ? h("img", { class: "rc-img", src: image, alt: text(ex.alt), width: 400, height: 300 }) : null,
        h("div", { class: "rc-ex-body" },
          h("h2", { class: "rc-ex-name" }, h("span", { class: "rc-num" }, String(index + 1)), " ", ex.title),
          h("p", { class: "rc-dose" }, doseText(itemDose(item))),
          cues.length ? h("ul", { class: "rc-cues" }, cues.map((cue) => h("li", {}, cue))) : null,
          layout.why && ex.why ? h("p", { class: "rc-why" }, text(ex.why)) : null)));
    });
    if (!items.length && preview) exercises.append(h("li", { class: "rc-ex b-card-empty" }, "Your exercises will appear here, in order, with their doses and cues."));

    const tables = h("div", { class: "rc-tables" });
    for (let first = 1; first <= state.weeks; first += 6) {
      const head = h("tr", {}, h("th", { scope: "col" }, "Week"));
      for (let i = 1; i <= state.times; i += 1) head.append(h("th", { scope: "col" }, String(i)));
      const body = h("tbody");
      for (let week = first; week <= Math.min(state.weeks, first + 5); week += 1) {
        const tr = h("tr", {}, h("th", { scope: "row" }, String(week)));
        for (let i = 0; i < state.times; i += 1) tr.append(h("td", {}, h("span", { class: "rc-box" })));
        body.append(tr);
      }
      tables.append(h("table", {}, h("thead", {}, head), body));
    }

    const host = text(data.base_url).replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/\/+$/, "");
    return h("article", { class: `rc level-${level}`, "aria-label": `Printable card: ${title}` },
      h("header", { class: "rc-head" },
        h("p", { class: "rc-site" }, data.site),
        h("h1", { class: "rc-title" }, title),
        h("p", { class: "rc-summary" }, summary),
        h("ul", { class: "rc-facts" },
          h("li", {}, h("strong", {}, `${state.times}×`), " a week"),
          h("li", {}, "about ", h("strong", {}, String(items.length ? sessionMinutes() : 0)), " minutes"),
          h("li", {}, h("strong", {}, String(state.weeks)), " weeks"))),
      exercises,
      h("div", { class: "rc-bottom" },
        h("section", { class: "rc-tracker", "aria-label": "Session tracker" }, h("h2", {}, "Tick off each session"), tables),
        h("section", { class: "rc-more" },
          h("div", { class: "rc-link" }, h("p", {}, "Made with the routine builder at ", h("strong", { class: "rc-url" }, `${host}/routines/builder/`))))));
  }

  function renderCard() {
    printCard.replaceChildren(buildCard(false));
    ui.preview.replaceChildren(buildCard(true));
    fitPreview();
  }

  // The preview is laid out at A4 width (narrower than Letter). When the card there is taller than a
  // Letter page's printable height, both copies get tighter spacing (builder.css: .b-compact).
  const MM = 96 / 25.4;
  const ONE_PAGE_MM = 255; // Letter: 279.4 mm less the card's 10 mm margins and a little slack
  function compactCard() {
    const card = ui.preview.querySelector(".rc");
    const printed = printCard.querySelector(".rc");
    if (!card || !card.offsetHeight) return;
    card.classList.remove("b-compact");
    const tight = card.offsetHeight > ONE_PAGE_MM * MM;
    card.classList.toggle("b-compact", tight);
    if (printed) printed.classList.toggle("b-compact", tight);
  }

  // The preview is the card on a full-size A4 sheet, scaled down to the width it has.
  function fitPreview() {
    const width = ui.preview.offsetWidth;
    if (!width) return;
    compactCard();
    const style = getComputedStyle(ui.frame);
    const padX = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    const padY = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
    const scale = Math.min(1, (ui.frame.clientWidth - padX) / width);
    ui.preview.style.transform = `scale(${scale})`;
    ui.frame.style.height = `${Math.ceil(ui.preview.offsetHeight * scale + padY)}px`;
  }

  /* ---------- everything after a change ---------- */

  function refresh() {
    renumber();
    updateLibrary();
    renderCard();
    const n = state.items.length;
    ui.total.hidden = !n;
    ui.total.textContent = n ? `${plural(n, "exercise", "exercises")}, about ${sessionMinutes()} minutes a session, ${state.times}× a week for ${plural(state.weeks, "week", "weeks")}.` : "";
    if (n) hideHint();
    writeUrl();
  }

  let hintTimer = 0;
  function showHint(message) {
    ui.hint.textContent = message;
    ui.hint.hidden = false;
    clearTimeout(hintTimer);
    hintTimer = setTimeout(hideHint, 8000);
  }
  function hideHint() { ui.hint.hidden = true; }

  function bindSettings() {
    ui.title.value = state.title;
    ui.title.placeholder = DEFAULTS.title;
    ui.title.addEventListener("input", () => { state.title = ui.title.value.slice(0, TITLE_MAX); refresh(); });
    ui.title.addEventListener("change", () => { ui.title.value = cardTitle(); state.title = ui.title.value; refresh(); });
    for (const [input, key] of [[ui.times, "times"], [ui.weeks, "weeks"]]) {
      input.value = state[key];
      input.addEventListener("input", () => {
        const n = clamp(input.value, LIMITS[key], null);
        if (n !== null && n !== state[key]) { state[key] = n; refresh(); }
      });
      input.addEventListener("change", () => {
        const n = clamp(input.value, LIMITS[key], null);
        if (n !== null) state[key] = n;
        input.value = state[key];
        refresh();
      });
    }
    ui.print.addEventListener("click", () => {
      if (!state.items.length) {
        showHint("Add at least one exercise to print a card.");
        announce("Add at least one exercise to print a card.");
        return;
      }
      renderCard();
      window.print();
    });
    ui.copy.addEventListener("click", copyLink);
    ui.reset.addEventListener("click", () => {
      if (state.items.length && !window.confirm("Start over? This clears your routine.")) return;
      for (const row of itemRows.values()) row.li.remove();
      itemRows.clear();
      state.items = [];
      state.title = DEFAULTS.title;
      state.times = DEFAULTS.times;
      state.weeks = DEFAULTS.weeks;
      ui.title.value = state.title;
      ui.times.value = state.times;
      ui.weeks.value = state.weeks;
      refresh();
      announce("Your routine is empty again.");
    });
    // Save-as-PDF names the file after the page title: use the routine's while printing.
    let pageTitle = document.title;
    window.addEventListener("beforeprint", () => { pageTitle = document.title; document.title = `${cardTitle()} | ${data.site}`; });
    window.addEventListener("afterprint", () => { document.title = pageTitle; });
  }

  async function copyLink() {
    const url = location.href;
    try {
      await navigator.clipboard.writeText(url);
      ui.copy.textContent = "Link copied";
      announce("Link to this routine copied.");
      setTimeout(() => { ui.copy.textContent = "Copy link"; }, 2500);
    } catch (error) {
      ui.share.hidden = false;
      ui.shareUrl.value = url;
      ui.shareUrl.focus();
      ui.shareUrl.select();
    }
  }

  /* ---------- start ---------- */

  function fail() {
    ui.loading.hidden = true;
    ui.notice.hidden = false;
    ui.notice.textContent = "Sorry, the exercise library could not be loaded. Reload the page to try again, or pick one of the ready-made routines.";
  }

  function isExercise(ex) {
    return ex && typeof ex.slug === "string" && /^[a-z0-9][a-z0-9-]*$/.test(ex.slug) && typeof ex.title === "string" && ex.dose;
  }

  async function start() {
    root.hidden = false;
    const css = root.dataset.cardCss;
    if (css && safeUrl(css)) document.head.append(h("link", { rel: "stylesheet", href: css }));
    let json;
    try {
      const response = await fetch(root.dataset.src, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      json = await response.json();
    } catch (error) {
      fail();
      return;
    }
    data = {
      site: text(json.site) || text(root.dataset.site),
      base_url: text(json.base_url) || location.origin,
      exercises: (Array.isArray(json.exercises) ? json.exercises : []).filter(isExercise),
    };
    for (const exercise of data.exercises) if (!bySlug.has(exercise.slug)) bySlug.set(exercise.slug, exercise);
    data.exercises = Array.from(bySlug.values());

    buildLibrary();
    const skipped = readUrl();
    bindSettings();
    for (const item of state.items) ui.list.append(buildItem(item).li);
    filterLibrary();
    refresh();
    ui.loading.hidden = true;
    ui.ready.hidden = false;
    if (skipped) {
      ui.notice.hidden = false;
      ui.notice.textContent = `${plural(skipped, "exercise", "exercises")} in this link could not be added: ${skipped === 1 ? "it is" : "they are"} no longer in the library${state.items.length >= MAX_EXERCISES ? " or the card was full" : ""}.`;
    }
    fitPreview();
    if (window.ResizeObserver) {
      const observer = new ResizeObserver(fitPreview);
      observer.observe(ui.frame);
      observer.observe(ui.preview);
    } else window.addEventListener("resize", fitPreview);
  }

  start();
}());
