extension DashboardAssets {
    /// The script: a hash router, three views (experiments, one experiment with its versions and plots, its trials
    /// table) and polling that changes the page only where the data changed, says when the API cannot be reached and
    /// tries again less and less often.
    static let script = #"""
        "use strict";
        const POLL_MS = Number(new URLSearchParams(location.search).get("poll")) || 2000;
        const MAX_RETRY_MS = 30000;
        // How often, at most, a running experiment's plots are drawn again (they are recomputed by the server each time).
        const PLOT_REFRESH_MS = Math.max(POLL_MS, 10000);
        // The API's origin when the page is served apart from it (orion frontend --backend); same origin otherwise.
        const BACKEND = String(window.__ORION_BACKEND__ || "").replace(/\/+$/, "");
        let timer = null;
        let generation = 0;
        let requests = new AbortController();

        const $ = (selector) => document.querySelector(selector);
        const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
        const enc = encodeURIComponent;
        const num = (value) => {
          if (value === null || value === undefined) return "—";
          if (Array.isArray(value)) return "[" + value.map(num).join(", ") + "]";
          return typeof value === "number" ? Number(value.toPrecision(6)).toString() : esc(value);
        };
        // A date of the API in the browser's time zone, named: ISO 8601 with a zone (the trials table) or Oríon's
        // "YYYY-MM-DD HH:MM:SS.ffffff" in UTC (an experiment's best trial).
        const time = (value) => {
          if (!value) return "—";
          let text = String(value);
          if (!/[zZ]|[+-]\d\d:?\d\d$/.test(text)) text = text.replace(" ", "T") + "Z";
          const date = new Date(text.replace(/(\.\d{3})\d+/, "$1"));
          return isNaN(date) ? esc(value) : esc(date.toLocaleString(undefined, {timeZoneName: "short"}));
        };
        // Oríon's ETA, "H:MM:SS.ffffff", to the second.
        const duration = (value) => value === null || value === undefined ? "—" : esc(String(value).replace(/\.\d+$/, ""));

        // Sets an element's HTML only when it changed, so that a poll that finds nothing new leaves the page alone
        // (a selection, a click in progress, the scroll position).
        function setHTML(element, html) {
          if (element && element.__html !== html) {
            element.innerHTML = html;
            element.__html = html;
          }
        }

        class APIError extends Error {
          constructor(message, status) { super(message); this.status = status; }
        }

        function unreachable() {
          const where = BACKEND || location.origin;
          if (BACKEND && new URL(BACKEND, location.href).origin !== location.origin) {
            return `Cannot reach the API at ${where}: the server is not running, or its frontends_uri does not allow this page's origin (${location.origin}).`;
          }
          return `Cannot reach the API at ${where}: is orion serve running?`;
        }

        // `signal`: the view's, so that a request made by a view that is gone fails (AbortError) instead of drawing.
        async function api(path, signal) {
          let response;
          try {
            response = await fetch(BACKEND + path, {headers: {Accept: "application/json"}, signal});
          } catch (error) {
            if (error.name === "AbortError") throw error;
            throw new APIError(unreachable(), 0);
          }
          let body = null;
          try { body = await response.json(); } catch (_) { body = null; }
          if (!response.ok) {
            throw new APIError((body && (body.description || body.title)) || response.statusText || `HTTP ${response.status}`, response.status);
          }
          return body;
        }

        function notice(text) {
          const box = $("#notice");
          box.hidden = !text;
          box.textContent = text || "";
        }

        function live(ok, why) {
          const dot = $("#live");
          dot.style.color = ok ? "#4caf50" : "#c62828";
          dot.title = ok ? `updated ${new Date().toLocaleTimeString()}` : why;
        }

        function parseHash() {
          const [path, query] = location.hash.replace(/^#/, "").split("?");
          return {parts: (path || "/").split("/").filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query || "")};
        }

        // Calls `fn` now and every POLL_MS while the view is shown. An unreachable API is said in the notice and tried again
        // less and less often (up to every 30 s); `missing(error)` handles a 404 (the view says so and polling stops).
        function poll(fn, missing) {
          const mine = generation;
          let delay = POLL_MS;
          const tick = async () => {
            if (mine !== generation) return;
            let wait = POLL_MS;
            try {
              await fn();
              if (mine !== generation) return;
              live(true);
              notice("");
              delay = POLL_MS;
            } catch (error) {
              if (mine !== generation || error.name === "AbortError") return;
              if (error.status === 404 && missing) {
                notice("");
                live(true);
                return missing(error);
              }
              live(false, error.message);
              wait = delay;
              notice(`${error.message} Trying again in ${Math.round(wait / 1000)} s.`);
              delay = Math.min(delay * 2, MAX_RETRY_MS);
            }
            if (mine === generation) timer = setTimeout(tick, wait);
          };
          tick();
        }

