// Suggestions for the search box in every page's header: as the reader
// types, the names that match (English or Chinese) from /search, as a list
// under the box (the ARIA combobox pattern). Arrow keys move, Enter opens the
// chosen entity's page (or the results page when none is chosen), Escape
// closes. Without JavaScript the box still submits to /search.
(function () {
  "use strict";
  const input = document.querySelector("form.search input[name=q]");
  if (!input) return;
  const form = input.form;
  const lang = input.dataset.lang || "en";
  const list = document.createElement("ul");
  list.id = "search-suggestions";
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  form.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  let active = -1;
  let timer = null;
  let asked = 0;

  function close() {
    list.hidden = true;
    list.replaceChildren();
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    const items = list.querySelectorAll("li[role=option]");
    items.forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0 && items[index]) {
      input.setAttribute("aria-activedescendant", items[index].id);
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function show(results) {
    list.replaceChildren();
    if (results.length === 0) {
      const none = document.createElement("li");
      none.className = "none";
      none.textContent = input.dataset.none || "No name matches";
      list.appendChild(none);
    }
    results.forEach((hit, i) => {
      const item = document.createElement("li");
      item.id = "suggestion-" + i;
      item.setAttribute("role", "option");
      const link = document.createElement("a");
      // The page may carry a query or a #fragment already.
      const target = new URL(hit.page, window.location.href);
      target.searchParams.set("lang", lang);
      link.href = target.pathname + target.search + target.hash;
      link.tabIndex = -1;
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = hit.label;
      link.appendChild(name);
      if (hit.other_label) {
        const other = document.createElement("span");
        other.className = "other";
        other.textContent = hit.other_label;
        link.appendChild(other);
      }
      if (hit.kind) {
        const kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = hit.kind;
        link.appendChild(kind);
      }
      item.appendChild(link);
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        window.location.href = link.href;
      });
      list.appendChild(item);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(-1);
  }

  async function suggest() {
    const text = input.value.trim();
    if (text === "") {
      close();
      return;
    }
    const ticket = ++asked;
    const url = "/search?limit=8&lang=" + encodeURIComponent(lang) + "&q=" + encodeURIComponent(text);
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok || ticket !== asked) return;
      const answer = await response.json();
      if (ticket === asked) show(answer.results || []);
    } catch (error) {
      close();
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 120);
  });
  input.addEventListener("keydown", (event) => {
    const items = list.querySelectorAll("li[role=option]");
    if (event.key === "ArrowDown" && items.length > 0) {
      event.preventDefault();
      highlight((active + 1) % items.length);
    } else if (event.key === "ArrowUp" && items.length > 0) {
      event.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0 && items[active]) {
      event.preventDefault();
      window.location.href = items[active].querySelector("a").href;
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
})();
