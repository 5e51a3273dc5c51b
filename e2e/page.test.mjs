// End-to-end test of HKPilot's page in headless Chromium, as an officer would use it:
// sign in, upload a Chinese government PDF, summarise it, click a citation and see
// the passage, switch the page to Chinese, translate, draft a memo from the PDF with
// the model, rewrite text with a diff, and fail to open a colleague's document from
// another department. Screenshots go to e2e/screenshots/ for a person to look at.
//
// Run by e2e/run.sh, which starts the server and creates the accounts.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const base = process.env.HKPILOT_URL;
const password = process.env.HKPILOT_E2E_PASSWORD;
const pdf = process.env.HKPILOT_E2E_PDF;
const shots = new URL("./screenshots/", import.meta.url).pathname;
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
  const page = await context.newPage();
  const dialogs = [];
  page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  const signIn = async (user) => {
    await page.goto(base + "/");
    assert.match(page.url(), /\/login/, "an anonymous visit goes to sign-in");
    await page.getByLabel(/Username|用戶名稱/).fill(user);
    await page.getByLabel(/Password|密碼/).fill(password);
    await page.getByRole("button", { name: /Sign in|登入/ }).click();
    await page.waitForURL(base + "/");
  };

  // 1. Sign in.
  await page.goto(base + "/");
  await page.screenshot({ path: shots + "01-sign-in.png", fullPage: true });
  await signIn("chan.taiman");
  assert.ok(await page.getByRole("heading", { name: "Library" }).isVisible());

  // 2. Upload a Chinese PDF, plus a text file whose name is markup: shown as text.
  await page.setInputFiles("#file", [
    { name: pdf.split("/").pop(), mimeType: "application/pdf", buffer: readFileSync(pdf) },
    { name: "<img src=x onerror=alert(1)>.txt", mimeType: "text/plain", buffer: Buffer.from("Notice: the office moves on 1 March 2026.\n\n辦公室於2026年3月1日搬遷。\n") },
  ]);
  await page.getByRole("button", { name: "Upload" }).click();
  // The page reloads when a file is ready; wait for both rows to say Ready.
  await page.waitForFunction(() => document.querySelectorAll("span.status.ready").length >= 2, null, { timeout: 120_000 });
  await page.screenshot({ path: shots + "02-library.png", fullPage: true });
  const names = await page.locator("table.list").innerText();
  assert.ok(names.includes("<img src=x onerror=alert(1)>.txt"), "a file name with markup is shown as text");
  assert.equal(await page.locator("table.list img").count(), 0, "no element was made from a file name");

  // 3. Open the PDF and summarise it.
  const pdfName = pdf.split("/").pop();
  await page.locator("tr", { hasText: pdfName }).getByRole("link").click();
  await page.waitForSelector(".source .blk");
  const docUrl = page.url();
  await page.getByRole("button", { name: "Summarise" }).click();
  await page.waitForSelector("#summary-text li", { timeout: 120_000 });
  assert.ok(await page.locator(".ai").first().isVisible(), "the summary is marked AI-generated");

  // 4. Click a citation: the passage is highlighted in the source.
  const cite = page.locator("a.cite").first();
  const block = await cite.getAttribute("data-block");
  await cite.click();
  const target = page.locator("#b" + block);
  await target.locator("mark").first().waitFor();
  const marked = await target.locator("mark").first().innerText();
  assert.ok(marked.trim().length > 0, "the cited characters are marked");
  assert.ok((await target.getAttribute("class")).includes("hit"));
  await page.screenshot({ path: shots + "03-summary-citation.png", fullPage: false });

  // 5. Switch the page to Chinese; the choice is remembered.
  await page.getByRole("button", { name: "繁體中文" }).click();
  // Wait for the reloaded page's heading itself: a load-state check right after the
  // click can still see the English page.
  await page.getByRole("heading", { name: "摘要" }).first().waitFor();
  assert.ok(await page.getByRole("heading", { name: "摘要" }).first().isVisible(), "headings in Chinese");
  await page.goto(base + "/");
  assert.ok(await page.getByRole("heading", { name: "文件庫" }).isVisible(), "the library in Chinese");
  await page.screenshot({ path: shots + "04-library-zh.png", fullPage: true });

  // 6. Download the summary as Word: a real file arrives.
  await page.goto(docUrl);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: /Word/ }).click(),
  ]);
  assert.match(download.suggestedFilename(), /\.docx$/);

  // 6b. Translate the Chinese document into Simplified Chinese (a script conversion:
  // no model needed), shown beside the source.
  await page.locator("#to").selectOption("zh-Hans");
  await page.getByRole("button", { name: /^(Translate|翻譯)$/ }).click();
  await page.waitForSelector("#translation-text", { timeout: 120_000 });
  const translated = await page.locator("#translation-text").innerText();
  assert.ok(translated.includes("试场"), "Simplified characters in the translation");
  assert.ok(translated.includes("黄大仙区"), "place names converted too");
  assert.ok(translated.includes("試場"), "the Traditional source beside it");
  await page.locator("#translation-text").scrollIntoViewIfNeeded();
  await page.screenshot({ path: shots + "05-translation.png", fullPage: false });

  // 6c. Draft a memo in English from the PDF with the real model: it comes back as a
  // job, labelled AI-generated, with citations into the source or questions.
  await page.goto(base + "/draft?type=memo&lang=en");
  await page.locator('input[name="field_subject"]').fill("Examination venues 2021 試場安排");
  await page.locator("#notes").fill("Tell colleagues how many examination venues there were in each district, and ask them to confirm the arrangements by Friday.");
  await page.locator("label", { hasText: pdfName }).locator('input[name="source"]').check();
  await page.locator('form[action="/draft"][method="post"] button[type="submit"]').click();
  await page.waitForSelector('a[href^="/drafts/"]', { timeout: 600_000 });
  await page.locator('a[href^="/drafts/"]').first().click();
  await page.waitForSelector("article");
  const draftText = await page.locator("main").innerText();
  assert.ok(draftText.includes("人工智能生成"), "the draft is marked AI-generated");
  assert.ok(await page.locator("article section h2").count() > 0, "the template's sections");
  assert.ok(!draftText.includes("not_in_source"), "flags in words, not codes");
  assert.ok(await page.locator(`a[href="${new URL(docUrl).pathname}"]`).count() > 0, "the PDF is listed as the source");
  await page.screenshot({ path: shots + "06a-draft.png", fullPage: true });

  // 6d. Rewrite: the draft opens in the Rewrite page; a Chinese sentence converted to
  // Simplified shows its changes as a diff.
  await page.getByRole("link", { name: /Rewrite this draft|改寫此草稿/ }).click();
  await page.waitForURL(/\/rewrite\?draft=/);
  assert.ok((await page.locator("#rw-text").inputValue()).length > 20, "the draft's text is loaded");
  await page.locator("#rw-text").fill("黃大仙區的試場數目將於下星期公佈。");
  await page.getByLabel(/To Simplified Chinese|轉為簡體中文/).check();
  await page.getByRole("button", { name: /^(Rewrite|改寫)$/ }).click();
  await page.waitForSelector(".diff");
  assert.equal(await page.locator("#rw-new").inputValue(), "黄大仙区的试场数目将于下星期公布。");
  assert.ok(await page.locator(".diff ins").count() > 0 && await page.locator(".diff del").count() > 0, "the diff marks insertions and deletions");
  await page.screenshot({ path: shots + "06b-rewrite.png", fullPage: true });

  // 7. A colleague from another department cannot open it.
  await page.getByRole("button", { name: /Sign out|登出/ }).click();
  await page.waitForURL(/\/login/);
  await signIn("wong.siuming");
  const response = await page.goto(docUrl);
  assert.equal(response.status(), 404, "another department's document is not found");
  assert.ok((await page.locator("main").innerText()).match(/not found|找不到/i));
  const list = await page.locator("main").innerText();
  assert.ok(!list.includes(pdfName), "nor listed");
  await page.screenshot({ path: shots + "06-other-department.png", fullPage: true });

  // 8. The page at a tablet's width keeps everything reachable.
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto(base + "/");
  await page.screenshot({ path: shots + "07-tablet.png", fullPage: true });

  assert.deepEqual(dialogs, [], "no script from a document or file name ran");
  assert.deepEqual(errors, [], "no script errors on the page");
  console.log("e2e: all checks passed; screenshots in " + shots);
} catch (e) {
  failed = true;
  console.error("e2e: FAILED:", e);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