        function route() {
          generation += 1;
          clearTimeout(timer);
          requests.abort();
          requests = new AbortController();
          const view = $("#view");
          if (window.Plotly) view.querySelectorAll(".plot").forEach((div) => window.Plotly.purge(div));
          view.onclick = null;
          view.onchange = null;
          notice("");
          const {parts, params} = parseHash();
          const version = /^\d+$/.test(params.get("version") || "") ? Number(params.get("version")) : null;
          if (parts[0] === "experiments" && parts[1] && parts[2] === "trials") return trialsView(view, parts[1], params, version);
          if (parts[0] === "experiments" && parts[1]) return experimentView(view, parts[1], version);
          return experimentsView(view);
        }

        const versionQuery = (version, joiner = "?") => version ? `${joiner}version=${version}` : "";

        function crumbs(name, version, trials) {
          let html = "";
          if (name) html += ` / <a href="#/experiments/${enc(name)}${versionQuery(version)}" class="name">${esc(name)}</a>`;
          if (name && version) html += ` <span class="muted">v${version}</span>`;
          if (trials) html += ` / <a href="#/experiments/${enc(name)}/trials${versionQuery(version)}">trials</a>`;
          $("#crumbs").innerHTML = html;
        }

        function missingView(view, name, error) {
          view.innerHTML = `<h1 class="name">${esc(name)}</h1><p class="error" id="not-found">${esc(error.message)}</p><p><a href="#/">All experiments</a></p>`;
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
          view.innerHTML = `<h1>Experiments</h1><div class="scroll"><table id="experiments-table"><thead><tr><th>Name</th><th>Version</th><th>Trials</th><th>Completed</th><th>Best</th><th>Progress</th></tr></thead><tbody><tr><td colspan="6" class="muted">Loading…</td></tr></tbody></table></div>`;
          const signal = requests.signal;
          poll(async () => {
            const experiments = await api("/experiments", signal);
            const stats = await Promise.all(experiments.map((e) => api(`/experiments/status/${enc(e.name)}`, signal).catch((error) => {
              if (error.status === 404) return {};  // removed between the two calls
              throw error;
            })));
            const rows = experiments.map((e, i) => {
              const s = stats[i];
              return `<tr data-experiment="${esc(e.name)}"><td><a href="#/experiments/${enc(e.name)}" class="name">${esc(e.name)}</a></td><td>${e.version}</td><td>${s.nb_trials ?? "—"}</td><td class="completed">${s.trials_completed ?? "—"}</td><td>${num(s.best_evaluation)}</td><td>${progressBar(s)} <span class="muted">${counts(s)}</span></td></tr>`;
            });
            setHTML(view.querySelector("tbody"), rows.join("") || `<tr><td colspan="6" class="muted">No experiment found</td></tr>`);
          });
        }

        // Nested parameters as Oríon's API gives them ({"/net": {"depth": 1}}) flattened to the names of the trials table.
        function flatParameters(value, prefix = "", into = {}) {
          if (value && typeof value === "object" && !Array.isArray(value)) {
            for (const key of Object.keys(value)) flatParameters(value[key], prefix ? `${prefix}.${key}` : key, into);
          } else {
            into[prefix] = value;
          }
          return into;
        }

        function versionLinks(name, shown, latest) {
          if (!latest || latest < 2) return "";
          const links = [];
          for (let v = 1; v <= latest; v += 1) {
            links.push(v === shown ? `<b>v${v}</b>` : `<a href="#/experiments/${enc(name)}${v === latest ? "" : versionQuery(v)}" data-version="${v}">v${v}</a>`);
          }
          return `Versions: ${links.join(" · ")}`;
        }

