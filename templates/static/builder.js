/* The routine builder at /routines/builder/: pick exercises from the library,
   set each dose, and print a one-page card in the same design as the PDF cards.

   Progressive enhancement: the page ships #builder as a box at least a screen tall
   (builder.css), holding only a loading line; without JavaScript the box is not shown
   at all and a <noscript> explains. This script loads the library (exercises.json),
   builds the whole builder while it is hidden and reveals it in one go, inside the
   box: nothing that was on screen moves (no layout shift). Every string from the data
   is put in the page as text (createElement/textContent), never as HTML.

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
   do not parse are ignored and every number is clamped to its range (LIMITS:
   sets 1-10, reps 1-50, seconds 5-300, rest 0-600), so no address prints a dose
   the builder would not accept when typed. */
(function () {
  "use strict";

  const root = document.getElementById("builder");
  if (!root) return;
  if (!window.fetch || !window.URLSearchParams || !window.history || !history.replaceState) {
    const loading = root.querySelector("[data-loading]");
    if (loading) loading.textContent = "This browser cannot run the routine builder: pick one of the ready-made routines instead.";
    return;
  }

  const DEFAULTS = { title: "My routine", times: 3, weeks: 6 };
  // Sane doses for a home card. An exercise's own dose is always allowed, so a ceiling rises to it
  // where the site prescribes more (the brisk walk's 20 minutes): see rangeFor.
  const LIMITS = {
    sets: [1, 10], reps: [1, 50], seconds: [5, 300], rest: [0, 600], times: [1, 7], weeks: [1, 12],
  };
  // Why a number is out of range, said next to its field: "Reps go from 1 to 50: more than 50 is ...".
  const REASONS = {
    sets: { lead: "Sets go", high: "more than 10 sets of one exercise is more than a home routine calls for", low: "a card needs at least 1 set" },
    reps: { lead: "Reps go", high: "more than 50 is endurance work this card is not meant for", low: "a card needs at least 1 rep" },
    seconds: { lead: "Seconds go", high: "holding for more than 5 minutes is endurance work this card is not meant for",
      low: "under 5 seconds is too short to count" },
    rest: { lead: "Rest goes", high: "10 minutes is the longest rest between two sets", low: "0 is no rest at all" },
    times: { lead: "Times a week go", high: "there are 7 days in a week", low: "a routine needs at least 1 session a week" },
    weeks: { lead: "Weeks go", high: "after 12 weeks, look at the routine again and make a new card", low: "a card needs at least 1 week" },
  };
  const MAX_EXERCISES = 12;
  const TITLE_MAX = 60;
  const SECONDS_PER_REP = 4; // for the "about N minutes" estimate, which matches the ready-made routines
  // The card's layouts, roomiest first (like generator/pdf/card.py LEVELS): card.css's level-2 (one
  // column), level-3 (two columns) and level-4 (smaller type and pictures), and builder.css's steps:
  // b-compact (closer spacing), b-no-why (no "why it works" lines, no summary), b-one-cue (the first
  // cue and the first warning cue only), b-no-img (no pictures), b-tight (three columns, closer
  // safety lines). fitCard uses the first that fits on one page. Whole parts go; no sentence is cut.
  const FITS = [
    "level-2",
    "level-2 b-compact",
    "level-3 b-compact",
    "level-3 b-compact b-no-why",
    "level-4 b-compact b-no-why b-one-cue",
    "level-4 b-compact b-no-why b-one-cue b-no-img",
    "level-4 b-compact b-no-why b-one-cue b-no-img b-tight",
  ];

  const $ = (name) => root.querySelector(`[data-${name}]`);
  const ui = {
    loading: $("loading"), notice: $("notice"), ready: $("ready"), count: $("count"),
    search: $("search"), areas: $("areas"), noEquipment: $("no-equipment"), results: $("results"),
    noResults: $("no-results"), clearFilters: $("clear-filters"), library: $("library"),
    title: $("title"), times: $("times"), weeks: $("weeks"), timesError: $("times-error"), weeksError: $("weeks-error"),
    empty: $("empty"), list: $("list"),
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
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  const hidden = (text) => h("span", { class: "visually-hidden" }, text);

  // A whole number (or a string of one) as a number, else NaN.
  const whole = (value) => typeof value === "number" ? Math.round(value)
    : /^\s*-?\d+\s*$/.test(String(value)) ? parseInt(value, 10) : NaN;

  function clamp(value, range, fallback) {
    const n = whole(value);
    if (!Number.isFinite(n)) return fallback;
    return Math.min(range[1], Math.max(range[0], n));
  }

  // The range of `key` (sets, reps, seconds...) for an exercise: LIMITS, widened to the exercise's own
  // dose where the site prescribes more (or less).
  function rangeFor(key, exercise) {
    const range = LIMITS[key];
    const own = key === "sets" || key === "reps" || key === "seconds" ? whole(exercise && exercise.dose && exercise.dose[key]) : NaN;
    return Number.isFinite(own) ? [Math.min(range[0], own), Math.max(range[1], own)] : range;
  }

  // "Reps go from 1 to 50: more than 50 is endurance work this card is not meant for. The card shows 50."
  function reason(key, range, typed, used, exercise) {
    const why = REASONS[key];
    const high = typed > used;
    const own = high ? range[1] > LIMITS[key][1] : range[0] < LIMITS[key][0]; // the exercise's own dose
    const because = own ? `its usual dose is the ${high ? "most" : "least"} this card prints` : high ? why.high : why.low;
    // (no template literal inside another: the minifier, rjsmin, reads the inner one as the end)
    const whose = own ? ` for ${exercise.title}` : "";
    return `${why.lead} from ${range[0]} to ${range[1]}${whose}: ${because}. The card shows ${used}.`;
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

  /* ---------- doses: the same words as Dose.amount / Dose.full in generator/model.py ---------- */

  function amountText(dose) {
    let each;
    if (dose.seconds !== null && dose.seconds !== undefined) {
      each = dose.seconds >= 120 && dose.seconds % 60 === 0 ? `${dose.seconds / 60} min` : `${dose.seconds} s`;
    } else {
      each = String(dose.reps);
    }
    return `${dose.sets} x ${each}` + (dose.per_side ? " each side" : "");
  }

  const FREQUENCY = { 1: "once a week", 2: "twice a week", 7: "every day" };
  const TEMPO = /^\d{1,2}-\d{1,2}-\d{1,2}(-\d{1,2})?$/;

  // [sets and reps or time, rest] and [hold, tempo, how often, how hard]: Dose.text and Dose.details.
  function doseParts(dose) {
    const main = [amountText(dose), dose.rest_seconds ? `rest ${dose.rest_seconds} s` : ""];
    const often = dose.times_per_week ? FREQUENCY[dose.times_per_week] || `${dose.times_per_week} times a week` : "";
    const more = [
      dose.hold_seconds && dose.reps ? `hold ${dose.hold_seconds} s` : "",
      dose.tempo ? `tempo ${text(dose.tempo)}` : "",
      often,
      text(dose.effort),
    ];
    return [main.filter(Boolean), more.filter(Boolean)];
  }

  // '3 x 12, rest 120 s, tempo 3-0-3, heavy enough that...': Dose.full, the words of every card.
  function doseText(dose) {
    return doseParts(dose).flat().join(", ");
  }

  // What the exercise's dose says besides sets, reps or time and rest, kept when the reader changes those.
  function doseExtras(dose) {
    const tempo = text(dose.tempo).trim();
    const effort = text(dose.effort).trim();
    return {
      hold: clamp(dose.hold_seconds, [1, 120], null),
      tempo: TEMPO.test(tempo) ? tempo : null,
      effort: effort ? effort.slice(0, 80) : null,
      timesPerWeek: clamp(dose.times_per_week, LIMITS.times, null),
    };
  }

  function itemDose(item) {
    return {
      sets: item.sets,
      reps: item.mode === "reps" ? item.reps : null,
      seconds: item.mode === "seconds" ? item.seconds : null,
      per_side: item.perSide,
      rest_seconds: item.rest,
      hold_seconds: item.hold,
      tempo: item.tempo,
      effort: item.effort,
      times_per_week: item.timesPerWeek,
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
    const seconds = clamp(dose.seconds, rangeFor("seconds", exercise), null);
    return {
      ex: exercise,
      id: `b-${++uid}`,
      sets: clamp(dose.sets, rangeFor("sets", exercise), 3),
      mode: seconds !== null && !dose.reps ? "seconds" : "reps",
      reps: clamp(dose.reps, rangeFor("reps", exercise), 10),
      seconds: seconds === null ? 30 : seconds,
      perSide: Boolean(dose.per_side),
      rest: clamp(dose.rest_seconds, LIMITS.rest, 0),
      ...doseExtras(dose),
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

  // Reads the routine from the address; returns how many exercises it had to leave out and how
  // many numbers it had to bring within their range.
  function readUrl() {
    const query = new URLSearchParams(location.search);
    let clamped = 0;
    // clamp, counting the numbers that were there but out of range
    const within = (value, range, fallback) => {
      const n = clamp(value, range, fallback);
      if (n !== fallback && n !== whole(value)) clamped += 1;
      return n;
    };
    state.title = text(query.get("title")).replace(/\s+/g, " ").trim().slice(0, TITLE_MAX) || DEFAULTS.title;
    state.times = within(query.get("t"), LIMITS.times, DEFAULTS.times);
    state.weeks = within(query.get("w"), LIMITS.weeks, DEFAULTS.weeks);
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
          item.sets = within(Number(amount[1]), rangeFor("sets", exercise), null);
          item.mode = amount[3] ? "seconds" : "reps";
          item[item.mode] = within(Number(amount[2]), rangeFor(item.mode, exercise), null);
        } else if (part.toLowerCase() === "s") {
          dose.perSide = true;
        } else if (rest) {
          dose.rest = within(Number(rest[1]), LIMITS.rest, null);
        }
      }
      if (dose.found) {
        item.perSide = dose.perSide;
        item.rest = dose.rest;
      }
      state.items.push(item);
    }
    return { skipped, clamped };
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

  // Keeps a number box within its range. Every keystroke that makes a whole number updates the routine
  // with it, clamped; a number out of range also marks the box invalid and says why beside it (`error`,
  // which the box's aria-describedby points to while it says something), once aloud. Leaving the box
  // shows the number used; the reason stays until the next number in range. `key` names the REASONS
  // (a function where it changes: reps or seconds); `range()` gives [min, max] when typed in.
  function guard(input, key, range, error, onValue, exercise) {
    const keyOf = typeof key === "function" ? key : () => key;
    const say = (message) => {
      if (message === error.textContent && !error.hidden) return;
      error.textContent = message;
      error.hidden = !message;
      if (message) {
        input.setAttribute("aria-describedby", error.id);
        announce(message);
      } else input.removeAttribute("aria-describedby");
    };
    const take = () => {
      const raw = input.value.trim();
      if (!raw) return; // half typed, or not a number at all: the last number stays
      const typed = whole(raw);
      const [min, max] = range();
      if (!Number.isFinite(typed)) {
        input.setAttribute("aria-invalid", "true");
        say(`${REASONS[keyOf()].lead.replace(/ go(es)?$/, "")}: whole numbers only, from ${min} to ${max}.`);
        return;
      }
      const used = Math.min(max, Math.max(min, typed));
      if (used !== typed) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
      say(used !== typed ? reason(keyOf(), [min, max], typed, used, exercise) : "");
      input.dataset.value = used;
      onValue(used);
    };
    input.addEventListener("input", take);
    input.addEventListener("change", () => {
      take();
      input.value = input.dataset.value;
      input.removeAttribute("aria-invalid");
    });
    return {
      // after the range changed (reps to seconds): show `value`, say nothing
      reset(value) {
        input.value = input.dataset.value = value;
        input.removeAttribute("aria-invalid");
        say("");
      },
    };
  }

  // The line under a group of boxes where a box says why its number is out of range.
  const errorLine = (id) => h("p", { class: "b-error", id, hidden: true });

  // A labelled number box for one exercise's dose, kept within `range()`.
  function numberField(id, label, key, range, value, onValue, exercise) {
    const [min, max] = range();
    const input = h("input", { id, type: "number", inputmode: "numeric", min, max, step: 1, value });
    input.dataset.value = value;
    const error = errorLine(`${id}-error`);
    const guarded = guard(input, key, range, error, onValue, exercise);
    const labelEl = h("label", { for: id }, label);
    return { field: h("div", { class: "b-field b-field-num" }, labelEl, input), input, labelEl, error, guarded };
  }

  function buildItem(item) {
    const ex = item.ex;
    const id = item.id;
    const image = safeUrl(ex.image);
    const row = {};
    const changed = () => { row.dose.textContent = doseText(itemDose(item)); refresh(); };

    const sets = numberField(`${id}-sets`, "Sets", "sets", () => rangeFor("sets", ex), item.sets,
      (n) => { item.sets = n; changed(); }, ex);
    // one box for reps or seconds, whichever the exercise counts in (it reads item.mode when typed in)
    const amount = numberField(`${id}-amount`, item.mode === "seconds" ? "Seconds" : "Reps", () => item.mode,
      () => rangeFor(item.mode, ex), item[item.mode], (n) => { item[item.mode] = n; changed(); }, ex);
    const rest = numberField(`${id}-rest`, "Rest (sec)", "rest", () => LIMITS.rest, item.rest,
      (n) => { item.rest = n; changed(); }, ex);
    rest.input.step = 5;

    // Count in reps or seconds: a pair of radio buttons, styled as a switch.
    const setMode = (mode) => {
      item.mode = mode;
      const range = rangeFor(mode, ex);
      amount.labelEl.textContent = mode === "seconds" ? "Seconds" : "Reps";
      amount.input.min = range[0];
      amount.input.max = range[1];
      amount.input.step = mode === "seconds" ? 5 : 1;
      amount.guarded.reset(item[mode]);
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
        sets.field, mode, amount.field, rest.field, side,
        h("div", { class: "b-errors" }, sets.error, amount.error, rest.error)),
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

  // The card with every part it may show; fitCard then hides what does not fit.
  function buildCard(preview) {
    const items = state.items;
    const title = cardTitle();
    const areas = [];
    for (const item of items) for (const name of areaNames(item.ex)) if (!areas.includes(name)) areas.push(name);
    const summary = !items.length ? "Add exercises from the library to fill your card."
      : `${plural(items.length, "exercise", "exercises")}.` + (areas.length ? ` Body areas: ${areas.join(", ")}.` : "");

    const exercises = h("ol", { class: "rc-exercises" });
    items.forEach((item, index) => {
      const ex = item.ex;
      const image = safeUrl(ex.image);
      const cues = cardCues((ex.cues || []).map(text), 2);
      const [main, more] = doseParts(itemDose(item));
      exercises.append(h("li", { class: "rc-ex" },
        image ? h("img", { class: "rc-img", src: image, alt: text(ex.alt), width: 400, height: 300 }) : null,
        h("div", { class: "rc-ex-body" },
          h("h2", { class: "rc-ex-name" }, h("span", { class: "rc-num" }, String(index + 1)), " ", ex.title),
          h("p", { class: "rc-dose" }, main.join(", "), more.map((part) => [", ", h("span", { class: "rc-dose-more" }, part)])),
          cues.length ? h("ul", { class: "rc-cues" }, cues.map((cue, i) => cue.warning
            ? h("li", { class: "rc-warn" }, h("strong", {}, "Take care:"), " ", cue.text)
            : h("li", { class: i ? "b-second-cue" : null }, cue.text))) : null,
          ex.why ? h("p", { class: "rc-why" }, text(ex.why)) : null)));
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
    const tempo = items.some((item) => item.tempo);
    return h("article", { class: `rc ${FITS[0]}`, "aria-label": `Printable card: ${title}` },
      h("header", { class: "rc-head" },
        h("p", { class: "rc-site" }, data.site),
        h("h1", { class: "rc-title" }, title),
        h("p", { class: "rc-summary" }, summary),
        h("ul", { class: "rc-facts" },
          h("li", {}, h("strong", {}, `${state.times}×`), " a week"),
          h("li", {}, "about ", h("strong", {}, String(items.length ? sessionMinutes() : 0)), " minutes"),
          h("li", {}, h("strong", {}, String(state.weeks)), " weeks"))),
      exercises,
      safetyBlock(items),
      h("div", { class: "rc-bottom" },
        h("section", { class: "rc-tracker", "aria-label": "Session tracker" }, h("h2", {}, "Tick off each session"), tables),
        h("section", { class: "rc-more" },
          h("div", { class: "rc-link" }, h("p", {}, "Made with the routine builder at ", h("strong", { class: "rc-url" }, `${host}/routines/builder/`))),
          tempo ? h("p", { class: "rc-legend" }, h("strong", {}, "Tempo"),
            ", e.g. 3-0-1: seconds to lower, to pause at the bottom and to lift (a fourth number: to pause at the top).") : null)),
      data.safety.disclaimer ? h("p", { class: "rc-disclaimer" }, data.safety.disclaimer) : null);
  }

  // The cues a card shows (generator/pdf/card.py card_cues): the first `count`, and the exercise's first
  // warning cue wherever it stands, in its own place.
  const WARNING = /^(stop|avoid|do not|don't|don’t|never)\b|\b(pain|painful|hurts?)\b/i;
  function cardCues(cues, count) {
    const warning = cues.findIndex((cue) => WARNING.test(cue));
    return cues.map((cue, i) => ({ text: cue, warning: i === warning }))
      .filter((cue, i) => i < count || cue.warning);
  }

  // The safety block of every card (partials/card.html .rc-safety, card.py card_safety): the pain guide,
  // when to stop and when to see someone, with the red flags of the body areas the exercises cover.
  function safetyBlock(items) {
    const safety = data.safety;
    const see = safety.see_someone.slice();
    for (const item of items) {
      for (const area of item.ex.areas || []) {
        for (const flag of safety.red_flags.get(text(area.slug)) || []) if (!see.includes(flag)) see.push(flag);
      }
    }
    const signs = (head, lines) => lines.length ? h("div", { class: "rc-signs" },
      h("strong", { class: "rc-signs-head" }, head), " ", h("ul", {}, lines.map((line) => h("li", {}, line)))) : null;
    if (!safety.pain_guide.length && !safety.stop.length && !see.length) return null;
    return h("section", { class: "rc-safety", "aria-label": "Safety" },
      safety.pain_guide.length ? [
        h("h2", {}, "Pain during and after ", h("span", { class: "rc-scale-note" }, "(0 is none, 10 the worst you can imagine)")),
        h("table", { class: "rc-pain-guide" }, h("tbody", {}, h("tr", {}, safety.pain_guide.map((band, i) =>
          h("td", { class: `rc-band-${i + 1}` }, h("strong", { class: "rc-score" }, band.scores), " ",
            h("strong", {}, `${band.label}.`), " ", band.advice))))),
      ] : null,
      signs("Stop the session if you have:", safety.stop),
      signs("See a physiotherapist or doctor for:", see));
  }

  function renderCard() {
    printCard.replaceChildren(buildCard(false));
    ui.preview.replaceChildren(buildCard(true));
    fitPreview();
  }

  // The preview is laid out at A4 width (narrower than Letter, so at least as tall). Both copies of the
  // card take the first of FITS under which the preview fits a Letter page's printable height.
  const MM = 96 / 25.4;
  // Letter: 279.4 mm less the card's 10 mm margins, and 11 mm for the screen preview and the printed
  // page breaking lines a little differently (measured: a card 253 mm on screen can need 2 pages)
  const ONE_PAGE_MM = 248;
  function fitCard() {
    const card = ui.preview.querySelector(".rc");
    const printed = printCard.querySelector(".rc");
    if (!card || !card.offsetHeight) return;
    let fit = FITS[0];
    for (fit of FITS) {
      card.className = `rc ${fit}`;
      if (card.offsetHeight <= ONE_PAGE_MM * MM) break;
    }
    if (printed) printed.className = `rc ${fit}`;
  }

  // The preview is the card on a full-size A4 sheet, scaled down to the width it has.
  function fitPreview() {
    const width = ui.preview.offsetWidth;
    if (!width) return;
    fitCard();
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
    const settings = {};
    for (const key of ["times", "weeks"]) {
      const input = ui[key];
      input.value = input.dataset.value = state[key];
      settings[key] = guard(input, key, () => LIMITS[key], ui[`${key}Error`], (n) => {
        if (n !== state[key]) { state[key] = n; refresh(); }
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
      settings.times.reset(state.times);
      settings.weeks.reset(state.weeks);
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
    const routines = safeUrl(root.dataset.routines);
    ui.notice.replaceChildren("Sorry, the exercise library could not be loaded. Reload the page to try again, or pick one of the ",
      routines ? h("a", { href: routines }, "ready-made routines") : "ready-made routines", ".");
  }

  // The site's safety block (exercises.json "safety"), as lists of plain strings; red flags by body area.
  function safetyOf(value) {
    const safety = value && typeof value === "object" ? value : {};
    const lines = (list) => (Array.isArray(list) ? list : []).map(text).map((line) => line.trim()).filter(Boolean);
    const flags = new Map(); // a Map, not an object: an area named "__proto__" stays a plain key
    if (safety.red_flags && typeof safety.red_flags === "object") {
      for (const [area, list] of Object.entries(safety.red_flags)) flags.set(area, lines(list));
    }
    return {
      pain_guide: (Array.isArray(safety.pain_guide) ? safety.pain_guide : [])
        .filter((band) => band && typeof band === "object")
        .map((band) => ({ scores: text(band.scores), label: text(band.label), advice: text(band.advice) })),
      stop: lines(safety.stop),
      see_someone: lines(safety.see_someone),
      red_flags: flags,
      disclaimer: text(safety.disclaimer).trim(),
    };
  }

  function isExercise(ex) {
    return ex && typeof ex.slug === "string" && /^[a-z0-9][a-z0-9-]*$/.test(ex.slug) && typeof ex.title === "string" && ex.dose;
  }

  async function start() {
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
      safety: safetyOf(json.safety),
    };
    for (const exercise of data.exercises) if (!bySlug.has(exercise.slug)) bySlug.set(exercise.slug, exercise);
    data.exercises = Array.from(bySlug.values());

    buildLibrary();
    const { skipped, clamped } = readUrl();
    bindSettings();
    for (const item of state.items) ui.list.append(buildItem(item).li);
    filterLibrary();
    refresh();
    ui.loading.hidden = true;
    ui.ready.hidden = false;
    const notes = [];
    if (skipped) {
      notes.push(`${plural(skipped, "exercise", "exercises")} in this link could not be added: ${skipped === 1 ? "it is" : "they are"} no longer in the library${state.items.length >= MAX_EXERCISES ? " or the card was full" : ""}.`);
    }
    if (clamped) {
      notes.push(`${plural(clamped, "number", "numbers")} in this link ${clamped === 1 ? "was" : "were"} out of range and ${clamped === 1 ? "was" : "were"} brought within it (sets 1-10, reps 1-50, seconds 5-300, 1-7 sessions a week).`);
    }
    if (notes.length) {
      ui.notice.hidden = false;
      ui.notice.textContent = notes.join(" ");
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
