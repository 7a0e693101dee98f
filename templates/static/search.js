// The search page: Pagefind's static index, queried in the browser.
// State lives in the URL (?q=back+pain&type=Article&area=Knee) so a search can be shared.
const form = document.getElementById("search");
const input = document.getElementById("search-q");
const filtersBox = document.getElementById("search-filters");
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");

function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

function chosen() {
  const picked = {};
  for (const box of filtersBox.querySelectorAll("input:checked")) (picked[box.name] ||= []).push(box.value);
  return picked;
}

function syncUrl(query, picked) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [name, values] of Object.entries(picked)) for (const value of values) params.append(name, value);
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

async function main() {
  const pagefind = await import(form.dataset.index);
  await pagefind.options({ baseUrl: form.dataset.base });
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  // The filters are on the page already (search.html): tick the ones the address asks for.
  for (const box of filtersBox.querySelectorAll("input")) box.checked = params.getAll(box.name).includes(box.value);

  let run = 0;
  async function update() {
    const mine = ++run;
    const query = input.value.trim();
    const picked = chosen();
    syncUrl(query, picked);
    list.replaceChildren();
    if (!query && !Object.keys(picked).length) { statusLine.textContent = ""; return; }
    const response = await pagefind.search(query || null, { filters: picked });
    if (mine !== run) return;
    const top = await Promise.all(response.results.slice(0, 20).map((r) => r.data()));
    if (mine !== run) return;
    statusLine.textContent = response.results.length === 1 ? "1 result" : `${response.results.length} results`;
    for (const item of top) {
      const li = el("li", { class: "search-result" });
      const type = el("span", { class: "kind" }, item.meta.type || "Page");
      const link = el("a", { href: item.url }, item.meta.title || item.url);
      const heading = el("h2");
      heading.append(type, link);
      const excerpt = el("p");
      excerpt.innerHTML = item.excerpt; // Pagefind's own escaped excerpt, with <mark> around matches
      li.append(heading, excerpt);
      list.append(li);
    }
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); update(); });
  input.addEventListener("input", () => update());
  filtersBox.addEventListener("change", () => update());
  update();
}

main().catch((error) => {
  statusLine.textContent = "Search is unavailable right now. Browse the articles, exercises and routines instead.";
  console.error(error);
});
