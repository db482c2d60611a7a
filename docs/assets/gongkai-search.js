/* 站内搜索: every visible word of every page — Chinese fragments of two or more characters,
   numbers, pinyin and initials of names. The index is split into small scripts under
   search/ (postings by term, page titles, page texts) loaded on demand with <script> tags,
   so a query fetches only what it needs, from a web server or a folder opened as file://.
   The site is found from this script's own address, named with or without its digest. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script ? script.src.replace(/assets\/gongkai-search(\.[0-9a-f]{8})?\.js(\?.*)?$/, "") : "";
  var loaded = {}, waiting = {};
  var settings = null, shards = {}, metas = {}, texts = {}, fields = {};
  var BATCH = 5, SHOWN = 50;

  window.GK_SETTINGS = function (_, value) { settings = value; fire("settings"); };
  window.GK_S = function (n, value) { shards[n] = value; fire("s/" + n); };
  window.GK_M = function (start, value) { metas[start] = value; fire("m/" + start / settings.meta); };
  window.GK_T = function (n, value) { texts[n] = value; fire("t/" + n); };

  function fire(key) {
    loaded[key] = true;
    (waiting[key] || []).splice(0).forEach(function (callback) { callback(); });
  }

  function need(keys, done) {
    var missing = keys.filter(function (key) { return !loaded[key]; });
    var left = missing.length;
    if (!left) return done();
    missing.forEach(function (key) {
      var first = !waiting[key];
      (waiting[key] = waiting[key] || []).push(function () { if (--left === 0) done(); });
      if (!first) return;
      var tag = document.createElement("script");
      tag.src = base + "search/" + (key === "settings" ? "gongkai-settings" : key) + ".js";
      document.head.appendChild(tag);
    });
  }

  function normalise(text) {
    // Full-width letters and digits typed with a Chinese input method count as half-width.
    return text.replace(/[\uff01-\uff5e]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).toLowerCase().replace(/(\d),(?=\d{3})/g, "$1").trim();
  }

  var CJK = /[\u3400-\u9fff\uf900-\ufaff]+/g, WORD = /[a-z0-9]+(?:\.[0-9]+)?/g;

  function parse(query) {
    var clean = normalise(query), runs = clean.match(CJK) || [], words = clean.match(WORD) || [];
    var terms = {};
    runs.forEach(function (run) {
      for (var i = 0; i + 1 < run.length; i++) terms[run.slice(i, i + 2)] = true;
    });
    words.forEach(function (word) { terms[word] = true; });
    // Phrases as typed (between spaces) that hold Chinese must appear as such: 15万元, not 15
    // and 万元 apart.
    var phrases = clean.split(/\s+/).filter(function (p) { return /[\u3400-\u9fff\uf900-\ufaff]/.test(p) && p.length > 1; });
    return { runs: phrases, words: words, terms: Object.keys(terms) };
  }

  var TABLE = (function () {
    var table = [];
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    return table;
  })();

  function crc32(text) {
    var bytes = unescape(encodeURIComponent(text)), crc = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes.charCodeAt(i)) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  }

  function postings(term) {
    var found = {}, text = shards[crc32(term) % settings.shards][term];
    if (!text) return null;
    var page = 0;
    text.split(".").forEach(function (part) {
      var value = parseInt(part, 36);
      page += Math.floor(value / 4);
      found[page] = value % 4;
    });
    return found;
  }

  // Pages holding every term, best first: by the field (name, indicator, heading, body),
  // then by page number (project-year pages, newest year first, then the others).
  function candidates(parsed) {
    var lists = parsed.terms.map(postings);
    if (!lists.length || lists.some(function (list) { return !list; })) return [];
    lists.sort(function (a, b) { return Object.keys(a).length - Object.keys(b).length; });
    var pages = [];
    Object.keys(lists[0]).forEach(function (key) {
      var field = 0;
      for (var i = 0; i < lists.length; i++) {
        if (!(key in lists[i])) return;
        field = Math.max(field, lists[i][key]);
      }
      pages.push([field, +key]);
    });
    pages.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    pages.forEach(function (pair) { fields[pair[1]] = pair[0]; });
    return pages.map(function (pair) { return pair[1]; });
  }

  // The section that holds the query, and the passage around it.
  function passage(page, parsed) {
    var needles = parsed.runs.concat(parsed.words);
    var sections = texts[page] || [];
    var order = sections.slice().sort(function (a, b) { return a[3] - b[3]; });
    for (var i = 0; i < order.length; i++) {
      var text = normalise(order[i][2]);
      for (var j = 0; j < needles.length; j++) {
        var at = text.indexOf(needles[j]);
        if (at >= 0) return { section: order[i], at: at, length: needles[j].length };
      }
    }
    return null;
  }

  function holds(page, parsed) {
    // The Chinese runs must appear as typed, not only their fragments somewhere on the page.
    if (!parsed.runs.length) return true;
    var meta = metaOf(page), all = normalise(meta[1] + " " + (texts[page] || []).map(function (s) { return s[1] + " " + s[2]; }).join(" "));
    return parsed.runs.every(function (run) { return all.indexOf(run) >= 0; });
  }

  function metaOf(page) {
    var start = page - page % settings.meta;
    return metas[start][page - start];
  }

  function href(url, anchor) {
    var address = base + url;
    // From a folder on disk a directory does not open its index.html by itself.
    if (location.protocol === "file:" && /\/$/.test(address)) address += "index.html";
    return address + (anchor ? "#" + anchor : "");
  }

  function item(page, parsed) {
    // A name match opens the page itself; a match in the text opens its section.
    var meta = metaOf(page), found = fields[page] === 0 ? null : passage(page, parsed);
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var link = document.createElement("a");
    link.className = "md-search-result__link";
    link.href = href(meta[0], found ? found.section[0] : "");
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    var title = document.createElement("h1");
    title.textContent = meta[1];
    var detail = document.createElement("p");
    detail.textContent = [meta[2], meta[3]].filter(Boolean).join(" · ");
    article.appendChild(title);
    article.appendChild(detail);
    if (found) {
      var text = found.section[2], start = Math.max(0, found.at - 24);
      var snippet = document.createElement("p");
      snippet.className = "gk-snippet";
      snippet.appendChild(document.createTextNode((start ? "…" : "") + (found.section[1] ? found.section[1] + "：" : "") + text.slice(start, found.at)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(found.at, found.at + found.length);
      snippet.appendChild(mark);
      snippet.appendChild(document.createTextNode(text.slice(found.at + found.length, found.at + found.length + 40) + "…"));
      article.appendChild(snippet);
    }
    link.appendChild(article);
    li.appendChild(link);
    return li;
  }

  var current = 0;

  function run(box, query) {
    var list = box.querySelector(".md-search-result__list");
    var meta = box.querySelector(".md-search-result__meta");
    var ticket = ++current;
    list.textContent = "";
    meta.removeAttribute("data-gk-answered");
    if (!normalise(query)) { meta.textContent = "输入项目名称、拼音、首字母、部门、金额或报告中的词句"; return answered(meta, query); }
    var parsed = parse(query);
    if (!parsed.terms.length) { meta.textContent = "请至少输入两个汉字，或一个数字、拼音"; return answered(meta, query); }
    need(["settings"], function () {
      var keys = parsed.terms.map(function (term) { return "s/" + (crc32(term) % settings.shards); });
      need(keys, function () {
        if (ticket !== current) return;
        var pages = candidates(parsed).slice(0, SHOWN);
        var chunks = {};
        pages.forEach(function (page) { chunks["m/" + Math.floor(page / settings.meta)] = true; });
        need(Object.keys(chunks), function () { verify(pages, 0, [], parsed, ticket, list, meta, query); });
      });
    });
  }

  // Load the texts of the next few pages, keep those that hold the query, and show them.
  function verify(pages, from, shown, parsed, ticket, list, meta, query) {
    if (ticket !== current) return;
    var batch = pages.slice(from, from + BATCH);
    if (!batch.length) return finish(shown, meta, query);
    need(batch.map(function (page) { return "t/" + page; }), function () {
      if (ticket !== current) return;
      batch.forEach(function (page) {
        if (holds(page, parsed)) { shown.push(page); list.appendChild(item(page, parsed)); }
      });
      meta.textContent = shown.length ? "找到 " + shown.length + " 个结果" : "正在查找…";
      if (shown.length >= BATCH || from + BATCH >= pages.length || from >= 4 * BATCH) {
        // The rest are listed unchecked: their words all occur on the page.
        var rest = pages.slice(from + BATCH);
        if (!parsed.runs.length || shown.length) {
          rest.forEach(function (page) { shown.push(page); list.appendChild(item(page, parsed)); });
        }
        return finish(shown, meta, query);
      }
      verify(pages, from + BATCH, shown, parsed, ticket, list, meta, query);
    });
  }

  function finish(shown, meta, query) {
    meta.textContent = shown.length ? "找到 " + shown.length + " 个结果" : "没有找到结果";
    answered(meta, query);
  }

  // The query whose answer is shown in full (the tests wait for it, not for a fixed time).
  function answered(meta, query) {
    meta.setAttribute("data-gk-answered", query);
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
      need(["settings"], function () {});
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle) { toggle.checked = false; input.blur(); }
    });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { run(box, input.value); }, 80);
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
