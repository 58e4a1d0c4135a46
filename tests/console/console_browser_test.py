#!/usr/bin/python3
"""simbind-console in a real browser: headless Chromium (Debian's chromium + chromium-driver, python3-selenium)
against the local testbed (scripts/testbed.sh --console: the six daemons as processes on 127.0.0.1).

The page loads and lists the UEs and subscribers; its four scenario buttons play the demo (a)-(d) through the
console's actions; each scenario's verdict on the page must be PASS, and the ladder drawn for the selected UE must
show the expected messages in order (RAND* differs from the RAND the UICC ran on for the bound device; #20, the
Binding-Failure-Report and #6 for the stolen UICC). Then 3,000 more UEs: the UE list stays paged and answers.
Screenshots of every step go to --artifacts.

  console_browser_test.py --build BUILD_DIR --artifacts DIR
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
failures = []


def check(what, ok, detail=""):
    print(("PASS  " if ok else "FAIL  ") + what + ("" if ok else f"  ({detail})"), flush=True)
    if not ok:
        failures.append(what)


def in_order(texts, patterns):
    """The index in `texts` of each pattern, each found after the previous one; None where not found."""
    at, found = 0, []
    for p in patterns:
        hit = next((i for i in range(at, len(texts)) if re.search(p, texts[i])), None)
        found.append(hit)
        if hit is None:
            break
        at = hit + 1
    return found


def leftovers(config_dir):
    """The processes whose command line names a configuration file of this lab."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if (config_dir + "/").encode() in f.read():
                    found.append(pid)
        except OSError:
            pass
    return found


