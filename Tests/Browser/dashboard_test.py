#!/usr/bin/env python3
"""Browser tests of the dashboard that `orion serve` embeds, in headless Chromium through selenium.

Run by BrowserEndToEndTests (Tests/OrionCommandsTests/EndToEnd), which starts the real `orion serve` over a
SQLite database filled by real hunts, then:

    python dashboard_test.py URL SCREENSHOT_DIR DONE_EXPERIMENT LIVE_EXPERIMENT [PAGE_URL]

DONE_EXPERIMENT is a finished hunt with more than 10 trials; LIVE_EXPERIMENT is a hunt still running (its
completed count must grow while the page is open, without a reload). A screenshot of each page is written to
SCREENSHOT_DIR. With PAGE_URL (an `orion frontend` reading the API at URL), the pages are loaded from there and
call the API cross-origin; the API checks still ask URL. When the API lists an experiment named `tree` with two
versions and one named `empty` without trials, their pages are checked too. Prints one line per check and
'N passed, N failed'; exits 1 when a check failed.
"""
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

BASE, SHOTS, DONE, LIVE = sys.argv[1:5]
PAGE = sys.argv[5] if len(sys.argv) > 5 else BASE
RESULTS = {"passed": 0, "failed": 0}


def check(condition, what):
    RESULTS["passed" if condition else "failed"] += 1
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    return condition


def api(path):
    with urllib.request.urlopen(BASE + path, timeout=30) as response:
        return json.load(response)


def make_driver():
    options = Options()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    binary = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
    if os.path.exists(binary):
        options.binary_location = binary
    driver_path = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
    return webdriver.Chrome(service=Service(driver_path), options=options)


def wait_for(driver, condition, timeout=30):
    """Waits until `condition()` is true; an element re-rendered while it is read counts as not yet."""
    wait = WebDriverWait(driver, timeout, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,))
    return wait.until(lambda _: condition())


def stable(read, attempts=20):
    """`read()`, tried again while the page re-renders under it (a stale element)."""
    for attempt in range(attempts):
        try:
            return read()
        except StaleElementReferenceException:
            time.sleep(0.1)
    return read()


def click(driver, selector):
    """Clicks the element `selector` finds, found again if the page re-rendered it before the click."""
    stable(lambda: driver.find_element(By.CSS_SELECTOR, selector).click())


def text(driver, selector):
    def read():
        elements = driver.find_elements(By.CSS_SELECTOR, selector)
        return elements[0].text if elements else ""
    return stable(read)


def shoot(driver, name):
    os.makedirs(SHOTS, exist_ok=True)
    path = os.path.join(SHOTS, name + ".png")
    driver.save_screenshot(path)
    print("     screenshot " + path, flush=True)


