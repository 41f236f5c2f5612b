extension DashboardAssets {
    /// The script: a hash router, three views (experiments, one experiment, its trials table) and polling.
    static let script = #"""
        "use strict";
        const POLL_MS = Number(new URLSearchParams(location.search).get("poll")) || 2000;
        // The API's origin when the page is served apart from it (orion frontend --backend); same origin otherwise.
        const BACKEND = String(window.__ORION_BACKEND__ || "").replace(/\/+$/, "");
        let timer = null;
        let generation = 0;

        const $ = (selector) => document.querySelector(selector);
        const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
        const enc = encodeURIComponent;
        const num = (value) => value === null || value === undefined ? "—" : (typeof value === "number" ? Number(value.toPrecision(6)).toString() : esc(value));
        const time = (value) => value ? new Date(value).toLocaleString() : "—";

        async function api(path) {
          const response = await fetch(BACKEND + path, {headers: {Accept: "application/json"}});
          const body = await response.json();
          if (!response.ok) throw new Error(body.description || body.title || response.statusText);
          return body;
        }

        function parseHash() {
          const [path, query] = location.hash.replace(/^#/, "").split("?");
          return {parts: (path || "/").split("/").filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query || "")};
        }

        function poll(fn) {
          const mine = generation;
          const tick = async () => {
            if (mine !== generation) return;
            try { await fn(); $("#live").style.color = "#4caf50"; } catch (error) { $("#live").style.color = "#c62828"; }
            if (mine === generation) timer = setTimeout(tick, POLL_MS);
          };
          tick();
        }

        function route() {
          generation += 1;
          clearTimeout(timer);
          const {parts, params} = parseHash();
          const view = $("#view");
          if (parts[0] === "experiments" && parts[1] && parts[2] === "trials") return trialsView(view, parts[1], params);
          if (parts[0] === "experiments" && parts[1]) return experimentView(view, parts[1]);
          return experimentsView(view);
        }

        function crumbs(name, trials) {
          let html = "";
          if (name) html += ` / <a href="#/experiments/${enc(name)}">${esc(name)}</a>`;
          if (trials) html += ` / <a href="#/experiments/${enc(name)}/trials">trials</a>`;
          $("#crumbs").innerHTML = html;
        }

        function progressBar(stats) {
          const fraction = typeof stats.progress === "number" ? Math.max(0, Math.min(1, stats.progress)) : 0;
          return `<span class="progress" data-progress="${fraction}"><span style="width:${(fraction * 100).toFixed(1)}%"></span></span> ${typeof stats.progress === "number" ? (fraction * 100).toFixed(0) + "%" : ""}`;
        }

        function counts(stats) {
          const c = stats.trial_status_count || {};
          return Object.keys(c).sort().map((s) => `<span class="status-${s}">${s} ${c[s]}</span>`).join(", ") || "no trials";
        }

        function experimentsView(view) {
          crumbs();
          document.title = "Experiments · Oríon";
          view.innerHTML = `<h1>Experiments</h1><table id="experiments-table"><thead><tr><th>Name</th><th>Version</th><th>Trials</th><th>Completed</th><th>Best</th><th>Progress</th></tr></thead><tbody><tr><td colspan="6" class="muted">Loading…</td></tr></tbody></table>`;
          poll(async () => {
            const experiments = await api("/experiments");
            const stats = await Promise.all(experiments.map((e) => api(`/experiments/status/${enc(e.name)}`).catch(() => ({}))));
            const rows = experiments.map((e, i) => {
              const s = stats[i];
              return `<tr data-experiment="${esc(e.name)}"><td><a href="#/experiments/${enc(e.name)}">${esc(e.name)}</a></td><td>${e.version}</td><td>${s.nb_trials ?? "—"}</td><td class="completed">${s.trials_completed ?? "—"}</td><td>${num(s.best_evaluation)}</td><td>${progressBar(s)} <span class="muted">${counts(s)}</span></td></tr>`;
            });
            view.querySelector("tbody").innerHTML = rows.join("") || `<tr><td colspan="6" class="muted">No experiment found</td></tr>`;
          });
        }

        async function experimentView(view, name) {
          crumbs(name);
          document.title = `${name} · Oríon`;
          view.innerHTML = `<h1>${esc(name)}</h1>
            <div class="cards" id="stats-cards"></div>
            <p><a id="trials-link" href="#/experiments/${enc(name)}/trials">Browse the trials →</a></p>
            <h2>Best trial</h2><div id="best-trial" class="muted">—</div>
            <h2>Plots</h2><div id="plots"><p class="muted">Loading plots…</p></div>
            <h2>Configuration</h2><pre id="configuration"></pre>`;
          poll(async () => {
            const [experiment, stats] = await Promise.all([api(`/experiments/${enc(name)}`), api(`/experiments/status/${enc(name)}`)]);
            const c = stats.trial_status_count || {};
            const card = (id, label, value) => `<div class="card" id="${id}"><b>${value}</b>${label}</div>`;
            $("#stats-cards").innerHTML = [
              card("exp-status", "status", esc(experiment.status)),
              card("exp-trials", "trials", stats.nb_trials),
              card("exp-completed", "completed", stats.trials_completed),
              ...Object.keys(c).filter((s) => s !== "completed").sort().map((s) => card(`exp-${s}`, s, c[s])),
              card("exp-best", "best objective", num(stats.best_evaluation)),
              `<div class="card"><b>${progressBar(stats)}</b>progress · ETA ${esc(stats.eta ?? "—")}</div>`,
            ].join("");
            const best = experiment.bestTrial;
            $("#best-trial").innerHTML = best && best.id
              ? `<table><tr><th>id</th><td>${esc(best.id)}</td></tr><tr><th>objective</th><td id="best-objective">${num(best.objective)}</td></tr><tr><th>parameters</th><td><code>${esc(JSON.stringify(best.parameters))}</code></td></tr><tr><th>ended</th><td>${esc(best.endTime)}</td></tr></table>`
              : "No completed trial yet";
            $("#configuration").textContent = JSON.stringify(experiment.config, null, 2);
          });
          loadPlots(name);
        }

        async function loadPlots(name) {
          const box = $("#plots");
          const mine = generation;
          if (!window.Plotly) {
            await new Promise((resolve) => {
              const tag = document.createElement("script");
              tag.src = "/dashboard/plotly.min.js";
              tag.onload = resolve; tag.onerror = resolve;
              document.head.appendChild(tag);
            });
          }
          if (mine !== generation || !box) return;
          if (!window.Plotly) { box.innerHTML = `<p class="muted">Plots are not available in this build.</p>`; return; }
          box.innerHTML = "";
          for (const kind of ["regret", "parallel_coordinates", "lpi", "partial_dependencies"]) {
            const div = document.createElement("div");
            div.className = "plot"; div.id = `plot-${kind}`;
            box.appendChild(div);
            try {
              const figure = await api(`/plots/${kind}/${enc(name)}`);
              if (mine !== generation) return;
              await window.Plotly.newPlot(div, figure.data || [], figure.layout || {}, {responsive: true, displaylogo: false});
            } catch (error) {
              div.innerHTML = `<p class="muted">${esc(kind)}: ${esc(error.message)}</p>`;
            }
          }
        }

        async function trialsView(view, name, params) {
          crumbs(name, true);
          document.title = `${name} trials · Oríon`;
          const sort = params.get("sort") || "submitTime";
          const order = params.get("order") || "asc";
          const status = params.get("status") || "";
          const offset = Math.max(0, Number(params.get("offset")) || 0);
          const PAGE_SIZE = Math.min(1000, Math.max(1, Number(params.get("limit")) || 50));
          const setHash = (changes) => {
            const next = new URLSearchParams({sort, order, status, offset: String(offset), limit: String(PAGE_SIZE), ...changes});
            if (!next.get("status")) next.delete("status");
            location.hash = `#/experiments/${enc(name)}/trials?${next}`;
          };
          let page;
          try {
            const query = new URLSearchParams({limit: String(PAGE_SIZE), offset: String(offset), sort, order});
            if (status) query.set("status", status);
            page = await api(`/trial-rows/${enc(name)}?${query}`);
          } catch (error) {
            view.innerHTML = `<p class="error">${esc(error.message)}</p>`;
            return;
          }
          const names = [...new Set(page.rows.flatMap((r) => Object.keys(r.parameters)))].sort();
          const header = (key, label) => `<th data-sort="${key}" class="${sort === key ? "sorted-" + order : ""}">${esc(label)}</th>`;
          const statuses = ["", "new", "reserved", "suspended", "completed", "interrupted", "broken"];
          const last = Math.min(offset + page.rows.length, page.total);
          view.innerHTML = `<h1>${esc(name)} · trials</h1>
            <div class="pager">
              <label>Status <select id="status-filter">${statuses.map((s) => `<option value="${s}" ${s === status ? "selected" : ""}>${s || "all"}</option>`).join("")}</select></label>
              <button id="prev-page" ${offset === 0 ? "disabled" : ""}>← Previous</button>
              <span id="page-info">${page.total === 0 ? "No trials" : `${offset + 1}–${last} of ${page.total}`}</span>
              <button id="next-page" ${last >= page.total ? "disabled" : ""}>Next →</button>
            </div>
            <table id="trials-table"><thead><tr>${header("id", "id")}${header("status", "status")}${header("objective", "objective")}${names.map((n) => `<th>${esc(n)}</th>`).join("")}${header("submitTime", "submitted")}${header("endTime", "ended")}</tr></thead>
            <tbody>${page.rows.map((r) => `<tr data-trial="${esc(r.id)}"><td><code>${esc(r.id.slice(0, 12))}</code></td><td class="status-${esc(r.status)}">${esc(r.status)}</td><td class="objective">${num(r.objective)}</td>${names.map((n) => `<td>${num(r.parameters[n])}</td>`).join("")}<td>${time(r.submitTime)}</td><td>${time(r.endTime)}</td></tr>`).join("")}</tbody></table>`;
          view.querySelectorAll("th[data-sort]").forEach((th) => th.addEventListener("click", () => {
            const key = th.dataset.sort;
            setHash({sort: key, order: key === sort && order === "asc" ? "desc" : "asc", offset: "0"});
          }));
          $("#prev-page").addEventListener("click", () => setHash({offset: String(Math.max(0, offset - PAGE_SIZE))}));
          $("#next-page").addEventListener("click", () => setHash({offset: String(offset + PAGE_SIZE)}));
          $("#status-filter").addEventListener("change", (event) => setHash({status: event.target.value, offset: "0"}));
        }

        window.addEventListener("hashchange", route);
        route();
        """#
}
