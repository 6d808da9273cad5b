"""The exported side-by-side page, as a reader sees it in a real browser (headless Chromium).

Chromium and its driver come from Debian (`apt-get install chromium chromium-driver`; `.ci/run`
installs them). Where they are missing the tests are skipped with that instruction, except when
``STORYDIFF_REQUIRE_BROWSER=1`` (set by `.ci/run`), where a missing browser is a failure.
"""

import os
import shutil
from pathlib import Path

import pytest

from storydiff.compare import compare
from storydiff.corpus import Article

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def _browser_or_skip():
    if CHROMIUM and DRIVER:
        return
    msg = "headless Chromium not found: apt-get install chromium chromium-driver"
    if os.environ.get("STORYDIFF_REQUIRE_BROWSER") == "1":
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture(scope="module")
def browser():
    _browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    yield driver
    driver.quit()


HOSTILE = "<script>window.__sdPwned = 1;</script>"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    a = Article(id="a-en", language="en", outlet="Outlet A", text=(
        "The mayor opened the new bridge on Monday.\n\n"
        "More than 2000 people came to watch the ceremony.\n\n"
        f"A reader wrote {HOSTILE} in the comments.\n\n"
        "The weather in the mountains was cold and foggy all week."))
    b = Article(id="b-de", language="de", outlet="Outlet B", text=(
        "Mehr als 3000 Menschen kamen, um die Zeremonie zu sehen.\n\n"
        "Der Bürgermeister hat am Montag die neue Brücke eröffnet.\n\n"
        "<img src=x onerror=\"window.__sdPwned = 2\"> Die Bauarbeiten dauerten vier Jahre."))
    comp = compare(a, b)
    path = tmp_path_factory.mktemp("html") / "page.html"
    path.write_text(comp.to_html(), encoding="utf-8")
    return comp, path


def test_both_columns_and_escaped_text(browser, page):
    from selenium.webdriver.common.by import By

    comp, path = page
    browser.get(path.as_uri())
    cols = browser.find_elements(By.CSS_SELECTOR, ".sd-col")
    assert len(cols) == 2
    assert "Outlet A" in cols[0].find_element(By.TAG_NAME, "h3").text
    assert "Outlet B" in cols[1].find_element(By.TAG_NAME, "h3").text
    a_units = cols[0].find_elements(By.CSS_SELECTOR, ".sd-u")
    b_units = cols[1].find_elements(By.CSS_SELECTOR, ".sd-u")
    assert [u.text for u in a_units] == [u.text for u in comp.a_units]
    assert [u.text for u in b_units] == [u.text for u in comp.b_units]
    # the injected markup shows as text and never runs
    assert any(HOSTILE in u.text for u in a_units)
    assert any("<img src=x" in u.text for u in b_units)
    assert browser.execute_script("return window.__sdPwned === undefined")
    assert not browser.find_elements(By.CSS_SELECTOR, ".sd-col script, .sd-col img")


def test_click_highlights_partner_and_shows_details(browser, page):
    from selenium.webdriver.common.by import By

    comp, path = page
    browser.get(path.as_uri())
    crowd = next(lk for lk in comp.links if any("2000" in comp.a_units[i].text for i in lk.a))
    assert crowd.status == "changed"  # 2000 -> 3000
    el = browser.find_element(By.CSS_SELECTOR, f".sd-u[data-side=a][data-id='{crowd.a[0]}']")
    el.click()
    assert "sd-active" in el.get_attribute("class")
    partners = browser.find_elements(By.CSS_SELECTOR, ".sd-partner")
    assert sorted(int(p.get_attribute("data-id")) for p in partners) == sorted(crowd.b)
    assert all(p.get_attribute("data-side") == "b" for p in partners)
    info = browser.find_element(By.CSS_SELECTOR, ".sd-info").text
    assert "similarity" in info and "2000" in info and "3000" in info
    # a sentence B added (and not offered for review): no partner, and the info line says so
    added = browser.find_element(By.CSS_SELECTOR, ".sd-u.sd-added:not(.sd-review), .sd-u.sd-dropped:not(.sd-review)")
    added.click()
    assert not browser.find_elements(By.CSS_SELECTOR, ".sd-partner")
    assert "no partner" in browser.find_element(By.CSS_SELECTOR, ".sd-info").text


def test_added_and_dropped_stand_out(browser, page):
    from selenium.webdriver.common.by import By

    _, path = page
    browser.get(path.as_uri())
    dropped = browser.find_element(By.CSS_SELECTOR, ".sd-u.sd-dropped")
    same = browser.find_elements(By.CSS_SELECTOR, ".sd-u.sd-same, .sd-u.sd-changed")[0]
    # colour and a marker, not bold everywhere
    assert dropped.value_of_css_property("font-weight") in ("400", "normal")
    assert dropped.value_of_css_property("background-color") != same.value_of_css_property("background-color")
    marker = browser.execute_script("return getComputedStyle(arguments[0], '::before').content", dropped)
    assert marker.strip('"') == "\u2212"


