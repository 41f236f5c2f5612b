/// The dashboard's files, as text compiled into the binary.
enum DashboardAssets {
    /// The HTML shell: a header with the navigation line, a notice (the API cannot be reached) and the view the
    /// script fills.
    static let page = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Oríon dashboard</title>
        <link rel="icon" href="data:,">
        <link rel="stylesheet" href="/dashboard/app.css">
        </head>
        <body>
        <header><a href="#/" class="brand">Oríon</a><span id="crumbs"></span><span id="live" title="polling">●</span></header>
        <div id="notice" class="notice" role="alert" hidden></div>
        <main id="view"><p class="muted">Loading…</p></main>
        <script src="/dashboard/app.js"></script>
        </body>
        </html>
        """#

    /// The style sheet.
    static let style = #"""
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2433; background: #f6f7f9; }
        header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; padding: .7rem 1.4rem; background: #1d2433; color: #fff; }
        header a { color: #fff; text-decoration: none; }
        .brand { font-weight: 700; font-size: 1.1rem; }
        #crumbs a { color: #b8c4e0; }
        #live { margin-left: auto; color: #4caf50; font-size: .8rem; }
        main { padding: 1.2rem 1.4rem; max-width: 1200px; }
        h1 { font-size: 1.35rem; margin: .2rem 0 1rem; }
        h2 { font-size: 1.05rem; margin: 1.4rem 0 .5rem; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e3e6ec; font-variant-numeric: tabular-nums; }
        th { background: #eef0f4; font-weight: 600; }
        th[data-sort] { cursor: pointer; user-select: none; }
        th.sorted-asc::after { content: " ▲"; } th.sorted-desc::after { content: " ▼"; }
        .progress { width: 160px; height: 10px; background: #e3e6ec; border-radius: 5px; overflow: hidden; display: inline-block; vertical-align: middle; }
        .progress > span { display: block; height: 100%; background: #3b6fd8; }
        .cards { display: flex; flex-wrap: wrap; gap: .8rem; }
        .card { background: #fff; border: 1px solid #e3e6ec; border-radius: 6px; padding: .6rem .9rem; min-width: 120px; }
        .card b { display: block; font-size: 1.3rem; }
        .muted { color: #6b7385; }
        .status-completed { color: #2e7d32; } .status-broken { color: #c62828; } .status-reserved { color: #b26a00; }
        .pager { display: flex; gap: .6rem; align-items: center; margin: .6rem 0; }
        button, select { font: inherit; padding: .2rem .6rem; }
        pre { background: #fff; border: 1px solid #e3e6ec; padding: .6rem; overflow: auto; }
        .plot { background: #fff; border: 1px solid #e3e6ec; min-height: 360px; margin-bottom: 1rem; }
        .error { color: #c62828; }
        .notice { background: #fdecea; color: #8e1b1b; border-bottom: 1px solid #f5c2c0; padding: .5rem 1.4rem; }
        .scroll { overflow-x: auto; max-width: 100%; }
        .name { white-space: pre-wrap; }
        code { overflow-wrap: anywhere; }
        .plot .loading { padding: 1rem; }
        """#
}
