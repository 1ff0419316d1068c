// The datasheet's claims table: search, filters, sorting, and #claim-ID links.
// No library, no network: the page works from the file system and on any static host. Without
// this script the table is complete, only unsorted by hand and unfiltered.
"use strict";

(function () {
  const table = document.getElementById("claims-table");
  const form = document.getElementById("claim-filters");
  if (!table || !form) return;
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const search = document.getElementById("claim-search");
  const selects = Array.from(form.querySelectorAll("select[data-filter]"));
  const count = document.getElementById("claims-count");
  const none = document.getElementById("claims-none");
  const total = rows.length;
  // Searched text: every cell of the row plus the ids, lower-cased once.
  const text = new Map(
    rows.map((r) => [
      r,
      (r.textContent + " " + Object.values(r.dataset).join(" ")).toLowerCase(),
    ]),
  );
  const original = new Map(rows.map((r, i) => [r, i]));

  function apply() {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    const wanted = selects
      .filter((s) => s.value)
      .map((s) => [s.dataset.filter, s.value]);
    let shown = 0;
    for (const row of rows) {
      const ok =
        wanted.every(([key, value]) => row.dataset[key] === value) &&
        words.every((w) => text.get(row).includes(w));
      row.hidden = !ok;
      if (ok) shown += 1;
    }
    count.textContent =
      shown === total
        ? `All ${total} claims.`
        : `${shown} of ${total} claims match.`;
    none.hidden = shown !== 0;
  }

  // Sorting: click a column heading; again to reverse. Ties keep the page's order.
  const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });
  function key(row, name) {
    if (name === "value") {
      const v = row.dataset.value;
      return v === "" ? null : Number(v);
    }
    if (name === "claimant") return row.dataset.claimantName;
    return row.dataset[name] || "";
  }
  const headings = Array.from(table.tHead.rows[0].cells);
  const order = document.getElementById("claim-sort");
  // Sort by a column ("" is the page's order: topic, metric, date), ascending or not.
  function sortBy(name, ascending) {
    for (const th of headings) {
      if (th.dataset.sort === name) {
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      } else {
        th.removeAttribute("aria-sort");
      }
    }
    const wanted = name ? `${name}:${ascending ? "asc" : "desc"}` : "";
    order.value = Array.from(order.options).some((o) => o.value === wanted) ? wanted : "";
    const sign = ascending ? 1 : -1;
    const sorted = rows.slice().sort((a, b) => {
      const tie = original.get(a) - original.get(b);
      if (!name) return tie;
      const ka = key(a, name);
      const kb = key(b, name);
      // missing values last, whichever the direction
      const ma = ka === null || ka === "";
      const mb = kb === null || kb === "";
      if (ma || mb) return ma && mb ? tie : ma ? 1 : -1;
      const c = typeof ka === "number" ? ka - kb : collator.compare(ka, kb);
      return c !== 0 ? sign * c : tie;
    });
    for (const row of sorted) body.appendChild(row);
  }
  for (const th of headings) {
    const name = th.dataset.sort;
    if (!name) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = th.textContent;
    button.title = `sort by ${th.textContent}`;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", () =>
      sortBy(name, th.getAttribute("aria-sort") !== "ascending"),
    );
  }
  order.addEventListener("change", () => {
    const [name, direction] = order.value.split(":");
    sortBy(name, direction !== "desc");
  });

  // A #claim-ID link shows its claim even when a filter or search hides it.
  function reveal() {
    const id = decodeURIComponent(location.hash.slice(1));
    if (!id.startsWith("claim-")) return;
    const row = document.getElementById(id);
    if (!row || !rows.includes(row)) return;
    if (row.hidden) clear();
    row.scrollIntoView({ block: "center" });
  }

  // Clearing empties the search and the filters; the order chosen stays.
  function clear() {
    search.value = "";
    for (const s of selects) s.value = "";
    apply();
  }
  search.addEventListener("input", apply);
  for (const s of selects) s.addEventListener("change", apply);
  form.addEventListener("submit", (e) => e.preventDefault());
  document.getElementById("claim-reset").addEventListener("click", clear);
  document.getElementById("claims-clear").addEventListener("click", (e) => {
    e.preventDefault();
    clear();
  });
  window.addEventListener("hashchange", reveal);
  form.hidden = false;
  apply();
  reveal();
})();