def start_testbed(build, work):
    env = dict(os.environ, SIMBIND_BIN_DIR=build)
    log = open(os.path.join(work, "testbed.out"), "w+")
    proc = subprocess.Popen([os.path.join(REPO, "scripts/testbed.sh"), "--console", "--dir", os.path.join(work, "lab")],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        log.seek(0)
        text = log.read()
        m = re.search(r"the console: (http://127\.0\.0\.1:\d+/)", text)
        if m:
            return proc, m.group(1), text
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    log.seek(0)
    raise SystemExit("the testbed did not print the console's URL:\n" + log.read()[-3000:])


def browser():
    options = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1700,1100"):
        options.add_argument(a)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def ladder_texts(driver):
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#ladder-steps .step .msg")]


def run_scenario(driver, key, artifacts, timeout=180):
    driver.find_element(By.ID, f"scenario-{key}").click()
    WebDriverWait(driver, timeout).until(lambda d: d.find_elements(By.ID, f"result-{key}"))
    verdict = driver.find_element(By.ID, f"result-{key}").text
    time.sleep(1.5)  # the audit log is polled: its last steps reach the ladder within a second
    driver.save_screenshot(os.path.join(artifacts, f"scenario-{key}.png"))
    outcomes = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#outcomes li")]
    return verdict, ladder_texts(driver), outcomes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--artifacts", required=True)
    args = ap.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    work = tempfile.mkdtemp(prefix="simbind-console-test-")
    proc, url, _ = start_testbed(os.path.abspath(args.build), work)
    driver = None
    try:
        driver = browser()
        driver.get(url)
        WebDriverWait(driver, 30).until(lambda d: "live" in d.find_element(By.ID, "ue-stream").text)
        check("the page loads and its event stream is live", True)

        verdict, texts, outcomes = run_scenario(driver, "a", args.artifacts)
        check("(a) verdict on the page", "PASS" in verdict, verdict)
        # The end of the first attach, the network's detach and the re-attach's AIA often share one millisecond; the
        # page orders the UE's events and the HSS's audit by microseconds.
        order = in_order(texts, [r"ATTACH REQUEST", r"PROVISIONING_ONLY", r"SECURITY MODE COMPLETE", r"KME-Establishment",
                                 r"GetDevicePublicKey", r"binding container", r"ATTACH ACCEPT without PDN",
                                 r"DETACH REQUEST \(re-attach required\)", r"ATTACH REQUEST", r"AIA pre-processed",
                                 r"AUTHENTICATION REQUEST: RAND\*", r"SECURITY MODE COMPLETE",
                                 r"ATTACH ACCEPT \+ default bearer"])
        check("(a) ladder: provisioning-only AIA, KME establishment via prov and keydir, pre-processed re-attach",
              None not in order, f"found {order} in {texts}")

        verdict, texts, outcomes = run_scenario(driver, "b", args.artifacts)
        check("(b) verdict on the page", "PASS" in verdict, verdict)
        order = in_order(texts, [r"Bp Binding-Activation", r"answer 2001", r"ATTACH REQUEST", r"AIA pre-processed",
                                 r"AUTHENTICATION REQUEST: RAND\*", r"RAND\* decrypted", r"ATTACH ACCEPT \+ default bearer"])
        check("(b) ladder: activation, then a pre-processed first attach", None not in order, f"found {order} in {texts}")
        star = next((re.search(r"RAND\* ([0-9a-f]{12})", t) for t in texts if "AUTHENTICATION REQUEST: RAND*" in t), None)
        used = next((re.search(r"→ RAND ([0-9a-f]{12})", t) for t in texts if "decrypted" in t), None)
        check("(b) the ladder's RAND* on the air differs from the RAND the UICC got",
              bool(star and used and star.group(1) != used.group(1)), f"{star and star.group(1)} vs {used and used.group(1)}")

        verdict, texts, outcomes = run_scenario(driver, "c", args.artifacts)
        check("(c) verdict on the page", "PASS" in verdict, verdict)
        order = in_order(texts, [r"the UICC is inserted", r"ATTACH REQUEST", r"AUTHENTICATION FAILURE.*#20",
                                 r"Binding-Failure-Report", r"AIA regular vector", r"ULA Experimental-Result 5420",
                                 r"ATTACH REJECT #6"])
        check("(c) ladder: #20, Binding-Failure-Report, fallback, ULR refused 5420, then #6", None not in order,
              f"found {order} in {texts[-40:]}")

        verdict, texts, outcomes = run_scenario(driver, "d", args.artifacts)
        check("(d) verdict on the page", "PASS" in verdict, verdict)
        order = in_order(texts, [r"authorize device change", r"KME-Establishment", r"ATTACH ACCEPT without PDN",
                                 r"ATTACH ACCEPT \+ default bearer", r"DETACH REQUEST", r"ATTACH REJECT #6"])
        check("(d) ladder: authorization, the new device's KME and bearer, the old device's #6", None not in order,
              f"found {order} in {texts[-40:]}")

        rows = driver.find_elements(By.CSS_SELECTOR, "#subscribers tbody tr")
        check("the subscribers list shows the scenarios' subscribers with their binding",
              len(rows) >= 4 and any("established" in r.text for r in rows), f"{len(rows)} rows")

        # A few thousand UEs: the emulator makes them, the page keeps a page of 50 and stays responsive.
        lab = os.path.join(work, "lab")
        profiles = os.path.join(work, "many.yaml")
        with open(profiles, "w") as f:
            f.write('generate: {count: 3000, imsi_start: "001017000000000", imei_start: "35000000000000", '
                    'k: 000102030405060708090a0b0c0d0e0f, opc: 0f0e0d0c0b0a09080706050403020100}\n')
        subprocess.run(["bash", "-c", f'. "{lab}/env.sh" && "{args.build}/services/cli/simbind" ue create '
                        f'--profiles "{profiles}" --timeout 120 > /dev/null'], check=True)
        started = time.time()
        driver.execute_script("document.getElementById('ues-next').click()")
        WebDriverWait(driver, 20).until(lambda d: "of 30" in d.find_element(By.ID, "ues-page").text)
        elapsed = time.time() - started
        rows = driver.find_elements(By.CSS_SELECTOR, "#ues tbody tr")
        page = driver.find_element(By.ID, "ues-page").text
        print(f"page turn with {page}: {elapsed:.2f} s", flush=True)
        check("with 3,000 more UEs the list is paged (50 rows) and turns a page within 5 s",
              len(rows) == 50 and elapsed < 5, f"{len(rows)} rows, '{page}', {elapsed:.1f} s")
        driver.save_screenshot(os.path.join(args.artifacts, "many-ues.png"))
    finally:
        if driver:
            driver.quit()
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C, as in a terminal
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    check("Ctrl-C stops the testbed and leaves no daemon running (the console included)",
          not leftovers(os.path.join(work, "lab", "config")), f"still running: {leftovers(os.path.join(work, 'lab', 'config'))}")
    if failures:
        print(f"{len(failures)} check(s) failed; the testbed's logs are in {work}/lab/logs; screenshots in {args.artifacts}")
        return 1
    print(f"all checks passed; screenshots in {args.artifacts}")
    subprocess.run(["rm", "-rf", work])
    return 0


if __name__ == "__main__":
    sys.exit(main())
