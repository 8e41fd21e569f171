/**
 * dashboard.js, the page's script (served as /admin/assets/dashboard.js, kept as text here
 * because the Worker bundles no browser code). It polls the admin API with the session
 * cookie every few seconds and writes figures as text nodes: nothing from the API is ever
 * parsed as HTML. Plain ES2017 so any current browser runs it without a build step.
 */
export const DASHBOARD_JS = String.raw`(function () {
  "use strict";
  var REFRESH_MS = 5000;
  var sort = { key: "requests", desc: true };
  var attendees = [];
  var chart = null;
  var chartEl = document.getElementById("chart");
  var windowSelect = document.getElementById("window");

  function $(id) { return document.getElementById(id); }
  function fmt(n) { return n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US"); }
  function setText(id, text) { $(id).textContent = text; }

  function api(path) {
    return fetch("/admin/api" + path, { credentials: "same-origin", headers: { accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); throw new Error("signed out"); }
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body && body.error ? body.error.message : "HTTP " + response.status);
          return body;
        });
      });
  }

  function windowQuery() {
    var value = windowSelect.value;
    return value === "all" ? "" : "minutes=" + encodeURIComponent(value);
  }

  function renderEnrollment(enrollment) {
    var max = enrollment.max_attendees;
    setText("card-enrolled", fmt(enrollment.attendees) + " / " + fmt(max));
    var left = max - enrollment.attendees;
    setText("card-enrolled-detail", left > 0 ? fmt(left) + " places left" : "the cap is reached: /enroll refuses newcomers");
    // Warn from 90 % on, while there is still time to raise MAX_ATTENDEES.
    $("card-enrolled").parentNode.classList.toggle("hot", enrollment.attendees >= max * 0.9);
  }

  function renderCards(overview) {
    var t = overview.totals;
    renderEnrollment(overview.enrollment);
    setText("card-active", fmt(overview.active_attendees.count));
    setText("card-requests", fmt(t.requests));
    setText("card-tokens", fmt(t.tokens));
    setText("card-tokens-detail", fmt(t.prompt_tokens) + " in · " + fmt(t.completion_tokens) + " out");
    setText("card-limited", fmt(t.rate_limited));
    setText("card-errors", fmt(t.errors));
    setText("card-errors-detail", fmt(t.upstream_errors) + " from the upstream");
    $("card-limited").parentNode.classList.toggle("hot", t.rate_limited > 0);
    $("card-errors").parentNode.classList.toggle("hot", t.errors > 0);
    var l = overview.latency_ms;
    setText("card-latency", l.p50 === null ? "–" : fmt(l.p50) + " / " + fmt(l.p95));
    setText("status-window", windowSelect.options[windowSelect.selectedIndex].text);
    renderCodes($("status-codes"), overview.status_codes.map(function (s) {
      var cls = s.status === 429 ? "warn" : s.status >= 400 ? "bad" : "ok";
      return { text: s.status + " × " + fmt(s.count), cls: cls };
    }));
    renderCodes($("error-codes"), overview.error_codes.map(function (e) {
      return { text: e.error_code + " × " + fmt(e.count), cls: e.error_code.indexOf("rate_limit") === 0 ? "warn" : "bad" };
    }));
  }

  function renderCodes(list, items) {
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = item.cls;
      li.textContent = item.text;
      list.appendChild(li);
    });
  }

  function compare(a, b) {
    var x = a[sort.key], y = b[sort.key];
    if (x === y) return a.user_id < b.user_id ? -1 : 1;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    var order = x < y ? -1 : 1;
    return sort.desc ? -order : order;
  }

  function cell(row, text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  function renderTable() {
    var body = document.querySelector("#attendees tbody");
    body.textContent = "";
    attendees.slice().sort(compare).forEach(function (a) {
      var tr = document.createElement("tr");
      tr.dataset.user = a.user_id;
      if (a.errors > 0) tr.className = "has-errors";
      var name = cell(tr, "");
      var dot = document.createElement("span");
      dot.className = a.active ? "dot on" : "dot";
      dot.title = a.active ? "active in the last 5 minutes" : "not seen in the last 5 minutes";
      name.appendChild(dot);
      name.appendChild(document.createTextNode(a.user_id));
      cell(tr, fmt(a.requests));
      cell(tr, fmt(a.tokens));
      cell(tr, fmt(a.rate_limited), a.rate_limited > 0 ? "hot-warn" : "");
      cell(tr, fmt(a.errors), a.errors > 0 ? "hot-bad" : "");
      cell(tr, fmt(a.p50_latency_ms));
      cell(tr, fmt(a.p95_latency_ms));
      cell(tr, a.last_seen ? a.last_seen.slice(11) + " UTC" : "–");
      body.appendChild(tr);
    });
    $("no-attendees").hidden = attendees.length > 0;
    document.querySelectorAll("#attendees th").forEach(function (th) {
      th.classList.remove("sorted-asc", "sorted-desc");
      if (th.dataset.sort === sort.key) th.classList.add(sort.desc ? "sorted-desc" : "sorted-asc");
    });
  }

  function chartSize() {
    var width = Math.max(240, chartEl.clientWidth);
    return { width: width, height: width < 500 ? 200 : 260 };
  }

  function renderChart(series) {
    var xs = series.total.map(function (m) { return Date.parse(m.minute.replace(" ", "T") + ":00Z") / 1000; });
    var data = [
      xs,
      series.total.map(function (m) { return m.requests; }),
      series.total.map(function (m) { return m.rate_limited; }),
      series.total.map(function (m) { return m.errors; }),
    ];
    if (chart) { chart.setData(data); return; }
    var size = chartSize();
    chart = new uPlot({
      width: size.width, height: size.height,
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(5, Math.ceil(max * 1.2))]; } } },
      axes: [{}, { size: 40 }],
      series: [
        {},
        { label: "requests", stroke: "#2f6fde", fill: "rgba(47,111,222,0.10)", width: 2, points: { show: false } },
        { label: "429s", stroke: "#b26a00", width: 2, points: { show: false } },
        { label: "errors", stroke: "#c0262d", width: 2, points: { show: false } },
      ],
    }, data, chartEl);
  }

  function renderHealth(health) {
    var pill = $("upstream");
    var up = health && health.upstream && health.upstream.reachable;
    pill.className = "pill " + (up ? "ok" : "down");
    pill.textContent = up
      ? "upstream ok · " + health.upstream.latency_ms + " ms"
      : "upstream unreachable";
  }

  function showProblem(message) {
    var p = $("problem");
    p.hidden = !message;
    p.textContent = message || "";
  }

  function refresh() {
    var q = windowQuery();
    return Promise.all([
      api("/overview?" + q),
      api("/attendees?" + q),
      api("/timeseries?minutes=30"),
      fetch("/health").then(function (r) { return r.json(); }).catch(function () { return null; }),
    ]).then(function (results) {
      renderCards(results[0]);
      attendees = results[1].data;
      renderTable();
      $("attendees-truncated").hidden = !results[1].truncated;
      setText("attendees-truncated", "Showing the " + fmt(attendees.length) + " attendees with the most requests; the others are in ocg users list.");
      renderChart(results[2]);
      renderHealth(results[3]);
      showProblem("");
      setText("updated", "updated " + new Date().toLocaleTimeString());
    }).catch(function (error) {
      showProblem("Could not refresh: " + error.message + ". Retrying every few seconds.");
    });
  }

  document.querySelectorAll("#attendees th").forEach(function (th) {
    th.addEventListener("click", function () {
      var key = th.dataset.sort;
      if (sort.key === key) sort.desc = !sort.desc;
      else sort = { key: key, desc: th.dataset.type !== "text" };
      renderTable();
    });
  });
  windowSelect.addEventListener("change", refresh);
  window.addEventListener("resize", function () { if (chart) chart.setSize(chartSize()); });

  refresh();
  setInterval(refresh, REFRESH_MS);
})();
`;
