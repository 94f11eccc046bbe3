() => {
  const NARROW = "(max-width: 600px)";
  const STORE = "docqa-evidence"; // each answer's evidence panel, by its number in the chat
  const KEPT = 50; // answers whose evidence is kept in this browser
  const panel = () => document.querySelector("#dq-evidence-panel");
  const shown = () => document.querySelector("#dq-evidence-panel section[data-answer]");

  // Flash a cited span (or the first) and bring it into view: inside the evidence panel on a
  // wide screen, the whole page on a narrow one (the panel sits below the chat there).
  const reveal = (id, page) => {
    const box = panel();
    if (!box) return;
    const target = box.querySelector(id ? `[id="${id}"]` : "mark");
    if (!target) {
      box.scrollTop = 0;
      return;
    }
    if (page) {
      target.scrollIntoView({ behavior: "smooth", block: "center" });
    } else {
      const offset = target.getBoundingClientRect().top - box.getBoundingClientRect().top;
      box.scrollTo({ top: box.scrollTop + offset - box.clientHeight / 3, behavior: "smooth" });
    }
    target.classList.add("dq-flash");
    setTimeout(() => target.classList.remove("dq-flash"), 1200);
  };

  // Every answer's evidence is kept with the chat in this browser (localStorage, like the
  // chat itself), so a marker of an earlier answer works after a reload too.
  const load = () => {
    try {
      return JSON.parse(localStorage.getItem(STORE) || "{}");
    } catch (_) {
      return {};
    }
  };
  let evidence = load();
  const remember = () => {
    const section = shown();
    if (!section) return;
    evidence[section.dataset.answer] = section.outerHTML;
    const turns = Object.keys(evidence).map(Number).sort((a, b) => a - b);
    for (const old of turns.slice(0, Math.max(0, turns.length - KEPT))) delete evidence[old];
    try {
      localStorage.setItem(STORE, JSON.stringify(evidence));
    } catch (_) {
      /* full: the page still has them */
    }
  };
  const bringBack = (answer) => {
    const section = shown();
    if (answer === undefined || !section || section.dataset.answer === answer) return;
    if (evidence[answer]) section.outerHTML = evidence[answer];
  };
  window.docqaReveal = (id) => setTimeout(() => { remember(); reveal(id); }, 80);
  window.docqaForget = () => {
    evidence = {};
    localStorage.removeItem(STORE);
  };

  // The citation card: a marker's sentence, document, place and status, shown on hover,
  // keyboard focus and tap. Its fields come from the answer's panel (span.dq-cite), written
  // with textContent only.
  const card = document.createElement("div");
  card.id = "dq-citecard";
  card.setAttribute("role", "tooltip");
  card.hidden = true;
  document.body.appendChild(card);
  let hideTimer = null;
  const markerOf = (link) => {
    const marker = (link.getAttribute("href") || "").replace(/^#cite-/, "");
    const turn = /\bdq-turn-(\d+)\b/.exec(link.className);
    return { marker, turn: turn ? turn[1] : undefined };
  };
  const fieldsOf = ({ marker, turn }) => {
    const section = shown();
    let html = section && (turn === undefined || section.dataset.answer === turn)
      ? section.outerHTML : evidence[turn];
    if (!html) return null;
    const doc = new DOMParser().parseFromString(html, "text/html");
    const cite = doc.querySelector(`span.dq-cite[data-marker="${marker}"]`);
    return cite ? cite.dataset : null;
  };
  const line = (css, text, lang) => {
    const el = document.createElement("div");
    el.className = css;
    el.textContent = text;
    if (lang) el.lang = lang;
    return el;
  };
  const place = (link) => {
    const r = link.getBoundingClientRect();
    const width = Math.min(380, window.innerWidth - 16);
    card.style.width = `${width}px`;
    card.style.left = `${Math.max(8, Math.min(r.left, window.innerWidth - width - 8))}px`;
    const below = r.bottom + 8;
    const height = card.offsetHeight;
    const top = below + height > window.innerHeight && r.top - height - 8 > 0
      ? r.top - height - 8 : below;
    card.style.top = `${top}px`;
  };
  const showCard = (link) => {
    if (link.title) { // the card replaces the browser's own tooltip
      link.dataset.quote = link.title;
      link.removeAttribute("title");
    }
    const f = fieldsOf(markerOf(link));
    if (!f) return;
    clearTimeout(hideTimer);
    card.replaceChildren(
      line("dq-cc-quote", `“${f.quote}”`, f.lang),
      line("dq-cc-title", f.title),
      line("dq-cc-where", [f.file, f.section, f.place].filter(Boolean).join(" · ")),
    );
    const status = document.createElement("div");
    status.className = "dq-cc-status";
    status.append(line("dq-status", f.status), line("dq-cc-note", f.note));
    card.append(status);
    card.className = `dq-citecard dq-${f.state}`;
    card.dataset.marker = f.marker;
    card.hidden = false;
    link.setAttribute("aria-describedby", "dq-citecard");
    place(link);
  };
  const hideCard = (soon) => {
    clearTimeout(hideTimer);
    if (soon) hideTimer = setTimeout(() => { card.hidden = true; }, 250);
    else card.hidden = true;
  };
  const markerLink = (node) => node && node.closest && node.closest("a.dq-ref");
  document.addEventListener("mouseover", (event) => {
    const link = markerLink(event.target);
    if (link) showCard(link);
    else if (card.contains(event.target)) clearTimeout(hideTimer);
  });
  document.addEventListener("mouseout", (event) => {
    if (markerLink(event.target) || card.contains(event.target)) hideCard(true);
  });
  document.addEventListener("focusin", (event) => {
    const link = markerLink(event.target);
    if (link) showCard(link);
  });
  document.addEventListener("focusout", (event) => {
    if (markerLink(event.target)) hideCard(true);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") hideCard(false);
  });
  window.addEventListener("scroll", () => hideCard(false), { passive: true });

  // Copy the last answer with its sources; the clipboard API needs a secure context
  // (localhost is one), the hidden-textarea fallback covers a plain-http LAN address.
  window.docqaCopy = async (text) => {
    if (!text) return;
    try {
      await navigator.clipboard.writeText(text);
    } catch (_) {
      const area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    const button = document.querySelector("#dq-copy");
    if (!button) return;
    button.dataset.copied = "yes";
    setTimeout(() => delete button.dataset.copied, 1500);
  };

  // How long the question is, once it nears the limit (the server checks it again).
  document.addEventListener("input", (event) => {
    if (!event.target.closest || !event.target.closest("#dq-question")) return;
    const count = document.querySelector("#dq-count");
    if (!count) return;
    const limit = Number(count.dataset.max);
    const length = [...event.target.value.trim()].length;
    count.hidden = length < limit * 0.8;
    count.classList.toggle("dq-over", length > limit);
    count.textContent = length > limit
      ? `${length.toLocaleString("en")} / ${limit.toLocaleString("en")} characters: shorten the question to ask it.`
      : `${length.toLocaleString("en")} / ${limit.toLocaleString("en")} characters`;
  });

  document.addEventListener("click", (event) => {
    if (event.target.closest && event.target.closest("a.dq-to-documents")) {
      event.preventDefault();
      const tab = [...document.querySelectorAll("#dq-tabs button[role=tab]")]
        .find((b) => b.textContent.trim() === "Documents");
      if (tab) tab.click();
      return;
    }
    const link = event.target.closest && event.target.closest("a.dq-ref, a.dq-badge");
    if (!link) {
      if (!card.contains(event.target)) hideCard(false);
      return;
    }
    event.preventDefault();
    remember();
    const { turn } = markerOf(link);
    bringBack(turn);
    const narrow = window.matchMedia(NARROW).matches;
    reveal((link.getAttribute("href") || "").replace(/^#/, ""), narrow && link.matches("a.dq-ref"));
    if (link.matches("a.dq-ref") && !narrow) showCard(link); // a tap shows the card too
  });
}
