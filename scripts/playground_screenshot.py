#!/usr/bin/env python3
"""Screenshot of the playground with a result in every panel (docs/playground.png).

  scripts/playground_screenshot.py RUNS_FOLDER OUT.png [--seqgen .build/release/seqgen] \
      [--text "To be, or not to be"] [--open-advanced]

Starts `seqgen serve RUNS_FOLDER --port 0`, opens the page in headless Chromium driven over the
DevTools protocol (--remote-debugging-pipe: commands on its fd 3, answers on fd 4, NUL-ended
JSON), types --text into every panel that writes a given text (a `--condition text` handwriting run),
presses every panel's Generate button, waits until each shows its result, and saves a
PNG of the whole page. --open-advanced unfolds the first panel's "More settings" (the others
stay folded), to show every setting's label.
"""
import argparse
import base64
import json
import os
import re
import subprocess
import tempfile
import time


class Chromium:
    def __init__(self, profile):
        commands_r, self.commands = os.pipe()
        self.answers, answers_w = os.pipe()
        os.dup2(commands_r, 3)
        os.dup2(answers_w, 4)
        self.process = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             f"--user-data-dir={profile}", "--window-size=1400,1000", "--hide-scrollbars", "about:blank"],
            pass_fds=(3, 4), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(3)
        os.close(4)
        self.next_id = 0
        self.buffer = b""
        self.session = None

    def send(self, method, params=None, page=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if page and self.session:
            message["sessionId"] = self.session
        os.write(self.commands, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self.buffer:
                chunk = os.read(self.answers, 1 << 16)
                if not chunk:
                    raise SystemExit("chromium closed its DevTools pipe")
                self.buffer += chunk
            raw, self.buffer = self.buffer.split(b"\0", 1)
            answer = json.loads(raw)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise SystemExit(f"{method}: {answer['error']}")
                return answer.get("result", {})

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        return result.get("result", {}).get("value")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("runs")
    p.add_argument("out")
    p.add_argument("--seqgen", default=".build/release/seqgen")
    p.add_argument("--text", default="To be, or not to be", help="what a text-conditioned panel writes")
    p.add_argument("--open-advanced", action="store_true", help="unfold the first panel's advanced settings")
    a = p.parse_args()
    server = subprocess.Popen([a.seqgen, "serve", a.runs, "--port", "0", "--slots", "2"], stdout=subprocess.PIPE, text=True)
    try:
        m = re.search(r"at (http://\S+)", server.stdout.readline())
        url = m.group(1)
        with tempfile.TemporaryDirectory() as profile:
            browser = Chromium(profile)
            target = browser.send("Target.createTarget", {"url": url}, page=False)["targetId"]
            browser.session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True}, page=False)["sessionId"]
            for _ in range(100):
                if browser.evaluate("!!document.body.dataset.ready"):
                    break
                time.sleep(0.1)
            browser.evaluate(f"document.querySelectorAll('input[name=text]').forEach(i => i.value = {json.dumps(a.text)})")
            if a.open_advanced:
                browser.evaluate("(d => d && (d.open = true))(document.querySelector('details.advanced'))")
            browser.evaluate("document.querySelectorAll('button.generate').forEach(b => b.click())")
            deadline = time.time() + 300
            while time.time() < deadline:
                if browser.evaluate("[...document.querySelectorAll('section')].every(s => s.dataset.done || s.querySelector('.status.error'))"):
                    break
                time.sleep(0.5)
            browser.evaluate("Promise.all([...document.images].map(i => i.decode().catch(() => 0)))")
            height = browser.evaluate("document.documentElement.scrollHeight")
            browser.send("Emulation.setDeviceMetricsOverride", {"width": 1400, "height": height, "deviceScaleFactor": 1, "mobile": False})
            shot = browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
            with open(a.out, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
            print(f"wrote {a.out} ({height} px high)")
            browser.process.kill()
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
