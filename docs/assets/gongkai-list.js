/* gongkai: the full lists (项目一览, 公开时效) sorted and filtered in the browser. The page
   holds a plain table of a hundred rows that works without script; with script, the whole list
   comes from a small data file (xiazai/liebiao/<年>.js, a <script>, so that it loads from disk
   too) that says its columns and its filters, and the sort, the filters and the page are kept
   in the address (#bm=…&px=3d), so that a view can be linked and shared. Loaded by the list
   pages only. */
(function () {
  "use strict";
  var PAGE = 100;
  var box = document.querySelector("[data-gk-list]");
  if (!box || !document.querySelector) { return; }
  var script = document.currentScript;
  var base = script ? script.src.replace(/assets\/gongkai-list(\.[0-9a-f]{8})?\.js(\?.*)?$/, "") : "";
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
    choice: {  // one of a column's few values (公开事项, 时效), each with its class and words
      html: function (v, data, row, column) {
        var index = typeof v === "number" ? v : v[0], text = typeof v === "number" ? column.choices[v] : column.labels[v[1]];
        var css = column.classes ? ' class="' + escape(column.classes[index]) + '"' : "";
        return "<td" + css + ">" + escape(text) + "</td>";
      },
      key: function (v) { return typeof v === "number" ? v : v[0]; }
    },
    date: {
      html: function (v, data, row, column) {
        return v === null ? "<td>" + escape(column.absent) + "</td>" : '<td><time datetime="' + escape(v) + '">' + chineseDate(v) + "</time></td>";
      },
      key: function (v) { return v; }, text: true
    },
    change: {
      html: function (v) {
        if (v === null) { return '<td class="gk-num gk-missing">无从比较</td>'; }
        return '<td class="gk-num">' + changeWan(v[0]) + (v[1] === null ? "" : "<br>" + percent(v[1], true)) + "</td>";
      },
      key: function (v) { return v === null ? null : v[0]; }
    }
  };
  /* 2023-06-15 → 2023年6月15日; 2023-06 → 2023年6月 (a date known to the month). */
  function chineseDate(iso) {
    var p = iso.split("-");
    return p[0] + "年" + parseInt(p[1], 10) + "月" + (p[2] ? parseInt(p[2], 10) + "日" : "");
  }
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
  function writeState(state, keys) {
    var parts = [];
    keys.concat(["px", "ye"]).forEach(function (key) {
      if (state[key]) { parts.push(key + "=" + encodeURIComponent(state[key])); }
    });
    return parts.join("&");
  }

  window.gkList = function (data) {
    var columns = data.columns, filters = data.filters;
    var keys = filters.map(function (f) { return f.key; });
    var table = box.querySelector("table");
    var body = table.tBodies[0];
    var region = box.querySelector(".gk-table");
    var heads = table.tHead.rows[0].cells;
    /* A data row that holds several (a report's two events): one row each, the shared cells
       first, then the part's number, then its own cells. */
    var flat = [];
    data.rows.forEach(function (cells) {
      if (!data.shared) { flat.push(cells); return; }
      cells.slice(data.shared).forEach(function (part, k) {
        flat.push(cells.slice(0, data.shared).concat([k], part));
      });
    });
    var rows = flat.map(function (cells, i) {
      return { cells: cells, order: i, keys: cells.map(function (v, c) { return CELLS[columns[c].type].key(v, data); }) };
    });
    var title = data.title;

    /* A choice filter's options: the departments (by name), the kinds, a column's values. */
    function options(filter) {
      var column = columns[filter.column];
      if (column.type === "department") {
        return data.departments.map(function (d, i) { return [d[0], d[1], i]; })
          .sort(function (a, b) { return compareText(a[1], b[1]); });
      }
      var labels = column.type === "kinds" ? data.kinds : column.choices;
      return labels.map(function (label, i) { return [label, (filter.prefix || "") + label, i]; });
    }
    /* The index a choice filter's value stands for, or -1 (a stale or mangled link). */
    function chosenIndex(filter, value) {
      var found = -1;
      options(filter).forEach(function (o) { if (o[0] === value) { found = o[2]; } });
      return found;
    }
    function matches(filter, row, value, state) {
      var cell = row.cells[filter.column], key = row.keys[filter.column];
      if (filter.type === "choice") {
        var index = chosenIndex(filter, value);
        if (index < 0) { return true; }
        if (columns[filter.column].type === "kinds") { return Boolean(cell & (1 << index)); }
        return (typeof cell === "number" ? cell : cell[0]) === index;  // a department, a choice
      }
      if (filter.type === "text") { return String(key).toLowerCase().indexOf(value.toLowerCase()) >= 0; }
      var bounds = state.bounds[filter.key];
      if (bounds[0] === null && bounds[1] === null) { return true; }
      if (key === null) { return false; }
      var shown = key / filter.scale;  // 万元 as typed against 分; % against hundredths
      return !(bounds[0] !== null && shown < bounds[0]) && !(bounds[1] !== null && shown > bounds[1]);
    }

    /* The controls: filters above the table, a status line, pages above and below. */
    var form = document.createElement("form");
    form.className = "gk-filter";
    form.setAttribute("role", "search");
    form.setAttribute("aria-label", "筛选" + title);
    form.innerHTML = filters.map(function (f) {
      var id = "gk-f-" + f.key;
      if (f.type === "choice") {
        return '<div class="gk-filter-field"><label for="' + id + '">' + escape(f.label) + '</label><select id="' + id + '" name="' + f.key + '"><option value="">' + escape(f.all) + "</option>" +
          options(f).map(function (o) { return '<option value="' + escape(o[0]) + '">' + escape(o[1]) + "</option>"; }).join("") + "</select></div>";
      }
      if (f.type === "text") {
        return '<div class="gk-filter-field"><label for="' + id + '">' + escape(f.label) + '</label><input id="' + id + '" name="' + f.key + '" type="search" autocomplete="off"></div>';
      }
      return '<fieldset class="gk-filter-range"><legend>' + escape(f.label) + "</legend>" +
        '<label for="' + id + '0">' + escape(f.low) + '</label><input id="' + id + '0" name="' + f.key + '0" inputmode="decimal" autocomplete="off">' +
        '<label for="' + id + '1">' + escape(f.high) + '</label><input id="' + id + '1" name="' + f.key + '1" inputmode="decimal" autocomplete="off"></fieldset>';
    }).join("") +
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
    summary.textContent = "筛选" + (data.noun || "项目");
    fold.appendChild(summary);
    fold.appendChild(form);
    var wide = window.matchMedia && window.matchMedia("(min-width: 60em)").matches;
    var initial = readState();
    if (wide || keys.some(function (k) { return initial[k]; })) { fold.open = true; }
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

    /* The sort in the address, else the list's own (none: the data's order, as the plain pages). */
    function parseSort(text) {
      var match = /^(\d+)([ad])$/.exec(text || "");
      if (match && parseInt(match[1], 10) < columns.length) {
        return { column: parseInt(match[1], 10), descending: match[2] === "d" };
      }
      return data.order ? { column: data.order[0], descending: data.order[1] === "d" } : { column: -1, descending: false };
    }

    function go(state) {
      var hash = writeState(state, keys);
      if (hash === location.hash.replace(/^#/, "")) { render(); return; }
      location.replace("#" + hash);  // hashchange renders it
    }

    /* The form → the address. */
    function fromForm() {
      var state = readState();
      filters.forEach(function (f) {
        if (f.type === "range") {
          var low = form[f.key + "0"].value.trim(), high = form[f.key + "1"].value.trim();
          state[f.key] = low || high ? low + "-" + high : "";
        } else {
          state[f.key] = form[f.key].value.trim();
        }
      });
      delete state.ye;
      go(state);
    }
    var timer = null;
    form.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timer); fromForm(); });
    form.addEventListener("change", function () { clearTimeout(timer); fromForm(); });
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
          : '<a href="#' + escape(writeState(target, keys)) + '" data-gk-page>第 ' + n + " 页</a>";
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
      var bad = [], active = [];
      state.bounds = {};
      /* The form shows the view, whoever set it (a link, the back button, the reader). */
      filters.forEach(function (f) {
        var value = state[f.key] || "";
        if (f.type === "choice") {
          var known = chosenIndex(f, value) >= 0;
          form[f.key].value = known ? value : "";
          if (known) { active.push(f); }
        } else if (f.type === "text") {
          if (document.activeElement !== form[f.key]) { form[f.key].value = value; }
          if (value) { active.push(f); }
        } else {
          var raw = value.split("-"), bounds = [null, null];
          [0, 1].forEach(function (side) {
            var input = form[f.key + side], typed = raw.length === 2 ? raw[side] : "";
            if (document.activeElement !== input) { input.value = typed; }
            var number = readNumber(typed);
            if (typed !== "" && (number === null || isNaN(number))) {
              input.setAttribute("aria-invalid", "true");
              bad.push(f.label + "的“" + typed + "”");
            } else {
              input.removeAttribute("aria-invalid");
              bounds[side] = number;
            }
          });
          state.bounds[f.key] = bounds;
          if (bounds[0] !== null || bounds[1] !== null) { active.push(f); }
        }
      });
      var chosen = rows.filter(function (row) {
        return active.every(function (f) { return matches(f, row, state[f.key] || "", state); });
      });
      var text = sort.column >= 0 && CELLS[columns[sort.column].type].text;
      chosen.sort(function (a, b) {
        if (sort.column < 0) { return a.order - b.order; }
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
      var noun = data.noun || "项目", unit = data.unit || "个";
      body.innerHTML = slice.length ? slice.map(function (row) {
        return "<tr>" + row.cells.map(function (v, c) { return CELLS[columns[c].type].html(v, data, row.cells, columns[c]); }).join("") + "</tr>";
      }).join("") : '<tr><td colspan="' + columns.length + '" class="gk-missing">没有符合条件的' + noun + "，请放宽或清除筛选条件。</td></tr>";
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
      var type = sort.column >= 0 ? columns[sort.column].type : "";
      var label = sort.column >= 0 ? columns[sort.column].label : "";
      var how = sort.column < 0 ? data.order_words
        : type === "date" ? "按" + label + (sort.descending ? "从晚到早排列" : "从早到晚排列")
        : text ? "按" + label + (sort.descending ? "的拼音倒序排列" : "的拼音顺序排列")
        : type === "choice" ? "按" + label + (sort.descending ? "分类倒序排列" : "分类排列")
        : "按" + label + (sort.descending ? "从大到小排列" : "从小到大排列");
      var filtered = active.length > 0;
      var words = (filtered ? "符合筛选条件的" + noun + " " + chosen.length + " " + unit + "（共 " + rows.length + " " + unit + "）" : "共 " + rows.length + " " + unit + noun) +
        "，" + how +
        (chosen.length > PAGE ? "；本页为第 " + page + " 页，共 " + pages + " 页，列出第 " + (first + 1) + " 至 " + (first + slice.length) + " " + unit : "") + "。";
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
