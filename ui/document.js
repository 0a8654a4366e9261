// The page's document, made Danish and accessible where Streamlit 1.67 has no option for it.
// Installed once per browser tab by ui.document.install() (st.html runs it in the app's own
// document, not in an iframe); every rule re-applies when Streamlit redraws (MutationObserver).
(function () {
  if (window.__landkortDocument) {
    return;
  }
  window.__landkortDocument = true;
  var doc = document;

  // Streamlit's built-in English labels, in Danish (aria-label or text).
  var LABELS = {
    "Skip to main content": "Spring til hovedindhold",
    "Clear entry": "Ryd feltet",
    "Clear all": "Ryd alle",
    "Open sidebar": "Vis sidepanel",
    "Close sidebar": "Skjul sidepanel",
    "Show password text": "Vis adgangskode",
    "Fullscreen": "Fuld skærm",
    "Download as CSV": "Hent som CSV",
  };

  function relabel(root) {
    root.querySelectorAll("[aria-label]").forEach(function (el) {
      var da = LABELS[el.getAttribute("aria-label")];
      if (da) {
        el.setAttribute("aria-label", da);
      }
    });
    root.querySelectorAll("[data-testid=stSkipToContent]").forEach(function (el) {
      if (el.textContent !== LABELS["Skip to main content"]) {
        el.textContent = LABELS["Skip to main content"];
      }
    });
    // tel: and mailto: links open in the same tab (the phone app takes over), not a new
    // tab; so do markdown links to the app's own pages (enhed?id=...)
    root.querySelectorAll("a[href^='tel:'][target], a[href^='mailto:'][target]").forEach(
      function (el) {
        el.removeAttribute("target");
      }
    );
    root.querySelectorAll("[data-testid=stMain] a[target='_blank']").forEach(function (el) {
      if (el.origin === location.origin && !el.hasAttribute("download")) {
        el.removeAttribute("target");
      }
    });
    // the map's iframe is named by its content, not by the component's Python name
    root.querySelectorAll("iframe[title^='streamlit_folium']").forEach(function (el) {
      el.setAttribute("title", "Kort over kontorerne");
    });
    // a table wider than a phone scrolls: keyboard users can reach and scroll it (WCAG 2.1.1)
    root.querySelectorAll("[data-testid=stTable] > div").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("role", "region");
        el.setAttribute("aria-label", "Tabel");
      }
    });
    // result lists: containers keyed "...-list" hold "...-item" containers (ui.soeg)
    root.querySelectorAll("[class*='st-key-liste-']").forEach(function (el) {
      el.setAttribute("role", "list");
    });
    root.querySelectorAll("[class*='st-key-punkt-']").forEach(function (el) {
      el.setAttribute("role", "listitem");
    });
  }

  function apply() {
    if (doc.documentElement.lang !== "da") {
      doc.documentElement.lang = "da";
    }
    relabel(doc);
  }

  // One history entry per link click. Streamlit 1.67 pushes the new query string on the old
  // path (/?id=x) before it pushes the new page (/enhed?id=x), so Back would land on an empty
  // search page. After a click on a link to another page of the app, the push that keeps the
  // old path is skipped; the push of the new page follows at once.
  var skip = null;
  doc.addEventListener(
    "click",
    function (event) {
      var link = event.target.closest && event.target.closest("a[href]");
      if (!link || link.origin !== location.origin || link.target === "_blank") {
        return;
      }
      if (link.pathname !== location.pathname) {
        skip = { path: location.pathname, until: Date.now() + 10000 };
      }
    },
    true
  );
  var pushState = history.pushState.bind(history);
  history.pushState = function (state, title, url) {
    if (skip && Date.now() < skip.until && url !== undefined && url !== null) {
      var target = new URL(String(url), location.href);
      if (target.pathname === skip.path) {
        skip = null;
        return;
      }
    }
    skip = null;
    return pushState(state, title, url);
  };

  // Each search its own history entry. Streamlit writes a widget bound to the link
  // (`?q=`) with replaceState, so a typed search replaced the one before it and Back
  // jumped past earlier searches. A new search text on the same page is pushed instead;
  // Back then returns to the previous search (Streamlit reruns on popstate).
  var SEARCH_PARAMS = ["q"];
  var replaceState = history.replaceState.bind(history);
  history.replaceState = function (state, title, url) {
    if (url !== undefined && url !== null) {
      var target = new URL(String(url), location.href);
      var here = new URL(location.href);
      var newSearch = SEARCH_PARAMS.some(function (name) {
        var wanted = target.searchParams.get(name) || "";
        return wanted !== "" && wanted !== (here.searchParams.get(name) || "");
      });
      if (target.pathname === here.pathname && newSearch) {
        return pushState(state, title, url);
      }
    }
    return replaceState(state, title, url);
  };

  // The search box has the focus when Søg opens (a page visit, also from another page),
  // unless the reader is typing in another field already.
  var focusedVisit = null;
  function focusSearch() {
    var box = doc.querySelector("[data-testid=stMain] input[aria-label='Søg']");
    if (!box) {
      focusedVisit = null;
      return;
    }
    if (focusedVisit === location.pathname) {
      return;
    }
    focusedVisit = location.pathname;
    // not while the reader types in another field; a link (the sidebar's) may lose it
    var active = doc.activeElement;
    var typing = active && active !== box && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
    if (!typing) {
      box.focus({ preventScroll: true });
    }
  }

  // at most once per frame, however many changes Streamlit makes while it draws
  var pending = false;
  function schedule() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        apply();
        focusSearch();
      });
    }
  }

  apply();
  new MutationObserver(schedule).observe(doc.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["aria-label", "target", "lang", "title"],
  });
})();
