// Drives a real browser (Debian's chromium, headless, through puppeteer-core) through the
// browser_upload page: load it, pick a file in its <input type="file">, submit the form, and
// print what the browser ends on as one JSON line: {"status": <HTTP status>, "body": <text>}.
//
//   node upload.mjs <puppeteer-core dir> <chromium path> <page url> <file path>
import { createRequire } from "node:module";

const [moduleDir, chromium, pageUrl, filePath] = process.argv.slice(2);
const require = createRequire(moduleDir + "/");
const puppeteer = require("puppeteer-core");

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  // The test machine runs as root in a container: no sandbox, no GPU, /tmp for shared memory.
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage();
  const loaded = await page.goto(pageUrl, { waitUntil: "load", timeout: 30000 });
  if (!loaded || loaded.status() !== 200) throw new Error(`page answered ${loaded && loaded.status()}`);
  const input = await page.$("#file");
  await input.uploadFile(filePath);
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: "load", timeout: 30000 }),
    page.click("#submit"),
  ]);
  const body = await response.text();
  console.log(JSON.stringify({ status: response.status(), body }));
} finally {
  await browser.close();
}
