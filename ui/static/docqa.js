() => {
  // Bring a cited span (or the first) into view inside the evidence panel (not the whole page) and flash it.
  const reveal = (id) => {
    const panel = document.querySelector("#dq-evidence-panel");
    if (!panel) return;
    const target = panel.querySelector(id ? `[id="${id}"]` : "mark");
    if (!target) {
      panel.scrollTop = 0;
      return;
    }
    const offset = target.getBoundingClientRect().top - panel.getBoundingClientRect().top;
    panel.scrollTo({ top: panel.scrollTop + offset - panel.clientHeight / 3, behavior: "smooth" });
    target.classList.add("dq-flash");
    setTimeout(() => target.classList.remove("dq-flash"), 1200);
  };
  // Each answer's evidence, by its number in the chat: a marker of an earlier answer brings
  // that answer's evidence back into the panel. Kept for this page only.
  const evidence = {};
  const shown = () => document.querySelector("#dq-evidence-panel section[data-answer]");
  const remember = () => {
    const section = shown();
    if (section) evidence[section.dataset.answer] = section.outerHTML;
  };
  const bringBack = (answer) => {
    const section = shown();
    if (answer === undefined || !section || section.dataset.answer === answer) return;
    if (evidence[answer]) section.outerHTML = evidence[answer];
  };
  window.docqaReveal = (id) => setTimeout(() => { remember(); reveal(id); }, 80);
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
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a.dq-ref, a.dq-badge");
    if (!link) return;
    event.preventDefault();
    remember();
    const turn = /\bdq-turn-(\d+)\b/.exec(link.className);
    bringBack(turn ? turn[1] : undefined);
    reveal((link.getAttribute("href") || "").replace(/^#/, ""));
  });
}