HOSTILE_OUTLET = "Bild</h3><script>window.__sdPwned = 1;</script>"
HOSTILE_TITLE = "<img src=x onerror=\"window.__sdPwned = 2\"> $x^{2$ *Titel*"
HOSTILE_SENTENCE = "A reader wrote <script>window.__sdPwned = 3;</script> and $5 in the comments."


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory):
    """Notebooks 01-05 run on a corpus whose Bild article has a hostile outlet, title and sentence."""
    _browser_or_skip()
    import yaml

    from storydiff.notebooks import run_notebook

    root = Path(__file__).resolve().parents[1]
    corpus = tmp_path_factory.mktemp("hostile") / "articles"
    corpus.mkdir()
    for src in (root / "corpus" / "articles").glob("*.md"):
        text = src.read_text(encoding="utf-8")
        if src.stem.startswith("bild-en"):
            _, front, body = text.split("---\n", 2)
            meta = yaml.safe_load(front)
            meta.update(outlet=HOSTILE_OUTLET, title=HOSTILE_TITLE)
            text = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body.rstrip("\n") + \
                "\n" + HOSTILE_SENTENCE + "\n"
        (corpus / src.name).write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("reports")
    for nb in sorted((root / "notebooks").glob("0[1-5]_*.ipynb")):
        params = {"CORPUS": str(corpus.parent)}
        if nb.name.startswith("05"):
            params["BENCH"] = str(corpus.parent / "no-bench")
        run_notebook(nb, html_dir=out, parameters=params)
    return sorted(out.glob("*.html"))


def test_hostile_article_runs_in_no_notebook_report(browser, hostile_reports):
    from selenium.webdriver.common.by import By

    assert len(hostile_reports) == 5
    for page in hostile_reports:
        browser.get(page.as_uri())
        assert browser.execute_script("return window.__sdPwned === undefined"), page.name
        scripts = browser.execute_script(
            "return Array.from(document.scripts).map(s => (s.src || '') + s.textContent)")
        assert not [s for s in scripts if "__sdPwned" in s], page.name
        assert not browser.find_elements(By.CSS_SELECTOR, "img[onerror]"), page.name
        assert not [s for s in scripts if s.startswith("http")], page.name  # nothing from a CDN
    # the hostile outlet is shown as text where the article is introduced
    browser.get(next(p for p in hostile_reports if p.name.startswith("02")).as_uri())
    assert "<script>window.__sdPwned = 1;</script>" in browser.find_element(By.TAG_NAME, "body").text


# --- navigation: the reading room -------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed_page(tmp_path_factory, articles):
    a = articles["bild-en-belarusians-russians-fight-for-ukraine"]
    b = articles["blick-de-belarussen-russen-kaempfen-fuer-ukraine"]
    comp = compare(a, b)
    path = tmp_path_factory.mktemp("seed") / "page.html"
    path.write_text(comp.to_html(), encoding="utf-8")
    return comp, path


def _in_view(browser, el) -> bool:
    """The element's box lies inside the window and inside its scrolling column."""
    return browser.execute_script("""
        const r = arguments[0].getBoundingClientRect(), c = arguments[0].closest('.sd-scroll').getBoundingClientRect();
        return r.top >= Math.max(0, c.top) - 1 && r.bottom <= Math.min(window.innerHeight, c.bottom) + 1;""", el)


def _far_link(comp):
    """The link whose sentences sit furthest apart in their articles (the hardest to find by eye)."""
    return max(comp.links, key=lambda lk: abs(lk.a[0] / len(comp.a_units) - lk.b[0] / len(comp.b_units)))


def test_click_brings_the_partner_into_view(browser, seed_page):
    from selenium.webdriver.common.by import By

    comp, path = seed_page
    browser.get(path.as_uri())
    for lk in (_far_link(comp), comp.links[-1], comp.links[0]):
        el = browser.find_element(By.CSS_SELECTOR, f".sd-u[data-side=a][data-id='{lk.a[0]}']")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
        el.click()
        partner = browser.find_element(By.CSS_SELECTOR, f".sd-u[data-side=b][data-id='{lk.b[0]}']")
        assert "sd-partner" in partner.get_attribute("class")
        assert _in_view(browser, partner), (lk, partner.rect)
        info = browser.find_element(By.CSS_SELECTOR, ".sd-info")
        assert browser.execute_script("const r = arguments[0].getBoundingClientRect(); "
                                      "return r.top >= 0 && r.bottom <= window.innerHeight", info)
        assert browser.find_elements(By.CSS_SELECTOR, ".sd-gutter line")  # a line joins the two


