/* gongkai: every page's behaviour — 大字 and 高对比度 switches, scroll hints for wide tables,
   the preview's data errors, and printing folded sections open. Loaded from the site itself. */
(function () {
  var root = document.documentElement;
  /* The clerk's preview: data errors above the last good page, in the page itself. */
  if (window.gkBuildError) {
    var box = document.createElement("div"), head = document.createElement("p");
    var list = document.createElement("pre");
    box.className = "gk-build-error"; box.setAttribute("role", "alert");
    head.textContent = "数据有错，网站没有更新，下面仍是上一次正确的内容。请按提示改正文件并保存，页面会自动刷新：";
    list.textContent = window.gkBuildError;
    box.append(head, list);
    document.body.prepend(box);
  }
  var keys = { size: ["gk-size", "large"], contrast: ["gk-contrast", "high"] };
  document.querySelectorAll("[data-gk-toggle]").forEach(function (button) {
    var which = button.getAttribute("data-gk-toggle"), key = keys[which];
    var on = function () { return root.getAttribute("data-gk-" + which) === key[1]; };
    button.setAttribute("aria-pressed", on() ? "true" : "false");
    button.addEventListener("click", function () {
      if (on()) { root.removeAttribute("data-gk-" + which); } else { root.setAttribute("data-gk-" + which, key[1]); }
      try { if (on()) { localStorage.setItem(key[0], key[1]); } else { localStorage.removeItem(key[0]); } } catch (e) {}
      button.setAttribute("aria-pressed", on() ? "true" : "false");
    });
  });
  /* A table wider than its column scrolls: say so, and let the keyboard reach it. */
  var mark = function () {
    document.querySelectorAll(".gk-table").forEach(function (box) {
      box.classList.toggle("gk-scrolls", box.scrollWidth > box.clientWidth + 1);
    });
    /* The Markdown pages' tables (Material's wrapper): reachable by keyboard when wide. */
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box, index) {
      if (box.scrollWidth > box.clientWidth + 1) {
        /* Each region its own name (axe landmark-unique): its section's heading and number. */
        var heading = box.previousElementSibling;
        while (heading && !/^H[1-4]$/.test(heading.tagName)) { heading = heading.previousElementSibling; }
        var section = heading ? heading.textContent.trim() + "：" : "";
        box.setAttribute("tabindex", "0"); box.setAttribute("role", "region");
        box.setAttribute("aria-label", section + "第 " + (index + 1) + " 个表格（可左右滚动）");
      } else {
        box.removeAttribute("tabindex"); box.removeAttribute("role"); box.removeAttribute("aria-label");
      }
    });
  };
  mark();
  window.addEventListener("resize", mark);
  /* Material wraps the Markdown tables after this script has run: mark them then too. */
  if (window.document$) { window.document$.subscribe(function () { mark(); }); }
  window.addEventListener("load", mark);
  /* Printed pages show the exact amounts that the screen folds away. */
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.gk-exact:not([open])").forEach(function (d) {
      d.setAttribute("open", ""); d.setAttribute("data-gk-printed", "");
    });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-gk-printed]").forEach(function (d) {
      d.removeAttribute("open"); d.removeAttribute("data-gk-printed");
    });
  });
  new MutationObserver(mark).observe(root, { attributes: true, attributeFilter: ["data-gk-size"] });
})();
