#!/usr/bin/env python3
"""Measure how tall a Markdown roadmap is when rendered roughly as GitHub renders it.

The Markdown is turned into HTML with markdown-it-py (CommonMark + GFM tables and strikethrough, raw HTML allowed,
so `<details>` stays folded as on GitHub), styled with GitHub-like CSS in GitHub's 980-pixel content column, and its
```mermaid blocks are drawn by Mermaid itself (scaled to the column width, as GitHub does). Headless chromium, driven
by the puppeteer that mermaid-cli ships, reports the page height in CSS pixels.

    python scripts/rendered_height.py examples/rag.md [more.md ...]

Set-up as for scripts/check_mermaid.py: mermaid-cli installed with npm (its node_modules holds mermaid and puppeteer,
found through $SPRINTGEN_MERMAID_CLI, default /usr/lib/node_modules/@mermaid-js/mermaid-cli) and Debian's chromium.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CSS = """
body { box-sizing: border-box; max-width: 980px; margin: 0 auto; padding: 45px;
  font: 16px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; }
h1, h2, h3, h4 { margin: 24px 0 16px; font-weight: 600; line-height: 1.25; }
h1 { font-size: 2em; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0; }
h2 { font-size: 1.5em; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0; }
h3 { font-size: 1.25em; } h4 { font-size: 1em; }
p, ul, ol, table, pre, details { margin: 0 0 16px; }
ul, ol { padding-left: 2em; } li + li { margin-top: .25em; }
table { border-collapse: collapse; display: block; width: max-content; max-width: 100%; overflow: auto; }
td, th { padding: 6px 13px; border: 1px solid #d1d9e0; }
code { font-size: 85%; padding: .2em .4em; background: #eff1f3; border-radius: 6px; }
pre { padding: 16px; background: #f6f8fa; overflow: auto; }
pre.mermaid { background: none; padding: 0; text-align: center; }
"""

MEASURE_JS = r"""
const puppeteer = require('puppeteer');
(async () => {
  const [browserPath, shots, ...pages] = process.argv.slice(2);
  const browser = await puppeteer.launch({executablePath: browserPath, headless: true,
    args: ['--no-sandbox', '--disable-gpu']});
  const out = {};
  for (const file of pages) {
    const page = await browser.newPage();
    await page.setViewport({width: 1280, height: 900});
    await page.goto('file://' + file, {waitUntil: 'load'});
    await page.waitForFunction('window.mermaidDone === true', {timeout: 600000});
    out[file] = await page.evaluate(() => ({height: document.documentElement.scrollHeight,
      sections: [...document.querySelectorAll('h2, h3')].map(h => [h.tagName + ' ' + h.textContent.slice(0, 40),
                                                                  Math.round(h.getBoundingClientRect().top + scrollY)])
    }));
    if (shots) await page.screenshot({path: file.replace(/\.html$/, '.png'), fullPage: true});
    await page.close();
  }
  await browser.close();
  console.log(JSON.stringify(out));
})().catch(e => { console.error(String(e)); process.exit(1); });
"""

FENCE = re.compile(r'<pre><code class="language-mermaid">(.*?)</code></pre>', re.DOTALL)


def to_html(markdown: str, mermaid_js: Path) -> str:
    """The page: GFM-ish HTML, GitHub-like CSS, Mermaid drawing every diagram and then setting mermaidDone."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(markdown)
    body = FENCE.sub(lambda m: f'<pre class="mermaid">{m.group(1)}</pre>', body)
    script = ("mermaid.initialize({startOnLoad: false});"
              "mermaid.run().catch(e => console.error(e)).finally(() => { window.mermaidDone = true; });")
    return (f"<!doctype html><html><head><meta charset='utf-8'><style>{CSS}</style>"
            f"<script src='{html.escape(mermaid_js.as_uri())}'></script></head><body>{body}"
            f"<script>{script}</script></body></html>")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--sections", action="store_true", help="also print where each h2/h3 section starts")
    parser.add_argument("--screenshots", type=Path, metavar="DIR", help="also save a full-page PNG of each file")
    args = parser.parse_args(argv)
    cli = Path(os.environ.get("SPRINTGEN_MERMAID_CLI", "/usr/lib/node_modules/@mermaid-js/mermaid-cli"))
    modules = cli / "node_modules"
    mermaid_js = modules / "mermaid" / "dist" / "mermaid.min.js"
    if not mermaid_js.exists():
        print(f"rendered_height: {mermaid_js} not found; install @mermaid-js/mermaid-cli", file=sys.stderr)
        return 2
    browser = os.environ.get("SPRINTGEN_CHROMIUM", "/usr/bin/chromium")
    with tempfile.TemporaryDirectory() as tmp:
        pages = []
        for file in args.files:
            page = Path(tmp) / f"{len(pages)}-{file.stem}.html"
            page.write_text(to_html(file.read_text(encoding="utf-8"), mermaid_js), encoding="utf-8")
            pages.append(str(page))
        script = Path(tmp) / "measure.js"
        script.write_text(MEASURE_JS, encoding="utf-8")
        env = dict(os.environ, NODE_PATH=str(modules))
        shots = "1" if args.screenshots else ""
        done = subprocess.run(["node", str(script), browser, shots, *pages], capture_output=True, text=True, env=env)
        if done.returncode != 0:
            print(f"rendered_height: {done.stderr.strip()}", file=sys.stderr)
            return 1
        heights = json.loads(done.stdout)
        if args.screenshots:
            args.screenshots.mkdir(parents=True, exist_ok=True)
            for page in pages:
                shutil.copy(Path(page).with_suffix(".png"), args.screenshots / Path(page).with_suffix(".png").name)
    for file, page in zip(args.files, pages):
        print(f"{file}: {heights[page]['height']} px")
        if args.sections:
            for title, top in heights[page]["sections"]:
                print(f"  {top:>7} px  {title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
