// The Causeway dashboard: reads the coordinator's JSON control API with the admin token, and follows its change feed
// (GET /api/events, server-sent events read through fetch so the token travels in a header, never in a URL).
// Every value shown comes from the API; nothing is computed here but layout. No library, no build step.
"use strict";

(() => {
  const TokenKey = "causeway.adminToken";
  const ReconnectMs = 2000;
  // The feed sends a keep-alive every 15 s; this long without a byte means the connection is dead (a laptop slept).
  const SilenceMs = 45000;
  const Colors = { train_loss: "#2459c7", eval_loss: "#d9480f", eval_accuracy: "#1a7f4b", eval_roc_auc: "#7048e8", eval_f1: "#c2255c", eval_rmse: "#d9480f", eval_mae: "#2459c7", epsilon: "#b42318" };
  const Labels = { train_loss: "train loss", eval_loss: "eval loss", eval_accuracy: "accuracy", eval_roc_auc: "AUC", eval_f1: "F1", eval_rmse: "RMSE", eval_mae: "MAE", epsilon: "ε spent" };

  const state = {
    token: sessionStorage.getItem(TokenKey),
    generation: 0, // bumped by every sign-in and sign-out, so a refresh begun before one drops its result
    selectedRun: null,
    pickedByUser: false,
    clockOffsetMs: 0,
    feed: null,
  };

  const $ = id => document.getElementById(id);

  class SignedOut extends Error {}

  class Stale extends Error {}

  async function api(path) {
    const generation = state.generation;
    const response = await fetch(path, { headers: { Authorization: `Bearer ${state.token}` }, cache: "no-store" });
    if (generation !== state.generation) {
      throw new Stale();
    }
    if (response.status === 401 || response.status === 403) {
      throw new SignedOut((await errorOf(response)) ?? `HTTP ${response.status}`);
    }
    if (!response.ok) {
      throw new Error(`${path}: ${(await errorOf(response)) ?? `HTTP ${response.status}`}`);
    }
    return response.json();
  }

  async function errorOf(response) {
    try {
      return (await response.json()).error;
    } catch {
      return null;
    }
  }

  // ---- Signing in and out ----

  async function signIn(token) {
    state.token = token;
    state.generation++;
    try {
      const status = await api("/api/status");
      sessionStorage.setItem(TokenKey, token);
      $("federation").textContent = `federation ${status.federation}`;
      $("login").hidden = true;
      $("main").hidden = false;
      $("sign-out").hidden = false;
      follow();
    } catch (error) {
      signOut(error instanceof SignedOut ? "The coordinator refused this token." : `Cannot reach the coordinator: ${error.message}`);
    }
  }

  function signOut(message) {
    state.token = null;
    state.generation++;
    sessionStorage.removeItem(TokenKey);
    state.feed?.abort();
    state.feed = null;
    setConnection(false);
    $("main").hidden = true;
    $("sign-out").hidden = true;
    $("login").hidden = false;
    $("login-error").textContent = message ?? "";
  }

  // ---- The change feed ----

  async function follow() {
    state.feed?.abort();
    const feed = new AbortController();
    state.feed = feed;
    while (!feed.signal.aborted) {
      try {
        const response = await fetch("/api/events", { headers: { Authorization: `Bearer ${state.token}` }, cache: "no-store", signal: feed.signal });
        if (response.status === 401 || response.status === 403) {
          signOut("The coordinator no longer accepts this token.");
          return;
        }
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const silence = setTimeout(() => reader.cancel(), SilenceMs);
          const { value, done } = await reader.read().finally(() => clearTimeout(silence));
          if (done) {
            break;
          }
          buffer += value;
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            onEvent(parseEvent(buffer.slice(0, end)));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // Network error or abort: reconnect below unless signed out.
      }
      setConnection(false);
      if (!feed.signal.aborted) {
        await new Promise(resolve => setTimeout(resolve, ReconnectMs));
      }
    }
  }

  function parseEvent(block) {
    const event = { event: "message", data: "" };
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) {
        continue;
      }
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") {
        event.event = value;
      } else if (field === "data") {
        event.data += value;
      }
    }
    return event;
  }

  function onEvent(event) {
    if (event.event === "ready") {
      // Watching started before "ready": reading everything now misses nothing.
      setConnection(true);
      refreshParties();
      refreshRuns();
      refreshVertical();
      refreshCollections();
    } else if (event.event === "change") {
      const change = JSON.parse(event.data);
      if (change.topic === "parties") {
        refreshParties();
      } else if (change.topic === "runs") {
        runChanged(change.id);
      } else if (change.topic === "vertical") {
        refreshVertical();
      }
    }
  }

  function setConnection(live) {
    const connection = $("connection");
    connection.dataset.state = live ? "live" : "offline";
    connection.textContent = live ? "live" : state.token ? "reconnecting…" : "not connected";
  }

  // One refresh of a kind at a time; a change during a refresh runs it once more afterwards, even if this one failed.
  function serial(refresh) {
    let running = false;
    let again = false;
    return async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      do {
        again = false;
        try {
          await refresh();
        } catch (error) {
          if (error instanceof SignedOut) {
            signOut("The coordinator no longer accepts this token.");
            again = false;
          } else if (!(error instanceof Stale)) {
            console.warn(error);
          }
        }
      } while (again && state.token);
      running = false;
    };
  }

  // ---- Parties ----

  const refreshParties = serial(async () => {
    const answer = await api("/api/parties");
    state.clockOffsetMs = instant(answer.serverTime) - Date.now();
    const body = $("parties").tBodies[0];
    body.replaceChildren(...answer.parties.map(party => row(
      { party: party.party },
      cell(party.party),
      cell(badge(party.online ? "online" : "offline", "status " + (party.online ? "online" : "offline"), party.offlineReason)),
      cell(ago(party.lastSeen), "last-seen", { lastSeen: party.lastSeen }),
      cell(party.version || "–"),
      cell(party.rows ?? (party.ratings != null ? `${party.ratings} ratings` : "–"), "number"))));
    $("parties-empty").hidden = answer.parties.length > 0;
  });

  // .NET writes seven fractional digits; ECMAScript's date format promises three, so keep three.
  const instant = text => Date.parse(text.replace(/(\.\d{3})\d+/, "$1"));

  function ago(time) {
    const seconds = Math.max(0, (Date.now() + state.clockOffsetMs - instant(time)) / 1000);
    return seconds < 60 ? `${seconds.toFixed(0)} s ago` : seconds < 3600 ? `${(seconds / 60).toFixed(0)} min ago` : new Date(instant(time)).toLocaleString();
  }

  setInterval(() => {
    for (const cell of document.querySelectorAll("#parties td.last-seen")) {
      cell.textContent = ago(cell.dataset.lastSeen);
    }
  }, 1000);

  // ---- Runs ----

  // The run list reads every run's rounds from the store, so while rounds close it is read at most every RunListEveryMs;
  // the run on show is read again on every change to it.
  const RunListEveryMs = 5000;
  let runListDue = 0;
  let runListTimer = null;

  function runChanged(id) {
    if (id === state.selectedRun) {
      refreshShownRun();
    }
    if (runListTimer !== null) {
      return;
    }
    runListTimer = setTimeout(() => {
      runListTimer = null;
      runListDue = Date.now() + RunListEveryMs;
      refreshRuns();
    }, Math.max(0, runListDue - Date.now()));
  }

  const refreshShownRun = serial(() => showRun(state.selectedRun));

  const refreshRuns = serial(async () => {
    const runs = await api("/api/runs");
    if (!state.pickedByUser || !runs.some(r => r.id === state.selectedRun)) {
      state.selectedRun = (runs.find(r => r.state === "Running") ?? runs[0])?.id ?? null;
    }
    const body = $("runs").tBodies[0];
    body.replaceChildren(...runs.map(run => {
      const tr = row(
        { run: run.id },
        cell(run.id),
        cell(badge(run.state, "badge " + run.state)),
        cell(`${run.completedRounds} / ${run.totalRounds}`, "number"),
        cell(new Date(instant(run.startedAt)).toLocaleString()),
        cell(run.description));
      tr.classList.add("selectable");
      tr.classList.toggle("selected", run.id === state.selectedRun);
      tr.addEventListener("click", () => {
        state.selectedRun = run.id;
        state.pickedByUser = true;
        refreshRuns();
      });
      return tr;
    }));
    $("runs-empty").hidden = runs.length > 0;
    await showRun(state.selectedRun);
  });

  async function showRun(id) {
    $("run").hidden = id === null;
    if (id === null) {
      return;
    }
    const details = await api(`/api/runs/${encodeURIComponent(id)}`);
    const rounds = details.rounds;
    $("run-id").textContent = details.run.id;
    const stateBadge = $("run-state");
    stateBadge.textContent = details.run.state;
    stateBadge.className = "badge " + details.run.state;
    $("run-error").textContent = details.run.error ?? "";

    const reference = details.reference;
    drawChart($("chart-loss"), { rounds, series: ["train_loss", "eval_loss"], reference });
    const regression = rounds.some(r => "eval_rmse" in r.metrics) && !rounds.some(r => "eval_accuracy" in r.metrics);
    $("quality-caption").textContent = regression ? "Held-out error per round" : "Held-out quality per round";
    drawChart($("chart-quality"), { rounds, series: regression ? ["eval_rmse", "eval_mae"] : ["eval_accuracy", "eval_roc_auc", "eval_f1"], reference });
    drawChart($("chart-bytes"), { rounds, bars: "bytes", floor: 0 });
    const private_ = rounds.some(r => "epsilon" in r.metrics);
    $("privacy").hidden = !private_;
    if (private_) {
      const spent = rounds.findLast(r => "epsilon" in r.metrics).metrics.epsilon;
      $("privacy-caption").textContent = details.epsilonBudget != null
        ? `ε spent: ${spent.toFixed(2)} of the budget ${details.epsilonBudget}`
        : `ε spent: ${spent.toFixed(2)} (no budget set)`;
      drawChart($("chart-epsilon"), { rounds, series: ["epsilon"], budget: details.epsilonBudget, floor: 0 });
    }

    const body = $("rounds").tBodies[0];
    body.replaceChildren(...rounds.slice().reverse().map(round => {
      const m = round.metrics;
      const accepted = round.parties.filter(p => p.outcome === "accepted").length;
      const refused = round.parties.filter(p => p.outcome !== "accepted");
      const failures = document.createElement("div");
      failures.className = "failures";
      for (const party of refused) {
        const line = document.createElement("div");
        line.textContent = `${party.party}: ${party.outcome}${party.reason ? `: ${party.reason}` : ""}`;
        failures.append(line);
      }
      return row(
        { round: round.round },
        cell(round.round, "number"),
        cell(round.parties.length ? `${accepted} of ${round.parties.length} accepted` : `${round.updates} updates`),
        cell(failures),
        cell(fixed(m.train_loss, 4), "number"),
        cell(fixed(m.eval_loss, 4), "number"),
        cell(percent(m.eval_accuracy), "number"),
        cell(fixed(m.eval_roc_auc, 3), "number"),
        cell(fixed(m.epsilon, 2), "number"),
        cell(bytes(m.bytes), "number"),
        cell(fixed(m.seconds, 2), "number"));
    }));
  }

  // ---- Vertical jobs ----

  const refreshVertical = serial(async () => {
    const jobs = await api("/api/vertical/jobs");
    const body = $("vertical").tBodies[0];
    body.replaceChildren(...jobs.map(job => {
      const progress = document.createElement("progress");
      if (job.progress?.total > 0) {
        progress.max = job.progress.total;
        progress.value = job.progress.done;
      }
      progress.hidden = !job.progress;
      const result = job.result;
      const summary = result
        ? [`${result.alignment.intersection} common IDs`, result.training ? `${result.training.epochs} epochs, ${result.training.trainRows} rows` : null].filter(Boolean).join("; ")
        : job.error ?? "";
      return row(
        { job: job.id },
        cell(job.id),
        cell(job.name),
        cell(badge(job.state, "badge " + job.state)),
        cell(job.progress ? `${job.progress.stage} ${job.progress.done} / ${job.progress.total}` : "–"),
        cell(progress),
        cell(summary));
    }));
    $("vertical-empty").hidden = jobs.length > 0;
  });

  // ---- Vector collections (asked of the connected parties: names, shapes and sizes) ----

  // Each look asks every connected party (a protocol step each), so the panel is read on sign-in and once a minute
  // rather than on every join: a cross-device federation of thousands of parties would otherwise be asked thousands of
  // times while it fills.
  const CollectionsEveryMs = 60000;
  setInterval(() => {
    if (state.token && !$("main").hidden) {
      refreshCollections();
    }
  }, CollectionsEveryMs);

  const refreshCollections = serial(async () => {
    const answer = await api("/api/vectors/collections");
    const rows = answer.parties.flatMap(party => party.collections.map(collection => row(
      { party: party.party, collection: collection.name },
      cell(party.party),
      cell(collection.name),
      cell(collection.dimension, "number"),
      cell(collection.metric),
      cell(collection.index),
      cell(collection.records, "number"))));
    $("collections").tBodies[0].replaceChildren(...rows);
    $("collections-empty").hidden = rows.length > 0;
  });

  // ---- Charts (SVG, drawn from the rounds' metrics) ----

  const Width = 600;
  const Height = 220;
  const Margin = { left: 52, right: 12, top: 22, bottom: 26 };
  const Svg = "http://www.w3.org/2000/svg";

  function drawChart(svg, { rounds, series = [], bars, reference, budget, floor }) {
    svg.setAttribute("viewBox", `0 0 ${Width} ${Height}`);
    svg.replaceChildren();
    const lines = series
      .map(key => ({ key, points: rounds.filter(r => Number.isFinite(r.metrics[key])).map(r => [r.round, r.metrics[key]]) }))
      .filter(line => line.points.length > 0);
    const references = reference ? series.filter(key => Number.isFinite(reference.metrics[key])).map(key => ({ key, value: reference.metrics[key] })) : [];
    const barPoints = bars ? rounds.filter(r => Number.isFinite(r.metrics[bars])).map(r => [r.round, r.metrics[bars]]) : [];
    svg.dataset.rounds = String(rounds.length);
    if (lines.length === 0 && barPoints.length === 0) {
      add(svg, "text", { x: Width / 2, y: Height / 2, "text-anchor": "middle", class: "nodata" }, "no rounds with these figures yet");
      return;
    }

    const xs = [...lines.flatMap(l => l.points.map(p => p[0])), ...barPoints.map(p => p[0])];
    const ys = [...lines.flatMap(l => l.points.map(p => p[1])), ...barPoints.map(p => p[1]), ...references.map(r => r.value)];
    if (Number.isFinite(budget)) {
      ys.push(budget);
    }
    if (floor !== undefined) {
      ys.push(floor);
    }
    // Bars are centred on their round: half a round of room on each side keeps the first and last clear of the axes.
    const half = barPoints.length > 0 ? 0.5 : 0;
    const [x0, x1] = [Math.min(...xs, 1) - half, Math.max(...xs, 2) + half];
    let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
    if (y1 - y0 < 1e-9) {
      [y0, y1] = [y0 - 0.5, y1 + 0.5];
    }
    const pad = (y1 - y0) * 0.05;
    // Non-negative figures keep a non-negative axis; `floor` puts 0 (or another value) in view.
    [y0, y1] = [y0 >= 0 ? Math.max(0, y0 - pad) : y0 - pad, y1 + pad];
    const X = x => Margin.left + (x - x0) / (x1 - x0) * (Width - Margin.left - Margin.right);
    const Y = y => Height - Margin.bottom - (y - y0) / (y1 - y0) * (Height - Margin.top - Margin.bottom);

    add(svg, "line", { x1: Margin.left, y1: Height - Margin.bottom, x2: Width - Margin.right, y2: Height - Margin.bottom, class: "axis" });
    add(svg, "line", { x1: Margin.left, y1: Margin.top, x2: Margin.left, y2: Height - Margin.bottom, class: "axis" });
    for (let i = 0; i <= 4; i++) {
      const y = y0 + (y1 - y0) * i / 4;
      add(svg, "text", { x: Margin.left - 6, y: Y(y) + 3, "text-anchor": "end", class: "tick" }, bars ? bytes(y) : compact(y));
    }
    for (const x of xTicks(x0, x1)) {
      add(svg, "text", { x: X(x), y: Height - Margin.bottom + 14, "text-anchor": "middle", class: "tick" }, String(x));
    }

    if (barPoints.length > 0) {
      const barWidth = Math.max(2, (Width - Margin.left - Margin.right) / (x1 - x0) * 0.7);
      const group = add(svg, "g", { "data-series": bars });
      for (const [x, y] of barPoints) {
        add(group, "rect", { x: X(x) - barWidth / 2, y: Y(y), width: barWidth, height: Height - Margin.bottom - Y(y), class: "bar point" });
      }
    }

    let legendX = Margin.left + 4;
    const legend = (text, color, dashed) => {
      add(svg, "line", { x1: legendX, y1: 10, x2: legendX + 16, y2: 10, stroke: color, "stroke-width": 2, "stroke-dasharray": dashed ? "5 4" : "none" });
      add(svg, "text", { x: legendX + 20, y: 14, class: "legend" }, text);
      legendX += 28 + text.length * 6.2;
    };
    for (const line of lines) {
      const color = Colors[line.key] ?? "#444";
      const group = add(svg, "g", { "data-series": line.key });
      add(group, "polyline", { points: line.points.map(([x, y]) => `${X(x)},${Y(y)}`).join(" "), stroke: color, class: "series" });
      for (const [x, y] of line.points) {
        add(group, "circle", { cx: X(x), cy: Y(y), r: 3, fill: color, class: "point" }, `round ${x}: ${Labels[line.key] ?? line.key} ${compact(y)}`);
      }
      legend(Labels[line.key] ?? line.key, color, false);
    }
    for (const { key, value } of references) {
      const color = Colors[key] ?? "#444";
      add(svg, "line", { x1: Margin.left, y1: Y(value), x2: Width - Margin.right, y2: Y(value), stroke: color, class: "reference", "data-reference": key });
      legend(`${reference.label} ${Labels[key] ?? key} ${compact(value)}`, color, true);
    }
    if (Number.isFinite(budget)) {
      add(svg, "line", { x1: Margin.left, y1: Y(budget), x2: Width - Margin.right, y2: Y(budget), class: "budget", "data-budget": String(budget) });
      legend(`budget ${budget}`, "#b42318", true);
    }
  }

  function xTicks(x0, x1) {
    const step = Math.max(1, Math.ceil((x1 - x0) / 10));
    const ticks = [];
    for (let x = Math.ceil(x0); x <= x1; x += step) {
      ticks.push(x);
    }
    return ticks;
  }

  function add(parent, name, attributes, title) {
    const element = document.createElementNS(Svg, name);
    for (const [key, value] of Object.entries(attributes)) {
      element.setAttribute(key, String(value));
    }
    if (title !== undefined) {
      if (name === "text") {
        element.textContent = title;
      } else {
        const tip = document.createElementNS(Svg, "title");
        tip.textContent = title;
        element.append(tip);
      }
    }
    parent.append(element);
    return element;
  }

  // ---- Table cells and number formats ----

  function row(data, ...cells) {
    const tr = document.createElement("tr");
    Object.assign(tr.dataset, data);
    tr.append(...cells);
    return tr;
  }

  function cell(content, className, data) {
    const td = document.createElement("td");
    if (content instanceof Node) {
      td.append(content);
    } else {
      td.textContent = content == null ? "–" : String(content);
    }
    if (className) {
      td.className = className;
    }
    if (data) {
      Object.assign(td.dataset, data);
    }
    return td;
  }

  function badge(text, className, title) {
    const span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    if (title) {
      span.title = title;
    }
    return span;
  }

  const fixed = (value, digits) => Number.isFinite(value) ? value.toFixed(digits) : "–";
  const percent = value => Number.isFinite(value) ? `${(value * 100).toFixed(2)} %` : "–";
  const compact = value => Math.abs(value) >= 1000 ? value.toExponential(1) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(3);

  function bytes(value) {
    if (!Number.isFinite(value)) {
      return "–";
    }
    const units = ["B", "KB", "MB", "GB"];
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
  }

  // ---- Start ----

  $("login-form").addEventListener("submit", event => {
    event.preventDefault();
    const token = $("token").value.trim();
    $("token").value = "";
    if (token) {
      signIn(token);
    }
  });
  $("sign-out").addEventListener("click", () => signOut());

  if (state.token) {
    signIn(state.token);
  } else {
    signOut();
  }
})();
