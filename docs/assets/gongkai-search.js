/* 站内搜索: finds a project by Chinese words or fragments, pinyin with or without spaces,
   initials, the department, indicator texts and figures. The index is a script loaded on the
   first search, so this works from a web server and from a folder opened as file://. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script ? script.src.replace(/assets\/gongkai-search\.js(\?.*)?$/, "") : "";
  var index = null;
  var waiting = [];

  function load(done) {
    if (index) return done();
    waiting.push(done);
    if (waiting.length > 1) return;
    var tag = document.createElement("script");
    tag.src = base + "search/gongkai-index.js";
    tag.onload = function () {
      index = window.GONGKAI_SEARCH || [];
      waiting.splice(0).forEach(function (callback) { callback(); });
    };
    document.head.appendChild(tag);
  }

  function normalise(text) {
    // Full-width letters and digits typed with a Chinese input method count as half-width.
    return text.replace(/[\uff01-\uff5e]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).toLowerCase().trim();
  }

  function score(entry, query, terms) {
    var names = entry.n, other = entry.o, joined = query.replace(/\s+/g, "");
    var best = 0;
    if (joined.length >= 2 || /[\u4e00-\u9fff]/.test(joined)) {
      if (entry.t.toLowerCase() === query) best = 200;
      else if (names.indexOf(joined) >= 0 || names.indexOf(query) >= 0) best = 100;
    }
    if (best) return best * entry.w;
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var term = terms[i];
      if (names.indexOf(term) >= 0) total += 20;
      else if (("| " + other + " |").indexOf(" " + term + " ") >= 0) total += 8;
      else if (other.indexOf(term) >= 0) total += 4;
      else return 0; // every term must be found
    }
    return total * entry.w;
  }

  function search(query) {
    var clean = normalise(query);
    if (!clean) return [];
    var terms = clean.split(/\s+/);
    var found = [];
    for (var i = 0; i < index.length; i++) {
      var points = score(index[i], clean, terms);
      if (points > 0) found.push([points, i]);
    }
    found.sort(function (a, b) {
      return b[0] - a[0] || (index[b[1]].y > index[a[1]].y ? 1 : index[b[1]].y < index[a[1]].y ? -1 : a[1] - b[1]);
    });
    return found.slice(0, 50).map(function (pair) { return index[pair[1]]; });
  }

  function href(entry) {
    var url = base + entry.u;
    // From a folder on disk a directory does not open its index.html by itself.
    if (location.protocol === "file:" && /\/$/.test(url)) url += "index.html";
    return url;
  }

  function render(box, query) {
    var list = box.querySelector(".md-search-result__list");
    var meta = box.querySelector(".md-search-result__meta");
    list.textContent = "";
    if (!normalise(query)) { meta.textContent = "输入项目名称、拼音、首字母、部门或金额"; return; }
    var results = search(query);
    meta.textContent = results.length ? "找到 " + results.length + " 个结果" : "没有找到结果";
    results.forEach(function (entry) {
      var item = document.createElement("li");
      item.className = "md-search-result__item";
      var link = document.createElement("a");
      link.className = "md-search-result__link";
      link.href = href(entry);
      var article = document.createElement("article");
      article.className = "md-search-result__article md-typeset";
      var title = document.createElement("h1");
      title.textContent = entry.t;
      var detail = document.createElement("p");
      detail.textContent = [entry.y, entry.d].filter(Boolean).join(" · ");
      article.appendChild(title);
      article.appendChild(detail);
      link.appendChild(article);
      item.appendChild(link);
      list.appendChild(item);
    });
  }

  function start() {
    var box = document.querySelector(".gk-search");
    if (!box) return;
    var input = box.querySelector("input[name=query]");
    var toggle = document.getElementById("__search");
    var timer = null;
    input.addEventListener("focus", function () {
      // Open Material's search overlay (its checkbox) so the results can be seen and clicked.
      if (toggle && !toggle.checked) toggle.checked = true;
      load(function () {});
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle) { toggle.checked = false; input.blur(); }
    });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { load(function () { render(box, input.value); }); }, 80);
    });
    box.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      var first = box.querySelector(".md-search-result__link");
      if (first) location.href = first.href;
    });
    if (toggle) {
      toggle.addEventListener("change", function () { if (toggle.checked) input.focus(); });
    }
    document.addEventListener("keydown", function (event) {
      if (event.key === "/" && document.activeElement === document.body && toggle) {
        event.preventDefault();
        toggle.checked = true;
        input.focus();
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
