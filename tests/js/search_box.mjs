// Types into the search box of a page as a reader would (headless Chromium
// driven by Playwright) and reports what the suggestions showed and where
// choosing one led, as JSON:
//
//   DIALOGUE_GRAPH_NODE_DIR=DIR node search_box.mjs CHROMIUM PAGE_URL TEXT
//
// {"suggestions": ["习近平 Xi Jinping person", ...], "landed": "http://.../page/..."}
import { createRequire } from "node:module";
import { join } from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";

const nodeDir = process.env.DIALOGUE_GRAPH_NODE_DIR;
const [chromium, pageUrl, text] = process.argv.slice(2);
if (!nodeDir || !chromium || !pageUrl || !text) {
  console.error("usage: DIALOGUE_GRAPH_NODE_DIR=DIR node search_box.mjs CHROMIUM PAGE_URL TEXT");
  process.exit(2);
}
const { chromium: launcher } = createRequire(join(nodeDir, "package.json"))("playwright-core");
const context = await launcher.launchPersistentContext(mkdtempSync(join(tmpdir(), "dg-chromium-")), {
  executablePath: chromium,
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
  ],
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(pageUrl);
  const box = page.locator("form.search input[name=q]");
  await box.click();
  await box.pressSequentially(text, { delay: 60 });
  const options = page.locator("#search-suggestions li[role=option]");
  await options.first().waitFor({ timeout: 5000 });
  const suggestions = (await options.allInnerTexts()).map((t) => t.replace(/\s+/g, " ").trim());
  const expanded = await box.getAttribute("aria-expanded");
  await box.press("ArrowDown");
  const before = page.url();
  await Promise.all([page.waitForURL((url) => url.href !== before), box.press("Enter")]);
  const landed = page.url();
  const title = await page.locator("h1").first().innerText();
  process.stdout.write(JSON.stringify({ suggestions, expanded, landed, title }));
} finally {
  await context.close();
}