        async function experimentView(view, name, version) {
          crumbs(name, version);
          document.title = `${name} · Oríon`;
          view.innerHTML = `<h1 class="name">${esc(name)}</h1>
            <p id="versions" class="muted"></p>
            <div class="cards" id="stats-cards"></div>
            <p><a id="trials-link" href="#/experiments/${enc(name)}/trials${versionQuery(version)}">Browse the trials →</a></p>
            <h2>Best trial</h2><div id="best-trial" class="muted">—</div>
            <h2>Plots</h2><p id="plots-note" class="muted" hidden></p><div id="plots"><p class="muted">Loading plots…</p></div>
            <h2>Configuration</h2><pre id="configuration"></pre>`;
          const plots = {key: null, drawnAt: 0, took: 0, loading: false, never: false};
          const signal = requests.signal;
          const mine = generation;
          let latest = null;
          poll(async () => {
            const q = versionQuery(version);
            const [experiment, stats] = await Promise.all([api(`/experiments/${enc(name)}${q}`, signal), api(`/experiments/status/${enc(name)}${q}`, signal)]);
            if (latest === null) latest = version ? (await api(`/experiments/${enc(name)}`, signal)).version : experiment.version;
            const shown = experiment.version;
            setHTML($("#versions"), versionLinks(name, shown, latest));
            const c = stats.trial_status_count || {};
            const card = (id, label, value) => `<div class="card" id="${id}"><b>${value}</b>${label}</div>`;
            setHTML($("#stats-cards"), [
              card("exp-status", "status", esc(experiment.status)),
              card("exp-trials", "trials", stats.nb_trials),
              card("exp-completed", "completed", stats.trials_completed),
              ...Object.keys(c).filter((s) => s !== "completed").sort().map((s) => card(`exp-${s}`, s, c[s])),
              card("exp-best", "best objective", num(stats.best_evaluation)),
              `<div class="card"><b>${progressBar(stats)}</b>progress · ETA ${duration(stats.eta)}</div>`,
            ].join(""));
            const best = experiment.bestTrial;
            const parameters = best && best.id ? flatParameters(best.parameters || {}) : {};
            setHTML($("#best-trial"), best && best.id
              ? `<div class="scroll"><table><tr><th>id</th><td><code>${esc(best.id)}</code></td></tr><tr><th>objective</th><td id="best-objective">${num(best.objective)}</td></tr><tr><th>parameters</th><td id="best-parameters">${Object.keys(parameters).sort().map((key) => `<code>${esc(key)} = ${num(parameters[key])}</code>`).join("<br>")}</td></tr><tr><th>ended</th><td>${time(best.endTime)}</td></tr></table></div>`
              : "No completed trial yet");
            setHTML($("#configuration"), esc(JSON.stringify(experiment.config, null, 2)));
            const note = $("#plots-note");
            note.hidden = shown < 2;
            note.textContent = shown < 2 ? "" : "The plots include the trials of this experiment's other versions, as orion plot draws them.";
            // The plots follow the trials: drawn again when the counts changed, at most every PLOT_REFRESH_MS (a failed
            // draw too), and no more often than ten times the last draw took (a large experiment's figures take the
            // server seconds each: it spends at most a tenth of its time on one page); never again when they cannot be
            // drawn at all (no plotly.js in this build, a server without plots).
            const key = JSON.stringify(c);
            const wait = plots.drawnAt === 0 ? 0 : Math.max(PLOT_REFRESH_MS, 10 * plots.took);
            if (!plots.never && !plots.loading && key !== plots.key && Date.now() - plots.drawnAt >= wait) {
              plots.loading = true;
              const started = Date.now();
              drawPlots(name, version, stats.nb_trials || 0, stats.trials_completed || 0, mine, signal)
                .then((result) => {
                  plots.drawnAt = Date.now();
                  // What the figures took the server: from the requests to the last answer, not the one-time load
                  // of plotly.js (4.8 MB) nor the browser's drawing, which held the next redraw back for 40-50 s on a
                  // loaded machine while the server had answered in 170 ms.
                  plots.took = figuresStarted >= started && figuresAnswered >= figuresStarted
                    ? figuresAnswered - figuresStarted : plots.drawnAt - started;
                  if (result === "drawn") plots.key = key;
                  if (result === "never") plots.never = true;
                })
                .finally(() => { plots.loading = false; });
            }
          }, (error) => missingView(view, name, error));
        }

