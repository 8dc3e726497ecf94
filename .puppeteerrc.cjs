// pa11y drives Debian's Chromium (its headless shell, tests/browser/pa11y_run.js): puppeteer
// must not download a browser of its own when `npm ci` installs it (the build has no network
// but the package registries).
module.exports = { skipDownload: true };
