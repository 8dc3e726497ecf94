// HTML_CodeSniffer (WCAG 2 AA) through pa11y on the pages named in argv[2] (a JSON file:
// {"urls": [...], "chromium": path, "args": [...]}), in one Chromium; prints, as JSON,
// each page's issues of type "error". Run by tests/browser/test_accessibility.py.
"use strict";
const fs = require("fs");
const pa11y = require("pa11y");
const puppeteer = require("puppeteer");

(async () => {
  const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const browser = await puppeteer.launch({executablePath: job.chromium, args: job.args, headless: true});
  const out = {};
  try {
    // The pages at once, in tabs of one browser: each load waits for the network to go
    // quiet (pa11y's networkidle2, half a second), which one after another was most of
    // the time.
    await Promise.all(job.pages.map(async page => {
      const result = await pa11y(page.url, {
        browser, runners: ["htmlcs"], standard: "WCAG2AA", timeout: 60000,
        viewport: {width: page.width, height: 900},
        actions: page.waitFor ? [`wait for element ${page.waitFor} to be added`] : [],
      });
      out[page.url + " @" + page.width] = result.issues.filter(i => i.type === "error")
        .map(i => ({code: i.code, selector: i.selector, context: i.context, message: i.message}));
    }));
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
})().catch(error => { console.error(String(error && error.stack || error)); process.exit(1); });