def test_next_and_previous_keys_walk_through_the_changes(browser, seed_page):
    from selenium.webdriver.common.by import By

    comp, path = seed_page
    browser.get(path.as_uri())
    first = browser.find_elements(By.CSS_SELECTOR, ".sd-u[data-side=a]:not(.sd-furniture)")[0]
    first.click()
    seen = []
    for _ in range(4):
        first.parent.switch_to.active_element.send_keys("n")
        act = browser.find_element(By.CSS_SELECTOR, ".sd-active")
        assert "sd-same" not in act.get_attribute("class")
        assert _in_view(browser, act)
        seen.append((act.get_attribute("data-side"), int(act.get_attribute("data-id"))))
    assert seen == sorted(seen) and len(set(seen)) == 4  # forward, in column order
    browser.switch_to.active_element.send_keys("p")
    act = browser.find_element(By.CSS_SELECTOR, ".sd-active")
    assert (act.get_attribute("data-side"), int(act.get_attribute("data-id"))) == seen[-2]


def test_filters_and_search(browser, seed_page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    comp, path = seed_page
    browser.get(path.as_uri())
    Select(browser.find_element(By.CSS_SELECTOR, ".sd-filter")).select_by_value("dropped")
    shown = [e for e in browser.find_elements(By.CSS_SELECTOR, ".sd-u[data-side]:not(.sd-furniture)")
             if e.is_displayed()]
    assert shown and all("sd-dropped" in e.get_attribute("class") for e in shown)
    assert len(shown) == comp.unit_status("a").count("dropped")
    Select(browser.find_element(By.CSS_SELECTOR, ".sd-filter")).select_by_value("number")
    shown = [e for e in browser.find_elements(By.CSS_SELECTOR, ".sd-u[data-side]") if e.is_displayed()]
    with_number = [lk for lk in comp.links if any(d.kind == "number" for d in lk.details)]
    assert len(shown) == sum(len(lk.a) + len(lk.b) for lk in with_number)
    Select(browser.find_element(By.CSS_SELECTOR, ".sd-filter")).select_by_value("all")
    box = browser.find_element(By.CSS_SELECTOR, ".sd-search")
    box.send_keys("Viacorka")
    hits = browser.find_elements(By.CSS_SELECTOR, ".sd-u.sd-hit")
    assert hits and all("viacorka" in h.text.lower() for h in hits)
    assert browser.find_element(By.CSS_SELECTOR, ".sd-count").text == f"{len(hits)} found"
    box.send_keys("\n")
    act = browser.find_element(By.CSS_SELECTOR, ".sd-active")
    assert "viacorka" in act.text.lower() and _in_view(browser, act)


def test_partner_in_view_in_the_notebook_report(browser, hostile_reports):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    page = next(p for p in hostile_reports if p.name.startswith("02"))
    browser.get(page.as_uri())

    def linked_units(driver):
        return [e for e in driver.find_elements(By.CSS_SELECTOR, ".sd-u[data-side=a]") if e.get_attribute("data-link")]

    # the report is several MB of HTML; in one run of the whole suite no linked unit was found right
    # after the page load, though the HTML holds 14 (checked in six runs of notebook 02): wait for
    # them rather than read too early, and say what the page held if they never come
    try:
        linked = WebDriverWait(browser, 30).until(linked_units)
    except TimeoutException:
        state = browser.execute_script("return [document.readyState, document.querySelectorAll('.sd-u').length]")
        raise AssertionError(f"no linked unit in {page.name} after 30 s (readyState, units: {state})") from None
    for el in (linked[0], linked[-1]):
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
        el.click()
        partners = browser.find_elements(By.CSS_SELECTOR, ".sd-u.sd-partner[data-side=b]")
        assert partners and _in_view(browser, partners[0])


def test_decisions_made_in_the_page_are_saved_and_reapplied(tmp_path, corpus_dir):
    """Reject a link and draw one by hand in the page, save; compare() applies the file and the
    page shows the result as reviewed; after an edit the decision is reported as stale."""
    _browser_or_skip()
    import json
    import shutil
    import time

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    from storydiff.corpus import load_article
    from storydiff.reviews import default_path, load_decisions

    shutil.copytree(corpus_dir / "articles", tmp_path / "corpus" / "articles")
    a_path = tmp_path / "corpus" / "articles" / "bild-en-belarusians-russians-fight-for-ukraine.md"
    b_path = tmp_path / "corpus" / "articles" / "blick-de-belarussen-russen-kaempfen-fuer-ukraine.md"
    a, b = load_article(a_path), load_article(b_path)
    comp = compare(a, b)
    page = tmp_path / "page.html"
    page.write_text(comp.to_html(), encoding="utf-8")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        opts.add_argument(arg)
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    try:
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        driver.get(page.as_uri())
        wrong = comp.links[0]
        driver.find_element(By.CSS_SELECTOR, f".sd-u[data-side=a][data-id='{wrong.a[0]}']").click()
        driver.find_element(By.CSS_SELECTOR, ".sd-reject").click()
        dropped = next(i for i in comp.only_a if comp.a_units[i].comparable)
        added = next(j for j in comp.only_b if comp.b_units[j].comparable)
        for side, uid in (("a", dropped), ("b", added)):
            el = driver.find_element(By.CSS_SELECTOR, f".sd-u[data-side={side}][data-id='{uid}']")
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
            el.click()
            if side == "a":
                driver.find_element(By.CSS_SELECTOR, ".sd-link-btn").click()
        save = driver.find_element(By.CSS_SELECTOR, ".sd-save")
        assert save.text == "save decisions (2)"
        save.click()
        name = f"{a.id}__{b.id}.json"
        for _ in range(100):
            if (downloads / name).exists():
                break
            time.sleep(0.1)
        saved = json.loads((downloads / name).read_text(encoding="utf-8"))
        assert [d["action"] for d in saved["decisions"]] == ["reject", "link"]
        # the file goes where compare() looks for it
        target = default_path(a, b)
        target.parent.mkdir()
        shutil.copy(downloads / name, target)
        assert len(load_decisions(target)) == 2
        again = compare(a, b)
        assert (wrong.a, wrong.b) not in {(lk.a, lk.b) for lk in again.links}
        hand = again.link_of("a", dropped)
        assert hand is not None and hand.b == (added,) and hand.reviewed
        page.write_text(again.to_html(), encoding="utf-8")
        driver.get(page.as_uri())
        el = driver.find_element(By.CSS_SELECTOR, f".sd-u[data-side=a][data-id='{dropped}']")
        assert "sd-reviewed" in el.get_attribute("class")
        # the article is edited: the decision about the dropped sentence no longer fits
        old = comp.a_units[dropped].text
        a_path.write_text(a_path.read_text(encoding="utf-8").replace(old, old[:-1] + " (edited)."), encoding="utf-8")
        edited = compare(load_article(a_path), b)
        assert [d.action for d in edited.stale] == ["link"]
        page.write_text(edited.to_html(), encoding="utf-8")
        driver.get(page.as_uri())
        assert "1 earlier decision no longer fit" in driver.find_element(By.TAG_NAME, "body").text
    finally:
        driver.quit()


def test_a_sentence_offered_to_grow_a_link_shows_that_link(browser, tmp_path):
    """real-pairs pair 12: an English sentence that may belong to the link of the German title and
    lead as well. Clicked, the link's sentences are its partners (in view, joined by a line), the
    page says what is offered, and 'accept' records the grown link."""
    from conftest import SHARED
    from selenium.webdriver.common.by import By

    from storydiff.corpus import load_text

    d = SHARED / "bench" / "real-pairs" / "pair_12"
    if not d.is_dir():
        pytest.skip("../shared/bench/real-pairs not present")
    comp = compare(load_text(d / "a.txt", language="de"), load_text(d / "b.txt", language="en"), presegmented=True)
    grow = next(r for r in comp.review if r.extends is not None and r.new_b)
    path = tmp_path / "page.html"
    path.write_text(comp.to_html(), encoding="utf-8")
    browser.get(path.as_uri())
    browser.execute_script("window.localStorage.clear()")
    browser.get(path.as_uri())
    new = browser.find_element(By.CSS_SELECTOR, f".sd-u[data-side=b][data-id='{grow.new_b[0]}']")
    assert "sd-review" in new.get_attribute("class")
    for i in grow.extends[0]:  # the link's own sentences keep their link's look
        assert "sd-review" not in browser.find_element(
            By.CSS_SELECTOR, f".sd-u[data-side=a][data-id='{i}']").get_attribute("class")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", new)
    new.click()
    for side, ids in (("a", grow.extends[0]), ("b", grow.extends[1])):
        for i in ids:
            el = browser.find_element(By.CSS_SELECTOR, f".sd-u[data-side={side}][data-id='{i}']")
            assert "sd-partner" in el.get_attribute("class")
            if side == "a":
                assert _in_view(browser, el)
    assert "a link this sentence may belong to as well" in browser.find_element(By.CSS_SELECTOR, ".sd-info").text
    assert browser.find_elements(By.CSS_SELECTOR, ".sd-gutter line")
    browser.find_element(By.CSS_SELECTOR, ".sd-accept").click()
    assert browser.find_element(By.CSS_SELECTOR, ".sd-save").text == "save decisions (1)"
    key = f"storydiff-review:{comp.a.id}__{comp.b.id}"
    saved = browser.execute_script("return JSON.parse(window.localStorage.getItem(arguments[0]) || '[]')", key)
    assert [(x["action"], x["a"], x["b"]) for x in saved] == [("accept", list(grow.a), list(grow.b))]
