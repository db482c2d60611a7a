/* gongkai: the full lists (项目一览) sorted and filtered in the browser. The page holds a plain
   table of a hundred rows that works without script; with script, the whole list comes from a
   small data file (xiazai/liebiao/<年>.js, a <script>, so that it loads from disk too), and
   the sort, the filters and the page are kept in the address (#bm=…&px=3d), so that a view can
   be linked and shared. Loaded by the list pages only. */
(function () {
  "use strict";
  var PAGE = 100;
  var box = document.querySelector("[data-gk-list]");
  if (!box || !document.querySelector) { return; }
  var script = document.currentScript;
  var base = script ? script.src.replace(/assets\/gongkai-list\.js(\?.*)?$/, "") : "";
  var suffix = box.getAttribute("data-gk-suffix") || "/";
  var serverPage = parseInt(box.getAttribute("data-gk-page"), 10) || 1;
  var collator = window.Intl && Intl.Collator ? new Intl.Collator("zh-CN") : null;
  var compareText = function (a, b) { return collator ? collator.compare(a, b) : a.localeCompare(b); };

  function escape(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function href(stem) {
    var address = base + stem + suffix;
    // From a folder on disk a directory does not open its index.html by itself.
    if (location.protocol === "file:" && /\/$/.test(address)) { address += "index.html"; }
    return address;
  }
  /* A number typed by a reader: full-width digits, commas and a trailing % allowed. */
  function readNumber(text) {
    text = String(text || "").replace(/[\uff10-\uff19\uff0e]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).replace(/[,，\s%％]/g, "");
    if (text === "") { return null; }
    return /^\d+(\.\d+)?$/.test(text) ? parseFloat(text) : NaN;
  }
  /* Figures arrive exact, in 分 and in hundredths of a percent, and are shown as the pages show
     them: 万元 rounded half up (四舍五入) with two decimals, the exact yuan on hover. Integer
     arithmetic only (every amount is below 2^53 分), so nothing is lost to floating point. */
  function grouped(whole) { return String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function hundredths(value) { return grouped((value - value % 100) / 100) + "." + ("0" + value % 100).slice(-2); }
  function wan(cents) { var rounded = (cents + 5000 - (cents + 5000) % 10000) / 10000; return hundredths(rounded); }
  function yuan(cents) { return cents % 100 ? hundredths(cents) : grouped(cents / 100); }
  /* A sign where the shown figure is not zero (a change that rounds to 0.00 has none). */
  function signed(value, text, plus) { return text === "0.00" ? text : value > 0 ? (plus ? "+" : "") + text : value < 0 ? "-" + text : text; }
  function percent(value, plus) { return signed(value, hundredths(Math.abs(value)), plus) + "%"; }
  function changeWan(cents) { var text = wan(Math.abs(cents)); return signed(cents, text, true) + " 万元"; }

  /* Each kind of cell: how it is shown (the pages' own words) and what it sorts by. */
  var CELLS = {
    name: {
      html: function (v, data) { return '<th scope="row"><a href="' + escape(href(data.base + v[1])) + '">' + escape(v[0]) + "</a></th>"; },
      key: function (v) { return v[0]; }, text: true
    },
    department: {
      html: function (v, data) { return "<td>" + escape(data.departments[v][1]) + "</td>"; },
      key: function (v, data) { return data.departments[v][1]; }, text: true
    },
    kinds: {
      html: function (v, data) { return "<td>" + escape(kindWords(v, data)) + "</td>"; },
      key: function (v, data) { return kindWords(v, data); }, text: true
    },
    years: {
      html: function (v, data, row) {
        return "<td>" + v.map(function (y) {
          var year = typeof y === "number" ? y : y[0], slug = typeof y === "number" ? row[0][1] : y[1];
          return '<a href="' + escape(href(year + "/" + slug)) + '">' + year + "</a>";
        }).join("、") + "</td>";
      },
      key: function (v) { return v.length ? (typeof v[0] === "number" ? v[0] : v[0][0]) * 100 + v.length : null; }
    },
    money: {
      html: function (v) {
        if (v === null) { return '<td class="gk-num gk-missing">报告未写明</td>'; }
        return '<td class="gk-num"><data value="' + yuan(v).replace(/,/g, "") + '" title="' + yuan(v) + ' 元">' + wan(v) + "</data></td>";
      },
      key: function (v) { return v; }
    },
    rate: {
      html: function (v) {
        return typeof v === "number" ? '<td class="gk-num">' + percent(v) + "</td>"
          : '<td class="gk-num gk-missing">' + escape(v) + "</td>";
      },
      key: function (v) { return typeof v === "number" ? v : null; }
    },
    change: {
      html: function (v) {
        if (v === null) { return '<td class="gk-num gk-missing">无从比较</td>'; }
        return '<td class="gk-num">' + changeWan(v[0]) + (v[1] === null ? "" : "<br>" + percent(v[1], true)) + "</td>";
      },
      key: function (v) { return v === null ? null : v[0]; }
    }
  };
  function kindWords(bits, data) {
    return data.kinds.filter(function (k, i) { return bits & (1 << i); }).join("、");
  }

  /* The address's part after # as a view: filters, sort and page. */
  function readState() {
    var state = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var at = part.indexOf("=");
      if (at > 0) {
        try { state[part.slice(0, at)] = decodeURIComponent(part.slice(at + 1)); } catch (e) { /* a mangled link: ignore that part */ }
      }
    });
    return state;
  }
  function writeState(state) {
    var parts = [];
    ["bm", "lx", "mc", "ys", "zx", "px", "ye"].forEach(function (key) {
      if (state[key]) { parts.push(key + "=" + encodeURIComponent(state[key])); }
    });
    return parts.join("&");
  }

  window.gkList = function (data) {
    var columns = data.columns;
    var table = box.querySelector("table");
    var body = table.tBodies[0];
    var region = box.querySelector(".gk-table");
    var heads = table.tHead.rows[0].cells;
    var amountColumn = -1, rateColumn = -1;
    columns.forEach(function (c, i) {
      if (c.filter === "amount") { amountColumn = i; }
      if (c.filter === "rate") { rateColumn = i; }
    });
    var rows = data.rows.map(function (cells, i) {
      return { cells: cells, order: i, keys: cells.map(function (v, c) { return CELLS[columns[c].type].key(v, data); }) };
    });
    var title = data.title;

    /* The controls: filters above the table, a status line, pages above and below. */
    var form = document.createElement("form");
    form.className = "gk-filter";
    form.setAttribute("role", "search");
    form.setAttribute("aria-label", "筛选" + title);
    var departments = data.departments.slice().sort(function (a, b) { return compareText(a[1], b[1]); });
    var amountLabel = amountColumn >= 0 ? columns[amountColumn].label : "";
    var rateLabel = rateColumn >= 0 ? columns[rateColumn].label : "";
    form.innerHTML =
      '<div class="gk-filter-field"><label for="gk-f-bm">部门</label><select id="gk-f-bm" name="bm"><option value="">全部部门</option>' +
      departments.map(function (d) { return '<option value="' + escape(d[0]) + '">' + escape(d[1]) + "</option>"; }).join("") +
      '</select></div><div class="gk-filter-field"><label for="gk-f-lx">公开的文件</label><select id="gk-f-lx" name="lx"><option value="">全部</option>' +
      data.kinds.map(function (k) { return '<option value="' + escape(k) + '">有' + escape(k) + "</option>"; }).join("") +
      '</select></div><div class="gk-filter-field"><label for="gk-f-mc">项目名称包含</label><input id="gk-f-mc" name="mc" type="search" autocomplete="off"></div>' +
      (amountColumn >= 0 ? '<fieldset class="gk-filter-range"><legend>' + escape(amountLabel) + '（万元）</legend><label for="gk-f-ys0">不少于</label><input id="gk-f-ys0" name="ys0" inputmode="decimal" autocomplete="off"><label for="gk-f-ys1">不多于</label><input id="gk-f-ys1" name="ys1" inputmode="decimal" autocomplete="off"></fieldset>' : "") +
      (rateColumn >= 0 ? '<fieldset class="gk-filter-range"><legend>' + escape(rateLabel) + '（%）</legend><label for="gk-f-zx0">不低于</label><input id="gk-f-zx0" name="zx0" inputmode="decimal" autocomplete="off"><label for="gk-f-zx1">不高于</label><input id="gk-f-zx1" name="zx1" inputmode="decimal" autocomplete="off"></fieldset>' : "") +
      '<div class="gk-filter-actions"><button type="submit" class="md-button md-button--primary">筛选</button> <button type="button" class="md-button" data-gk-clear>清除筛选</button></div>';
    var status = document.createElement("p");
    status.className = "gk-list-status";
    status.setAttribute("role", "status");
    var plain = box.querySelector(".gk-list-plain");
    if (plain) { plain.hidden = true; }
    Array.prototype.forEach.call(box.querySelectorAll(".gk-pages"), function (nav) { nav.hidden = true; });
    /* On a phone the filters fold away under one line, open where a filter is in use. */
    var fold = document.createElement("details"), summary = document.createElement("summary");
    fold.className = "gk-filter-box";
    summary.textContent = "筛选项目";
    fold.appendChild(summary);
    fold.appendChild(form);
    var wide = window.matchMedia && window.matchMedia("(min-width: 60em)").matches;
    var initial = readState();
    if (wide || initial.bm || initial.lx || initial.mc || initial.ys || initial.zx) { fold.open = true; }
    region.parentNode.insertBefore(fold, region);
    region.parentNode.insertBefore(status, region);
    var top = document.createElement("nav"), bottom = document.createElement("nav");
    top.className = bottom.className = "gk-pages";
    top.setAttribute("aria-label", title + "的分页（表格上方）");
    bottom.setAttribute("aria-label", title + "的分页（表格下方）");
    region.parentNode.insertBefore(top, region);
    region.parentNode.insertBefore(bottom, region.nextSibling);

    /* Sortable headers: each a button; the sorted one carries aria-sort. */
    var buttons = [];
    Array.prototype.forEach.call(heads, function (th, i) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "gk-sort";
      button.innerHTML = th.innerHTML + '<span class="gk-sort-mark" aria-hidden="true"></span>';
      th.innerHTML = "";
      th.appendChild(button);
      buttons.push(button);
      button.addEventListener("click", function () {
        var state = readState(), sort = parseSort(state.px);
        var direction = sort.column === i ? (sort.descending ? "a" : "d") : (CELLS[columns[i].type].text ? "a" : "d");
        state.px = i + direction;
        delete state.ye;
        go(state);
      });
    });

    function parseSort(text) {
      var match = /^(\d+)([ad])$/.exec(text || "");
      var column = match ? parseInt(match[1], 10) : data.order[0];
      if (!(column < columns.length)) { column = data.order[0]; }
      return { column: column, descending: (match ? match[2] : data.order[1]) === "d" };
    }
    function range(text) {
      var parts = String(text || "").split("-");
      if (parts.length !== 2) { return [null, null]; }
      return [readNumber(parts[0]), readNumber(parts[1])];
    }
    function shown(value) { return value === null || isNaN(value) ? "" : String(value); }

    function go(state) {
      var hash = writeState(state);
      if (hash === location.hash.replace(/^#/, "")) { render(); return; }
      location.replace("#" + hash);  // hashchange renders it
    }

    /* The form → the address. A number that is not one is named, and not used. */
    function fromForm() {
      var state = readState();
      state.bm = form.bm.value;
      state.lx = form.lx.value;
      state.mc = form.mc.value.trim();
      if (form.ys0) { state.ys = form.ys0.value.trim() || form.ys1.value.trim() ? form.ys0.value.trim() + "-" + form.ys1.value.trim() : ""; }
      if (form.zx0) { state.zx = form.zx0.value.trim() || form.zx1.value.trim() ? form.zx0.value.trim() + "-" + form.zx1.value.trim() : ""; }
      delete state.ye;
      go(state);
    }
    var timer = null;
    form.addEventListener("submit", function (event) { event.preventDefault(); fromForm(); });
    form.addEventListener("change", fromForm);
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fromForm, 300);
    });
    form.querySelector("[data-gk-clear]").addEventListener("click", function () {
      var state = readState();
      go({ px: state.px });
    });
    var moved = false;
    function pageLinks(nav, state, page, pages) {
      if (pages < 2) { nav.hidden = true; nav.innerHTML = ""; return; }
      nav.hidden = false;
      var html = "<span>分页：</span>";
      for (var n = 1; n <= pages; n++) {
        var target = {};
        for (var key in state) { target[key] = state[key]; }
        target.ye = n > 1 ? String(n) : "";
        html += n === page ? '<strong aria-current="page">第 ' + n + " 页</strong>"
          : '<a href="#' + escape(writeState(target)) + '" data-gk-page>第 ' + n + " 页</a>";
        if (n < pages) { html += " · "; }
      }
      nav.innerHTML = html;
    }
    box.addEventListener("click", function (event) {
      if (event.target && event.target.hasAttribute && event.target.hasAttribute("data-gk-page")) { moved = true; }
    });

    function render() {
      var state = readState();
      var sort = parseSort(state.px);
      var amount = range(state.ys), rate = range(state.zx);
      var usable = function (b) { return [isNaN(b[0]) ? null : b[0], isNaN(b[1]) ? null : b[1]]; };
      var name = (state.mc || "").toLowerCase();
      var kind = data.kinds.indexOf(state.lx || "");
      var department = -1;
      data.departments.forEach(function (d, i) { if (d[0] === state.bm) { department = i; } });
      /* The form shows the view, whoever set it (a link, the back button, the reader). */
      form.bm.value = department >= 0 ? state.bm : "";
      form.lx.value = kind >= 0 ? state.lx : "";
      if (document.activeElement !== form.mc) { form.mc.value = state.mc || ""; }
      var bad = [];
      [["ys", amount, amountLabel], ["zx", rate, rateLabel]].forEach(function (f) {
        if (!form[f[0] + "0"]) { return; }
        var raw = String(state[f[0]] || "").split("-");
        [0, 1].forEach(function (side) {
          var input = form[f[0] + side];
          if (document.activeElement !== input) { input.value = raw.length === 2 ? raw[side] : ""; }
          var wrong = raw.length === 2 && raw[side] !== "" && isNaN(f[1][side]);
          if (wrong) { input.setAttribute("aria-invalid", "true"); bad.push(f[2] + "的“" + raw[side] + "”"); } else { input.removeAttribute("aria-invalid"); }
        });
      });
      var within = function (value, bounds) {
        bounds = usable(bounds);
        if (bounds[0] === null && bounds[1] === null) { return true; }
        if (value === null) { return false; }
        if (bounds[0] !== null && value < bounds[0]) { return false; }
        if (bounds[1] !== null && value > bounds[1]) { return false; }
        return true;
      };
      var chosen = rows.filter(function (row) {
        var c = row.cells;
        if (department >= 0 && c[1] !== department) { return false; }
        if (kind >= 0 && !(c[2] & (1 << kind))) { return false; }
        if (name && c[0][0].toLowerCase().indexOf(name) < 0) { return false; }
        // 万元 as typed against the amount in 分; 执行率 in % against the rate shown.
        if (amountColumn >= 0 && !within(row.keys[amountColumn] === null ? null : row.keys[amountColumn] / 1000000, amount)) { return false; }
        if (rateColumn >= 0 && !within(row.keys[rateColumn] === null ? null : row.keys[rateColumn] / 100, rate)) { return false; }
        return true;
      });
      var text = CELLS[columns[sort.column].type].text;
      chosen.sort(function (a, b) {
        var x = a.keys[sort.column], y = b.keys[sort.column];
        if (x === null || y === null) { return x === y ? a.order - b.order : (x === null ? 1 : -1); }
        var c = text ? compareText(x, y) : x - y;
        if (sort.descending) { c = -c; }
        return c || a.order - b.order;
      });
      var pages = Math.max(1, Math.ceil(chosen.length / PAGE));
      var page = parseInt(state.ye, 10) || (location.hash.length > 1 ? 1 : serverPage);
      page = Math.min(Math.max(page, 1), pages);
      var first = (page - 1) * PAGE;
      var slice = chosen.slice(first, first + PAGE);
      body.innerHTML = slice.length ? slice.map(function (row) {
        return "<tr>" + row.cells.map(function (v, c) { return CELLS[columns[c].type].html(v, data, row.cells); }).join("") + "</tr>";
      }).join("") : '<tr><td colspan="' + columns.length + '" class="gk-missing">没有符合条件的项目，请放宽或清除筛选条件。</td></tr>';
      Array.prototype.forEach.call(heads, function (th, i) {
        var mark = buttons[i].querySelector(".gk-sort-mark");
        if (i === sort.column) {
          th.setAttribute("aria-sort", sort.descending ? "descending" : "ascending");
          mark.textContent = sort.descending ? " ▼" : " ▲";
        } else {
          th.removeAttribute("aria-sort");
          mark.textContent = "";
        }
      });
      var how = columns[sort.column].label + (text ? (sort.descending ? "按拼音倒序" : "按拼音顺序") : (sort.descending ? "从大到小" : "从小到大"));
      var filtered = chosen.length !== rows.length;
      var words = (filtered ? "符合筛选条件的项目 " + chosen.length + " 个（共 " + rows.length + " 个）" : "共 " + rows.length + " 个项目") +
        "，按" + how + "排列" +
        (chosen.length > PAGE ? "；本页为第 " + page + " 页，共 " + pages + " 页，列出第 " + (first + 1) + " 至 " + (first + slice.length) + " 个" : "") + "。";
      if (bad.length) { words += bad.join("、") + "不是数字，未按它筛选。"; }
      if (filtered || state.px) { words += "本页网址已记下当前的排序和筛选，可收藏或分享。"; }
      status.textContent = words;
      pageLinks(top, state, page, pages);
      pageLinks(bottom, state, page, pages);
      if (moved) { moved = false; region.focus(); }
      window.dispatchEvent(new Event("resize"));  // the table's width may have changed: re-mark scrolling
    }
    window.addEventListener("hashchange", render);
    box.setAttribute("data-gk-ready", "");
    render();
  };

  var tag = document.createElement("script");
  tag.src = box.getAttribute("data-gk-list");
  document.head.appendChild(tag);
})();