def objectives(driver):
    cells = lambda: [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#trials-table tbody td.objective")]
    return [None if value == "—" else float(value) for value in stable(cells)]


def experiments_page(driver):
    driver.get(PAGE + "/")
    wait_for(driver, lambda: driver.find_elements(By.CSS_SELECTOR, f'tr[data-experiment="{LIVE}"] td.completed'))
    rows = lambda: driver.find_elements(By.CSS_SELECTOR, "#experiments-table tbody tr")
    names = stable(lambda: [row.get_attribute("data-experiment") for row in rows()])
    check(DONE in names and LIVE in names, f"the experiments page lists {DONE} and {LIVE}: {names}")
    stats = api("/experiments/status/" + urllib.parse.quote(DONE))
    done_row = f'tr[data-experiment="{DONE}"] td.completed'
    wait_for(driver, lambda: text(driver, done_row) == str(stats["trials_completed"]))
    check(True, f"{DONE} shows {stats['trials_completed']} completed trials, as the API says")
    bar = f'tr[data-experiment="{DONE}"] .progress'
    progress = stable(lambda: driver.find_element(By.CSS_SELECTOR, bar).get_attribute("data-progress"))
    check(float(progress) > 0, "the finished experiment's progress bar is filled")
    shoot(driver, "experiments")
    # Live update: the running hunt's completed count grows on the page, which is never reloaded.
    driver.execute_script("window.__notReloaded = true;")
    live_row = f'tr[data-experiment="{LIVE}"] td.completed'
    first = int(text(driver, live_row) or "0")
    try:
        wait_for(driver, lambda: int(text(driver, live_row) or "0") > first, timeout=90)
        grew = True
    except Exception:
        grew = False
    check(grew, f"{LIVE}'s completed count grew from {first} to {text(driver, live_row)} without a reload")
    check(driver.execute_script("return window.__notReloaded === true;"), "the page was not reloaded")


def experiment_page(driver):
    driver.get(PAGE + "/#/experiments/" + urllib.parse.quote(DONE))
    stats = api("/experiments/status/" + urllib.parse.quote(DONE))
    wait_for(driver, lambda: text(driver, "#exp-completed b") == str(stats["trials_completed"]))
    check(True, f"the experiment page shows {stats['trials_completed']} completed trials")
    wait_for(driver, lambda: text(driver, "#best-objective") != "")
    best = float(text(driver, "#best-objective"))
    check(abs(best - stats["best_evaluation"]) <= 1e-5 * max(1.0, abs(stats["best_evaluation"])),
          f"the best objective shown ({best}) is the API's ({stats['best_evaluation']})")
    configuration = json.loads(text(driver, "#configuration"))
    check("space" in configuration and "algorithm" in configuration, "the configuration shows the space and algorithm")
    try:
        plots = urllib.request.urlopen(BASE + "/plots/regret/" + urllib.parse.quote(DONE), timeout=60).status == 200
    except urllib.error.HTTPError:
        plots = False
    if plots:
        try:
            wait_for(driver, lambda: len(driver.find_elements(By.CSS_SELECTOR, "#plot-regret .scatterlayer .point")) > 0)
            points = len(driver.find_elements(By.CSS_SELECTOR, "#plot-regret .scatterlayer .point"))
        except Exception:
            points = 0
        check(points > 0, f"the regret plot renders {points} points")
        # The grid of partial dependencies keeps its height when the window is resized (it was squeezed to 360 px).
        grid = "#plot-partial_dependencies .main-svg"
        height = lambda: driver.execute_script(
            "const s = document.querySelector(arguments[0]); return s ? s.getBoundingClientRect().height : 0;", grid)
        try:
            wait_for(driver, lambda: height() > 0)
        except Exception:
            pass
        before = height()
        driver.set_window_size(1000, 900)
        time.sleep(1.5)
        after = height()
        driver.set_window_size(1280, 900)
        check(before > 360 and abs(after - before) < 2,
              f"the partial dependencies keep their height ({before:.0f} px) after a window resize ({after:.0f} px)")
    shoot(driver, "experiment")


def trials_page(driver):
    total = api("/experiments/status/" + urllib.parse.quote(DONE))["nb_trials"]
    driver.get(PAGE + "/#/experiments/" + urllib.parse.quote(DONE) + "/trials?limit=5")
    wait_for(driver, lambda: text(driver, "#page-info").startswith("1–"))
    check(text(driver, "#page-info") == f"1–5 of {total}", f"the first page says 1–5 of {total}: {text(driver, '#page-info')}")
    check(len(driver.find_elements(By.CSS_SELECTOR, "#trials-table tbody tr")) == 5, "the page has 5 rows")
    click(driver, 'th[data-sort="objective"]')
    wait_for(driver, lambda: "sort=objective" in driver.current_url and "order=asc" in driver.current_url)
    wait_for(driver, lambda: "sorted-asc" in driver.find_element(By.CSS_SELECTOR, 'th[data-sort="objective"]').get_attribute("class"))
    ascending = objectives(driver)
    known = [value for value in ascending if value is not None]
    check(known == sorted(known) and known, f"sorted by objective, ascending: {ascending}")
    click(driver, 'th[data-sort="objective"]')
    wait_for(driver, lambda: "order=desc" in driver.current_url)
    wait_for(driver, lambda: "sorted-desc" in driver.find_element(By.CSS_SELECTOR, 'th[data-sort="objective"]').get_attribute("class"))
    descending = [value for value in objectives(driver) if value is not None]
    check(descending == sorted(descending, reverse=True) and descending, f"then descending: {descending}")
    check(not descending or not known or descending[0] >= known[-1], "the descending page starts at the largest objective")
    click(driver, "#next-page")
    wait_for(driver, lambda: text(driver, "#page-info").startswith("6–"))
    check(text(driver, "#page-info") == f"6–{min(10, total)} of {total}", f"next page: {text(driver, '#page-info')}")
    second_page = objectives(driver)
    # The hash route survives a reload: same page, same order.
    driver.refresh()
    wait_for(driver, lambda: text(driver, "#page-info").startswith("6–"))
    check(objectives(driver) == second_page, "after a reload: the same page in the same order")
    stable(lambda: Select(driver.find_element(By.CSS_SELECTOR, "#status-filter")).select_by_value("completed"))
    wait_for(driver, lambda: "status=completed" in driver.current_url)
    completed = api("/experiments/status/" + urllib.parse.quote(DONE))["trials_completed"]
    wait_for(driver, lambda: text(driver, "#page-info").endswith(f"of {completed}"))
    statuses = stable(lambda: {cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#trials-table tbody td:nth-child(2)")})
    check(statuses == {"completed"}, f"the status filter keeps completed trials only: {statuses}")
    shoot(driver, "trials")


def quote(name):
    return urllib.parse.quote(name)


def robustness(driver):
    """What a user does besides reading: select text, follow a stale link, lose the server, open an old version."""
    # A poll that finds nothing new leaves the page alone: a selection of the configuration survives it.
    # The poll period is the page's own query (`?poll=MS` before the hash): a new page, polling every 300 ms.
    driver.get(PAGE + "/?poll=300#/experiments/" + quote(DONE))
    wait_for(driver, lambda: text(driver, "#configuration") != "")
    driver.execute_script("window.getSelection().selectAllChildren(document.querySelector('#configuration'));")
    selected = driver.execute_script("return window.getSelection().toString().length;")
    time.sleep(2)
    kept = driver.execute_script("return window.getSelection().toString().length;")
    check(selected > 0 and kept == selected, f"a selection of the configuration survives the polls ({selected} -> {kept})")

    # An unreachable API is said, and the page recovers by itself when it answers again.
    driver.execute_script("""
        window.__fetch = window.fetch;
        window.fetch = () => Promise.reject(new TypeError('Failed to fetch'));""")
    wait_for(driver, lambda: "Cannot reach the API" in text(driver, "#notice"), timeout=20)
    check(True, f"a failing API is said: {text(driver, '#notice')!r}")
    driver.execute_script("window.fetch = window.__fetch;")
    wait_for(driver, lambda: text(driver, "#notice") == "", timeout=40)
    check(True, "the notice goes once the API answers again")

    # An experiment that does not exist is said, and not asked for again.
    driver.get(PAGE + "/?poll=300#/experiments/no-such-experiment")
    wait_for(driver, lambda: "does not exist" in text(driver, "#not-found"))
    asked = lambda: driver.execute_script(
        "return performance.getEntriesByType('resource').filter((e) => e.name.includes('no-such-experiment')).length;")
    first = asked()
    time.sleep(1.5)
    check(asked() == first, f"a missing experiment is said and not polled again ({first} then {asked()} requests)")

    total = api("/experiments/status/" + quote(DONE))["nb_trials"]
    # An offset past the end goes to the last page; a bad sort is said above the table, whose controls stay.
    driver.get(PAGE + "/#/experiments/" + quote(DONE) + "/trials?limit=5&offset=6000")
    start = (total - 1) // 5 * 5 + 1
    wait_for(driver, lambda: text(driver, "#page-info") == f"{start}–{total} of {total}")
    check(True, f"an offset past the end shows the last page: {text(driver, '#page-info')}")
    driver.get(PAGE + "/#/experiments/" + quote(DONE) + "/trials?sort=bogus")
    wait_for(driver, lambda: "sort" in text(driver, "#trials-error"))
    check(bool(driver.find_elements(By.CSS_SELECTOR, "#status-filter")), "a bad sort is said and the controls stay")

    names = [experiment["name"] for experiment in api("/experiments")]
    if "tree" in names:
        old = api("/experiments/status/tree?version=1")
        driver.get(PAGE + "/#/experiments/tree?version=1")
        wait_for(driver, lambda: text(driver, "#exp-trials b") == str(old["nb_trials"]))
        check("v2" in text(driver, "#versions"), f"version 1 shows its own trials and links the others: {text(driver, '#versions')!r}")
        driver.get(PAGE + "/#/experiments/tree/trials?version=1")
        wait_for(driver, lambda: text(driver, "#page-info").endswith(f"of {old['nb_trials']}"))
        check(True, "the trials table of version 1 is version 1's")
    if "empty" in names:
        driver.get(PAGE + "/#/experiments/empty")
        wait_for(driver, lambda: "No trials yet" in text(driver, "#no-plots"))
        check(True, "an experiment without trials says its plots come with the first trials")
    if "allbroken" in names:
        driver.get(PAGE + "/#/experiments/allbroken")
        wait_for(driver, lambda: "No completed trial yet" in text(driver, "#no-plots"))
        check(not driver.find_elements(By.CSS_SELECTOR, "#plots .plot"),
              "an experiment whose trials all broke says so instead of drawing empty plots")


def live_plots(driver):
    """A running experiment's regret plot gains points without a reload."""
    try:
        urllib.request.urlopen(BASE + "/plots/regret/" + quote(LIVE), timeout=60)
    except urllib.error.HTTPError:
        return  # a build without plots
    driver.get(PAGE + "/#/experiments/" + quote(LIVE))
    points = lambda: len(driver.find_elements(By.CSS_SELECTOR, "#plot-regret .scatterlayer .point"))
    wait_for(driver, lambda: points() > 0)
    first = points()
    try:
        wait_for(driver, lambda: points() > first, timeout=60)
        grew = True
    except Exception:
        grew = False
    check(grew, f"the running experiment's regret plot grew from {first} to {points()} points without a reload")


def main():
    driver = make_driver()
    try:
        for page in (experiments_page, experiment_page, trials_page, robustness, live_plots):
            try:
                page(driver)
            except Exception as error:  # a timeout or a missing element: one failed check, then the next page
                check(False, f"{page.__name__}: {type(error).__name__}: {error}")
                shoot(driver, page.__name__ + "-failure")
    finally:
        driver.quit()
    print(f"{RESULTS['passed']} passed, {RESULTS['failed']} failed", flush=True)
    sys.exit(1 if RESULTS["failed"] else 0)


if __name__ == "__main__":
    main()