        let plotly = null;
        // When the last draw began to ask for its figures (after plotly.js was loaded), and when its last answer came.
        let figuresStarted = 0;
        let figuresAnswered = 0;
        // plotly.js, loaded once; a failed load is tried again at the next draw. Resolves to null, or to what went wrong and
        // whether it is for good ({never, message}).
        function loadPlotly() {
          if (window.Plotly) return Promise.resolve(null);
          if (!plotly) {
            plotly = new Promise((resolve) => {
              const tag = document.createElement("script");
              tag.src = "/dashboard/plotly.min.js";
              tag.onload = () => resolve(null);
              tag.onerror = async () => {
                tag.remove();
                plotly = null;
                let status = 0;
                try { status = (await fetch("/dashboard/plotly.min.js", {method: "HEAD"})).status; } catch (_) { status = 0; }
                resolve(status === 404 ? {never: true, message: "Plots are not available in this build (it embeds no plotly.js)."}
                  : {never: false, message: "Could not load plotly.js from the server; trying again at the next update."});
              };
              document.head.appendChild(tag);
            });
          }
          return plotly;
        }

        // How tall a figure is drawn: a grid of partial dependencies gets room for each of its rows (n parameters
        // draw n(n + 1)/2 subplots: the diagonal and the pairs below it).
        function plotHeight(kind, layout) {
          if (layout.height || kind !== "partial_dependencies") return layout.height;
          const axes = Object.keys(layout).filter((key) => /^xaxis\d*$/.test(key)).length;
          const rows = Math.max(1, Math.round((Math.sqrt(8 * axes + 1) - 1) / 2));
          return Math.max(360, Math.min(2400, 200 * rows + 120));
        }

        // Draws (or redraws in place) the four plots of the view `mine` (its generation and `signal`); resolves to "drawn",
        // "failed" (to try again later) or "never" (they cannot be drawn here: no plotly.js, a server without plots).
        async function drawPlots(name, version, trials, completed, mine, signal) {
          const box = $("#plots");
          if (trials === 0) {
            setHTML(box, `<p class="muted" id="no-plots">No trials yet: the plots appear with the first trials.</p>`);
            return "drawn";
          }
          if (completed === 0) {
            // Every plot draws completed trials: four empty frames said nothing.
            setHTML(box, `<p class="muted" id="no-plots">No completed trial yet (${trials} ${trials === 1 ? "trial" : "trials"}): the plots draw completed trials; see the trials table for the others.</p>`);
            return "drawn";
          }
          const problem = await loadPlotly();
          figuresStarted = Date.now();
          if (mine !== generation) return "failed";
          if (problem) {
            setHTML(box, `<p class="muted" id="no-plots">${esc(problem.message)}</p>`);
            return problem.never ? "never" : "failed";
          }
          const kinds = ["regret", "parallel_coordinates", "lpi", "partial_dependencies"];
          if (!box.querySelector(".plot")) {
            box.innerHTML = kinds.map((kind) => `<div class="plot" id="plot-${kind}"><p class="muted loading">Loading ${kind.replace(/_/g, " ")}…</p></div>`).join("");
            box.__html = undefined;
          }
          let result = "drawn";
          await Promise.all(kinds.map(async (kind) => {
            const div = $(`#plot-${kind}`);
            try {
              const figure = await api(`/plots/${kind}/${enc(name)}${versionQuery(version)}`, signal);
              figuresAnswered = Math.max(figuresAnswered, Date.now());
              if (mine !== generation || !div) return;
              const layout = figure.layout || {};
              layout.height = plotHeight(kind, layout);
              // The box keeps the figure's height: a window resize lays the figure out again in its box (responsive),
              // and a box only as tall as its min-height squeezed a grid of partial dependencies into 360 px.
              div.style.height = layout.height ? `${layout.height}px` : "";
              const message = div.querySelector(":scope > p");
              if (message) message.remove();
              await window.Plotly.react(div, figure.data || [], layout, {responsive: true, displaylogo: false});
            } catch (error) {
              if (error.name === "AbortError" || mine !== generation || !div) return;
              // 501: a server started without plots, for good.
              if (error.status === 501) result = "never";
              else if (result === "drawn") result = "failed";
              if (window.Plotly) window.Plotly.purge(div);
              div.innerHTML = `<p class="muted">${esc(kind.replace(/_/g, " "))}: ${esc(error.message)}</p>`;
            }
          }));
          return result;
        }

