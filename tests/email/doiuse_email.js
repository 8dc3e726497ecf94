// Runs doiuse-email (caniemail's data, pinned in package-lock.json) over email files.
// Usage: node tests/email/doiuse_email.js CLIENT_GLOB[,GLOB...] FILE...
// Prints one JSON object per file and client: {file, client, errors, warnings}.
"use strict";
const fs = require("fs");
const { doIUseEmail } = require("@jsx-email/doiuse-email");

const [globs, ...files] = process.argv.slice(2);
const out = [];
for (const file of files) {
  const html = fs.readFileSync(file, "utf8");
  for (const client of globs.split(",")) {
    const result = doIUseEmail(html, { emailClients: [client] });
    out.push({ file, client, errors: result.errors || [], warnings: result.warnings || [] });
  }
}
process.stdout.write(JSON.stringify(out));
