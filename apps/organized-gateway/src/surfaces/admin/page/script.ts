/**
 * dashboard.js, the dashboard's script (served as /admin/assets/dashboard.js, kept as text
 * here because the Worker bundles no browser code). It polls the admin API with the
 * session cookie every few seconds and writes figures as text nodes: nothing from the API
 * is ever parsed as HTML. Clicking an attendee opens their last requests, their tier and the
 * organiser's actions (issue and revoke keys, block, unblock, reset, reinstate, set the
 * tier, revoke their model credential), which go through the same admin API routes as the CLI, with the console's CSRF header.
 * Plain ES2017 so any current browser runs it without a build step.
 */
import { CLIENT_COMMON_JS } from "./client-common";

const DASHBOARD_BODY = String.raw`
  var REFRESH_MS = 5000;
  /** Attendees in the "Who is stuck" list before it says how many more there are. */
  var STUCK_SHOWN = 30;
  var STATE_LABEL = { ready: "ready", setup: "stuck at setup", failing: "stuck", blocked: "blocked", revoked: "revoked" };
  var STATE_HELP = {
    setup: "On the roster but no request yet: they have not finished setup.sh (no 'Agent ready.').",
    blocked: "You blocked them: every request gets 403 user_blocked until you unblock.",
    revoked: "Their id is revoked: it works again once you reinstate it or issue it a key.",
  };
  // Stuck first when the State column sorts.
  var STATE_RANK = { failing: 0, setup: 1, blocked: 2, revoked: 3, ready: 4 };
  var ACTION_LABEL = {
    issue_key: "issued a key", revoke_key: "revoked a key", block: "blocked", unblock: "unblocked",
    reset_binding: "reset the binding", reinstate: "reinstated", set_tier: "set the tier",
    revoke_credential: "revoked the credential", reencrypt_credentials: "re-encrypted credentials",
  };
  var CONFIRM = {
    block: "Block {id}? Every request of theirs gets 403 until you unblock them.",
    reset_binding: "Reset {id}? Their BYOK binding is forgotten and their keys revoked, so setup.sh can enrol or bind the id again (a new session).",
    revoke_key: "Revoke key {key} of {id}? It stops working at once.",
    revoke_credential: "Revoke {id}'s model credential? Their own account stops paying for their turns at once; they connect it again with bash setup.sh --auth codex.",
  };
  var CREDENTIAL_RESULT = {
    ok: "the last use worked",
    rejected: "the provider refused it at the last use: they must reconnect (bash setup.sh --auth codex)",
  };

  var sort = { key: "requests", desc: true };
  var attendees = [];
  var chart = null;
  var detailUser = null;
  /** GET /tiers, asked for once: the tier table does not change while the Worker runs. */
  var tierTable = null;
  /** The tier the select was last set to show, so a refresh never undoes an organiser's pick. */
  var tierShown = null;
  var chartEl = $("chart");
  var windowSelect = $("window");
  var includeTest = $("include-test");
  var dialog = $("detail");

  function query() {
    var parts = [];
    if (windowSelect.value !== "all") parts.push("minutes=" + encodeURIComponent(windowSelect.value));
    if (includeTest.checked) parts.push("include_test=1");
    return parts.join("&");
  }

  function renderEnrollment(enrollment) {
    var max = enrollment.max_attendees;
    setText("card-enrolled", fmt(enrollment.attendees) + " / " + fmt(max));
    // The cap counts the organiser's test ids too: the places left say so when they hold some.
    var left = max - enrollment.places_taken;
    var tests = enrollment.places_taken - enrollment.attendees;
    setText("card-enrolled-detail", (left > 0 ? fmt(left) + " places left" : "the cap is reached: /enroll refuses newcomers")
      + (tests > 0 ? " (" + plural(tests, "test id holds one", "test ids hold one each") + ")" : ""));
    // Warn from 90 % on, while there is still time to raise MAX_ATTENDEES.
    $("card-enrolled").parentNode.classList.toggle("hot", enrollment.places_taken >= max * 0.9);
  }

  function renderCards(overview) {
    var t = overview.totals, s = overview.attendee_states;
    renderEnrollment(overview.enrollment);
    setText("card-ready", fmt(s.ready));
    setText("card-stuck", fmt(s.stuck));
    setText("card-stuck-detail", fmt(s.setup) + " at setup · " + fmt(s.failing) + " failing");
    $("card-stuck").parentNode.classList.toggle("hot", s.stuck > 0);
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

  /** What to tell the organiser about an attendee in one sentence. */
  function whyOf(a) {
    // Their provider refused the key sent with their name before any key worked: the row is
    // not theirs (anyone may claim a name until then), the sentence is.
    if (a.state === "setup" && a.refused_key) return a.refused_key.message;
    if (a.state === "failing") return (a.last_error_code || ("HTTP " + a.last_status)) + ": " + (a.last_error_message || "");
    return STATE_HELP[a.state] || "";
  }

  function renderStuck() {
    var stuck = attendees.filter(function (a) { return a.state === "failing" || a.state === "setup"; });
    // Failing first, then the longest-waiting setups: the order the organiser should walk the room in.
    stuck.sort(function (a, b) { return STATE_RANK[a.state] - STATE_RANK[b.state] || (a.user_id < b.user_id ? -1 : 1); });
    var list = $("stuck-list");
    list.textContent = "";
    $("stuck-panel").hidden = stuck.length === 0;
    stuck.slice(0, STUCK_SHOWN).forEach(function (a) {
      var li = document.createElement("li");
      li.dataset.user = a.user_id;
      var name = document.createElement("button");
      name.type = "button";
      name.className = "link name";
      name.textContent = a.user_id;
      name.addEventListener("click", function () { openDetail(a.user_id); });
      li.appendChild(name);
      var badge = document.createElement("span");
      badge.className = "badge " + a.state;
      badge.textContent = STATE_LABEL[a.state];
      li.appendChild(badge);
      var why = document.createElement("span");
      why.className = "why";
      why.textContent = whyOf(a) + (a.last_error_at && a.state === "failing" ? " (" + dbTime(a.last_error_at) + " UTC)" : "");
      li.appendChild(why);
      list.appendChild(li);
    });
    if (stuck.length > STUCK_SHOWN) {
      var more = document.createElement("li");
      more.className = "hint";
      more.textContent = "… and " + fmt(stuck.length - STUCK_SHOWN) + " more: sort the table by State.";
      list.appendChild(more);
    }
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
      tr.tabIndex = 0;
      var classes = ["attendee"];
      if (a.errors > 0) classes.push("has-errors");
      if (a.state === "failing" || a.state === "setup") classes.push("is-stuck");
      tr.className = classes.join(" ");
      var name = cell(tr, "");
      var dot = document.createElement("span");
      dot.className = a.active ? "dot on" : "dot";
      dot.title = a.active ? "active in the last 5 minutes" : "not seen in the last 5 minutes";
      name.appendChild(dot);
      name.appendChild(document.createTextNode(a.user_id));
      var state = cell(tr, "");
      var badge = document.createElement("span");
      badge.className = "badge " + a.state;
      badge.textContent = STATE_LABEL[a.state];
      state.appendChild(badge);
      cell(tr, fmt(a.requests));
      cell(tr, fmt(a.tokens));
      cell(tr, fmt(a.rate_limited), a.rate_limited > 0 ? "hot-warn" : "");
      cell(tr, fmt(a.errors), a.errors > 0 ? "hot-bad" : "");
      cell(tr, fmt(a.p50_latency_ms));
      cell(tr, fmt(a.p95_latency_ms));
      cell(tr, dbTime(a.last_request_at));
      var refusedOnly = !a.last_error_code && a.refused_key;
      var last = cell(tr, a.last_error_code ? dbTime(a.last_error_at) + " " + a.last_error_code
        : refusedOnly ? dbTime(a.refused_key.last_at) + " key refused" : "–", "last-error");
      if (a.last_error_message) last.title = a.last_error_message;
      else if (refusedOnly) last.title = a.refused_key.message;
      tr.addEventListener("click", function () { openDetail(a.user_id); });
      tr.addEventListener("keydown", function (event) { if (event.key === "Enter") openDetail(a.user_id); });
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
      // The axis and the legend in UTC like every other time on the page, not the laptop's zone.
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(5, Math.ceil(max * 1.2))]; } } },
      axes: [{ values: function (u, splits) { return splits.map(utcMinute); } }, { size: 40 }],
      series: [
        { label: "UTC", value: function (u, ts) { return ts === null || ts === undefined ? "–" : utcMinute(ts); } },
        { label: "requests", stroke: "#2f6fde", fill: "rgba(47,111,222,0.10)", width: 2, points: { show: false } },
        { label: "429s", stroke: "#b26a00", width: 2, points: { show: false } },
        { label: "errors", stroke: "#c0262d", width: 2, points: { show: false } },
      ],
    }, data, chartEl);
  }

  function renderHealth(healthBody) {
    var pill = $("upstream");
    var up = healthBody && healthBody.upstream && healthBody.upstream.reachable;
    pill.className = "pill " + (up ? "ok" : "down");
    pill.textContent = up ? "upstream ok · " + healthBody.upstream.latency_ms + " ms" : "upstream unreachable";
  }

  /** What changed, in a few words: a tier's from and to, a re-encryption page's count. */
  function actionDetail(a) {
    var d = a.detail;
    if (!d) return "";
    if (a.action === "set_tier") return ": " + (d.from === null ? "none of their own" : d.from) + " → " + d.to;
    if (a.action === "reencrypt_credentials") return ": " + d.reencrypted + " of " + d.checked + " checked";
    return "";
  }

  function renderActions(page) {
    var body = document.querySelector("#actions tbody");
    body.textContent = "";
    page.data.forEach(function (a) {
      var tr = document.createElement("tr");
      cell(tr, dbTime(a.created_at));
      cell(tr, (ACTION_LABEL[a.action] || a.action) + actionDetail(a));
      cell(tr, a.user_id === null ? "all attendees" : a.user_id);
      cell(tr, a.key_id || "–");
      cell(tr, a.actor === "dashboard" ? "dashboard" : "admin token");
      body.appendChild(tr);
    });
    $("no-actions").hidden = page.data.length > 0;
  }

  function showProblem(message) {
    var p = $("problem");
    p.hidden = !message;
    p.textContent = message || "";
  }

  function refresh() {
    var q = query();
    return Promise.all([
      api("/overview?" + q),
      api("/attendees?" + q),
      api("/timeseries?minutes=30"),
      health(),
      api("/actions?limit=10"),
    ]).then(function (results) {
      renderCards(results[0]);
      attendees = results[1].data.map(function (a) { a.state_rank = STATE_RANK[a.state]; return a; });
      renderTable();
      renderStuck();
      $("attendees-truncated").hidden = !results[1].truncated;
      setText("attendees-truncated", "Showing the " + fmt(attendees.length) + " attendees with the most requests; the others are in ocg users list.");
      renderChart(results[2]);
      renderHealth(results[3]);
      renderBanner(problemsOf(results[3], results[0]));
      renderActions(results[4]);
      showProblem("");
      setText("updated", "updated " + utcClock(new Date()) + " UTC");
      if (detailUser && dialog.open) return loadDetail(detailUser);
    }).catch(function (error) {
      showProblem("Could not refresh: " + error.message + ". Retrying every few seconds.");
    });
  }

  // --- One attendee: their last requests and what the organiser can do. ---

  function setResult(text, bad) {
    var p = $("detail-result");
    p.textContent = text;
    p.className = "detail-result" + (bad ? " bad" : "");
  }

  function hideIssuedKey() {
    $("issued").hidden = true;
    $("issued-key").value = "";
  }

  function openDetail(userId) {
    if (detailUser !== userId) { hideIssuedKey(); setResult(""); }
    detailUser = userId;
    setText("detail-user", userId);
    if (!dialog.open) dialog.showModal();
    return loadDetail(userId);
  }

  function loadDetail(userId) {
    return Promise.all([
      api("/users/" + encodeURIComponent(userId)),
      api("/requests?limit=20&user_id=" + encodeURIComponent(userId)),
      loadTiers(),
      // Never the token: kind, dates, fingerprint, last result. A failed read is shown, not fatal.
      api("/users/" + encodeURIComponent(userId) + "/credential").catch(function (error) { return { error: error.message }; }),
    ]).then(function (results) {
      if (userId !== detailUser) return;
      renderDetail(results[0], results[1].data);
      renderCredential(results[3]);
    }).catch(function (error) { setResult("Could not load " + userId + ": " + error.message, true); });
  }

  /** The tier table once; a failed ask is asked again with the next detail. */
  function loadTiers() {
    if (tierTable) return Promise.resolve(tierTable);
    return api("/tiers").then(function (body) {
      tierTable = body;
      var select = $("detail-tier-select");
      select.textContent = "";
      body.data.forEach(function (t) {
        var option = document.createElement("option");
        option.value = t.id;
        option.textContent = t.id + " · " + (t.requests_per_month === null ? "no monthly quota" : fmt(t.requests_per_month) + " requests/month") +
          " · " + (t.projects === null ? "any number of projects" : plural(t.projects, "project", "projects")) + " · priority " + t.priority;
        select.appendChild(option);
      });
      return body;
    });
  }

  /** The attendee's tier in words: their own, or DEFAULT_TIER's (which may be none: 402 until they subscribe). */
  function tierText(tier) {
    if (tier) return tier;
    var fallback = tierTable ? tierTable.default_tier : null;
    if (fallback === "none") return "none (DEFAULT_TIER=none: their requests get 402 until they subscribe)";
    return (fallback || "the default") + " (DEFAULT_TIER: none of their own)";
  }

  function renderTier(userId, tier) {
    setText("detail-tier-now", tierText(tier));
    var current = tier || (tierTable ? tierTable.default_tier : "");
    var key = userId + " " + current;
    if (tierShown === key) return;
    tierShown = key;
    var select = $("detail-tier-select");
    if (Array.prototype.some.call(select.options, function (o) { return o.value === current; })) select.value = current;
  }

  function renderDetail(user, requests) {
    var f = user.figures, gate = user.gate;
    var badge = $("detail-state");
    badge.className = "badge " + (f ? f.state : "unknown");
    badge.textContent = f ? STATE_LABEL[f.state] : "not seen yet";
    var summary = [];
    if (!f) summary.push("Not on the roster and no request under this id yet: issue it a key if it is theirs.");
    else if (!f.last_request_at && !f.refused_key) summary.push(STATE_HELP.setup);
    else summary.push("Last request " + dbTime(f.last_request_at) + " UTC (HTTP " + f.last_status + ").");
    if (f && f.last_error_code) summary.push("Last error " + dbTime(f.last_error_at) + " UTC, " + f.last_error_code + ": " + (f.last_error_message || ""));
    if (f && f.refused_key) {
      summary.push("Key refused " + plural(f.refused_key.requests, "time", "times") + ", last " + dbTime(f.refused_key.last_at) + " UTC: " + f.refused_key.message);
    }
    summary.push(gate.activeKeys + " active " + (gate.activeKeys === 1 ? "key" : "keys") + (gate.byokBound ? ", bound to a BYOK key" : "") + ".");
    if (gate.blocked) summary.push(STATE_HELP.blocked);
    if (gate.status === "revoked") summary.push(STATE_HELP.revoked);
    setText("detail-summary", summary.join(" "));
    // Offer what makes sense now; every button still works through the API's own checks.
    dialog.querySelector('[data-action="block"]').hidden = gate.blocked;
    dialog.querySelector('[data-action="unblock"]').hidden = !gate.blocked;
    dialog.querySelector('[data-action="reinstate"]').hidden = gate.status !== "revoked";
    renderTier(user.user_id, gate.tier);
    var usage = user.usage || { total: 0, projects: {} };
    var projects = Object.keys(usage.projects).map(function (p) { return p + " " + usage.projects[p]; });
    setText("detail-usage", usage.period + " (UTC): " + usage.total + (usage.total === 1 ? " request" : " requests")
      + (projects.length ? " — by project: " + projects.join(", ") : "") + (usage.total === 0 ? " (counted only on tiers with a monthly quota)" : ""));

    var keys = document.querySelector("#detail-keys tbody");
    keys.textContent = "";
    user.keys.forEach(function (k) {
      var tr = document.createElement("tr");
      tr.dataset.key = k.id;
      cell(tr, k.hint + " (" + k.id + ")");
      cell(tr, dbTime(k.created_at));
      cell(tr, k.revoked_at ? "revoked " + dbTime(k.revoked_at) : "active", k.revoked_at ? "" : "ok-text");
      var actions = cell(tr, "");
      if (!k.revoked_at) {
        var revoke = document.createElement("button");
        revoke.type = "button";
        revoke.className = "danger small";
        revoke.dataset.revoke = k.id;
        revoke.textContent = "Revoke";
        revoke.addEventListener("click", function () { act("revoke_key", { keyId: k.id, keyHint: k.hint }); });
        actions.appendChild(revoke);
      }
      keys.appendChild(tr);
    });
    $("detail-no-keys").hidden = user.keys.length > 0;

    var rows = document.querySelector("#detail-requests tbody");
    rows.textContent = "";
    requests.forEach(function (r) {
      var tr = document.createElement("tr");
      if (r.status >= 400) tr.className = r.status === 429 ? "warn-row" : "bad-row";
      cell(tr, dbTime(r.created_at));
      cell(tr, r.method + " " + r.endpoint);
      cell(tr, String(r.status));
      var error = cell(tr, r.error_code ? r.error_code + (r.error_message ? ": " + r.error_message : "") : "–", "wrap");
      error.title = r.request_id || "";
      cell(tr, fmt(r.latency_ms));
      rows.appendChild(tr);
    });
    $("detail-no-requests").hidden = requests.length > 0;
  }

  /** The attendee's own model credential as the admin API describes it (null: none). */
  function renderCredential(body) {
    var revoke = dialog.querySelector('[data-action="revoke_credential"]');
    var credential = body ? body.credential : null;
    revoke.hidden = !credential;
    if (body && body.error) { setText("detail-credential-text", "Could not read their credential: " + body.error); return; }
    if (!credential) { setText("detail-credential-text", "None: their turns are paid as PAID_BY says (the gateway's account, or 401 no_credential when attendees pay)."); return; }
    var parts = [credential.kind + ", stored " + dbTime(credential.stored_at) + " UTC", "fingerprint " + credential.fingerprint];
    if (credential.last_used_at) parts.push("last used " + dbTime(credential.last_used_at) + " UTC: " + (CREDENTIAL_RESULT[credential.last_result] || String(credential.last_result)));
    else parts.push("not used yet");
    if (credential.opens === false) parts.push("it no longer opens (CREDENTIAL_KEY changed or the id was handed on): they must reconnect");
    setText("detail-credential-text", parts.join(" · ") + ".");
  }

  function confirmed(action, keyHint) {
    var text = CONFIRM[action];
    return !text || window.confirm(text.replace("{id}", detailUser).replace("{key}", keyHint || ""));
  }

  /** @param target what the action is about beyond the attendee: a key ({keyId, keyHint}) or a tier ({tier}). */
  function act(action, target) {
    var userId = detailUser;
    target = target || {};
    if (!userId || !confirmed(action, target.keyHint)) return Promise.resolve();
    var id = encodeURIComponent(userId);
    var call = {
      issue_key: function () { return change("POST", "/users/" + id + "/keys", { label: "dashboard" }); },
      revoke_key: function () { return change("DELETE", "/keys/" + encodeURIComponent(target.keyId)); },
      set_tier: function () { return change("PUT", "/users/" + id + "/tier", { tier: target.tier }); },
      block: function () { return change("POST", "/users/" + id + "/block"); },
      unblock: function () { return change("POST", "/users/" + id + "/unblock"); },
      reset_binding: function () { return change("POST", "/users/" + id + "/reset-binding"); },
      reinstate: function () { return change("POST", "/users/" + id + "/reinstate"); },
      revoke_credential: function () { return change("DELETE", "/users/" + id + "/credential"); },
    }[action];
    setResult("Working…");
    return call().then(function (result) {
      if (action === "issue_key") {
        $("issued-key").value = result.key;
        $("issued").hidden = false;
        setResult("Issued key " + result.id + " for " + userId + (result.reinstated ? " (the id was revoked: it is reinstated, as a new session)" : "") + ". It is not shown again once you close this.");
      } else {
        setResult(describeResult(action, result, userId));
      }
      return Promise.all([loadDetail(userId), refresh()]);
    }).catch(function (error) { setResult(error.message, true); });
  }

  function describeResult(action, result, userId) {
    if (action === "revoke_key") return "Revoked key " + result.id + (result.user_status === "revoked" ? "; it was " + userId + "'s last key, so the id is revoked until you reinstate it." : ".");
    if (action === "block") return userId + " is blocked: their next request gets 403 user_blocked.";
    if (action === "unblock") return userId + " is unblocked.";
    if (action === "reset_binding") return result.binding_reset ? "Reset: " + plural(result.revoked_keys, "key", "keys") + " revoked, binding forgotten; setup.sh can enrol or bind " + userId + " again." : "Nothing to reset for " + userId + ".";
    if (action === "reinstate") return result.reinstated ? userId + " is reinstated: it can be enrolled or bound again." : userId + " was not revoked.";
    if (action === "revoke_credential") return result.revoked ? userId + "'s model credential is revoked: it pays for nothing from now on." : userId + " had no model credential.";
    if (action === "set_tier") return userId + " is on " + result.tier + " now, from their next request.";
    return "Done.";
  }

  function copyKey() {
    var input = $("issued-key");
    var done = function () { setResult("Copied the key to the clipboard."); };
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(input.value).then(done, function () { input.select(); document.execCommand("copy"); done(); });
    }
    input.select();
    document.execCommand("copy");
    done();
  }

  dialog.querySelectorAll("[data-action]").forEach(function (button) {
    button.addEventListener("click", function () { act(button.dataset.action); });
  });
  $("detail-tier").addEventListener("submit", function (event) {
    event.preventDefault();
    var tier = $("detail-tier-select").value;
    if (tier) act("set_tier", { tier: tier });
  });
  $("copy-key").addEventListener("click", copyKey);
  $("detail-close").addEventListener("click", function () { dialog.close(); });
  // A key is shown once: closing the dialog forgets it.
  dialog.addEventListener("close", function () { hideIssuedKey(); detailUser = null; tierShown = null; });
  $("open-user").addEventListener("submit", function (event) {
    event.preventDefault();
    var id = $("open-user-id").value.trim().toLowerCase();
    if (id) openDetail(id);
  });

  document.querySelectorAll("#attendees th").forEach(function (th) {
    th.addEventListener("click", function () {
      var key = th.dataset.sort;
      if (sort.key === key) sort.desc = !sort.desc;
      else sort = { key: key, desc: th.dataset.type !== "text" };
      renderTable();
    });
  });
  windowSelect.addEventListener("change", refresh);
  includeTest.addEventListener("change", refresh);
  window.addEventListener("resize", function () { if (chart) chart.setSize(chartSize()); });

  refresh();
  setInterval(refresh, REFRESH_MS);
`;

export const DASHBOARD_JS = `(function () {
  "use strict";
${CLIENT_COMMON_JS}
${DASHBOARD_BODY}
})();
`;