        function trialsView(view, name, params, version) {
          crumbs(name, version, true);
          document.title = `${name} trials · Oríon`;
          const sort = params.get("sort") || "submitTime";
          const order = params.get("order") || "asc";
          const status = params.get("status") || "";
          const offset = Math.max(0, Math.floor(Number(params.get("offset"))) || 0);
          const PAGE_SIZE = Math.min(1000, Math.max(1, Math.floor(Number(params.get("limit"))) || 50));
          const hashFor = (changes) => {
            const next = new URLSearchParams({sort, order, status, offset: String(offset), limit: String(PAGE_SIZE), ...changes});
            if (!next.get("status")) next.delete("status");
            if (version) next.set("version", String(version));
            return `#/experiments/${enc(name)}/trials?${next}`;
          };
          const setHash = (changes) => { location.hash = hashFor(changes); };
          const statuses = ["", "new", "reserved", "suspended", "completed", "interrupted", "broken"];
          view.innerHTML = `<h1><span class="name">${esc(name)}</span> · trials</h1>
            <div class="pager">
              <label>Status <select id="status-filter">${statuses.map((s) => `<option value="${s}" ${s === status ? "selected" : ""}>${s || "all"}</option>`).join("")}</select></label>
              <button id="prev-page" ${offset === 0 ? "disabled" : ""}>← Previous</button>
              <span id="page-info">Loading…</span>
              <button id="next-page" disabled>Next →</button>
            </div>
            <p id="trials-error" class="error" hidden></p>
            <div class="scroll"><table id="trials-table"><thead></thead><tbody></tbody></table></div>`;
          view.onclick = (event) => {
            const th = event.target.closest("th[data-sort]");
            if (th) {
              const key = th.dataset.sort;
              return setHash({sort: key, order: key === sort && order === "asc" ? "desc" : "asc", offset: "0"});
            }
            if (event.target.closest("#prev-page")) return setHash({offset: String(Math.max(0, offset - PAGE_SIZE))});
            if (event.target.closest("#next-page")) return setHash({offset: String(offset + PAGE_SIZE)});
          };
          view.onchange = (event) => {
            if (event.target.id === "status-filter") setHash({status: event.target.value, offset: "0"});
          };
          const header = (key, label) => `<th data-sort="${key}" class="${sort === key ? "sorted-" + order : ""}">${esc(label)}</th>`;
          const signal = requests.signal;
          poll(async () => {
            const query = new URLSearchParams({limit: String(PAGE_SIZE), offset: String(offset), sort, order});
            if (status) query.set("status", status);
            if (version) query.set("version", String(version));
            let page;
            try {
              page = await api(`/trial-rows/${enc(name)}?${query}`, signal);
            } catch (error) {
              if (error.status !== 400) throw error;
              // A bad sort, order or status in the address: said above the table, the controls stay.
              const box = $("#trials-error");
              box.hidden = false;
              setHTML(box, `${esc(error.message)} <a href="#/experiments/${enc(name)}/trials${versionQuery(version)}">Show the table with its defaults</a>`);
              setHTML($("#page-info"), "");
              return;
            }
            if (page.total > 0 && offset >= page.total) {
              // Past the last page (an old link, trials removed): go to the last page, in place of this address.
              location.replace(hashFor({offset: String(Math.floor((page.total - 1) / PAGE_SIZE) * PAGE_SIZE)}));
              return;
            }
            $("#trials-error").hidden = true;
            const names = [...new Set(page.rows.flatMap((r) => Object.keys(r.parameters)))].sort();
            const last = Math.min(offset + page.rows.length, page.total);
            setHTML($("#page-info"), page.total === 0 ? "No trials" : `${offset + 1}–${last} of ${page.total}`);
            $("#next-page").disabled = last >= page.total;
            setHTML(view.querySelector("#trials-table thead"), `<tr>${header("id", "id")}${header("status", "status")}${header("objective", "objective")}${names.map((n) => `<th>${esc(n)}</th>`).join("")}<th>parent</th>${header("submitTime", "submitted")}${header("endTime", "ended")}</tr>`);
            setHTML(view.querySelector("#trials-table tbody"), page.rows.map((r) => `<tr data-trial="${esc(r.id)}"><td><code title="${esc(r.id)}">${esc(r.id.slice(0, 12))}</code></td><td class="status-${esc(r.status)}">${esc(r.status)}</td><td class="objective">${num(r.objective)}</td>${names.map((n) => `<td>${num(r.parameters[n])}</td>`).join("")}<td class="parent">${r.parent ? `<code title="${esc(r.parent)}">${esc(r.parent.slice(0, 12))}</code>` : "—"}</td><td>${time(r.submitTime)}</td><td>${time(r.endTime)}</td></tr>`).join(""));
          }, (error) => missingView(view, name, error));
        }

        window.addEventListener("hashchange", route);
        route();
        """#
}
