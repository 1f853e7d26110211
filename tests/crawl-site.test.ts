/**
 * The fixture web sites the crawl tests run against (tests/crawl-site/server.ts), checked
 * with plain fetch on loopback: what they link and serve, their validators and faults,
 * and that every report they hold extracts to its truth — so a crawl test can compare
 * what a crawl found with the sites' own lists.
 */
import CFB from "cfb";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yauzl from "yauzl";
import { PipelineError } from "../src/errors.js";
import { summarize } from "../src/eval/score.js";
import type { ReportRecord } from "../src/model/record.js";
import { extractReport } from "../src/pipeline.js";
import { checkIdentities } from "../src/validate/index.js";
import { validateRecord } from "../src/validate/index.js";
import { pictureFetcher, requestsTo, startFixtureSites, type ExpectedReport, type FixtureSites } from "./crawl-site/server.js";
import { describeCorpus } from "./helpers.js";

let sites: FixtureSites;
let startupMs = 0;

beforeAll(async () => {
  const started = performance.now();
  sites = await startFixtureSites();
  startupMs = performance.now() - started;
}, 120_000);
afterAll(async () => {
  await sites?.close();
});

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers, redirect: "manual" });
const bytesOf = async (res: Response) => Buffer.from(await res.arrayBuffer());
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** The anchors of a page: resolved URL, title attribute and text. */
function anchors(html: string, base: string): { url: string; title: string | null; text: string }[] {
  return [...html.matchAll(/<a\s+href="([^"]*)"([^>]*)>([^<]*)<\/a>/g)]
    .filter((m) => !m[1]!.startsWith("javascript:"))
    .map((m) => ({ url: new URL(m[1]!.replace(/&amp;/g, "&"), base).href, title: /title="([^"]*)"/.exec(m[2]!)?.[1] ?? null, text: m[3]!.trim() }));
}

/** The entries of a TRS listing page. */
function listingEntries(html: string, base: string): { url: string; title: string; text: string; date: string }[] {
  return [...html.matchAll(/<li><a href="([^"]+)" target="_blank" title="([^"]+)">([^<]+)<\/a><span>(\d{4}-\d{2}-\d{2})<\/span><\/li>/g)].map((m) => ({
    url: new URL(m[1]!, base).href,
    title: m[2]!,
    text: m[3]!,
    date: m[4]!,
  }));
}

/** The entries of a ZIP archive in memory: name → content. */
async function unzip(bytes: Uint8Array): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) => yauzl.fromBuffer(Buffer.from(bytes), { lazyEntries: true }, (e, z) => (e ? fail(e) : ok(z))));
  const out = new Map<string, Buffer>();
  await new Promise<void>((done, fail) => {
    zip.on("entry", (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (e, stream) => {
        if (e) return fail(e);
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          out.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.on("end", () => done());
    zip.on("error", fail);
    zip.readEntry();
  });
  return out;
}

/** Extracts the bytes and scores the record against the truth: every table cell, year and template. */
async function extractAndScore(r: ExpectedReport): Promise<{ record: ReportRecord; wrong: unknown[]; accuracy: number }> {
  const record = await extractReport({ bytes: r.bytes, name: r.url.split("/").pop()!, pictures: r.pictures ? pictureFetcher(r.url) : undefined });
  const summary = summarize([{ id: r.id, record: record as unknown as Record<string, unknown>, truth: r.truth! }]);
  return { record, wrong: summary.rows[0]!.wrong, accuracy: summary.accuracy };
}

describe("fixture sites", () => {
  it("start in a few seconds, each on its own loopback address where the machine has them", () => {
    console.info(`fixture sites started in ${Math.round(startupMs)} ms on ${sites.addresses.join(", ")}`);
    expect(startupMs).toBeLessThan(30_000);
    for (const host of Object.values(sites.hosts).filter(Boolean)) expect(host).toMatch(/^127\.0\.0\.\d+:\d+$/);
    expect(new Set(Object.values(sites.hosts).filter(Boolean)).size).toBe(sites.pingtan ? 4 : 3);
  });

  it("TRS: the column is reached from the home page through 政务公开, by link text, and the home page links another site", async () => {
    const home = await (await get(sites.trs.home)).text();
    const homeLinks = anchors(home, sites.trs.home);
    expect(homeLinks.some((a) => a.text === "政府信息公开年报")).toBe(false);
    const section = homeLinks.find((a) => a.text === "政务公开")!;
    expect(section.url).toBe(sites.trs.section);
    expect(homeLinks.map((a) => a.url)).toEqual(expect.arrayContaining(sites.trs.external));
    for (const url of sites.trs.external) expect(new URL(url).host).not.toBe(new URL(sites.trs.base).host);
    const column = anchors(await (await get(section.url)).text(), section.url).find((a) => a.text === "政府信息公开年报")!;
    expect(column.url).toBe(sites.trs.listing);
  });

  it("TRS: three listing pages link exactly the 25 reports, the notice and the disallowed entry, newest first, the page count only in createPageHTML", async () => {
    const all: ReturnType<typeof listingEntries> = [];
    for (const [i, url] of sites.trs.listings.entries()) {
      const html = await (await get(url)).text();
      expect(html).toContain(`createPageHTML(3, ${i}, "index", "html");`);
      expect(html).not.toMatch(/href="[^"]*index_\d/);
      const entries = listingEntries(html, url);
      expect(entries.length).toBe(i < 2 ? 10 : 7);
      all.push(...entries);
    }
    expect(sites.trs.listings.map((u) => u.split("/").pop())).toEqual(["index.html", "index_1.html", "index_2.html"]);
    const pageOf = (r: ExpectedReport) => (r.foundOn === r.listing ? r.url : r.foundOn);
    const reportPages = [...sites.trs.reports, ...sites.trs.unsupported].map(pageOf);
    expect(new Set(reportPages).size).toBe(25);
    expect(all.map((e) => e.url).sort()).toEqual([...reportPages, ...sites.trs.notices, sites.trs.robots.disallowedUrl].sort());
    const dates = all.map((e) => e.date);
    expect(dates).toEqual([...dates].sort().reverse());
    // Each report's entry: its listing page, its title (in title=), its anchor text (TRS cuts long ones).
    for (const r of [...sites.trs.reports, ...sites.trs.unsupported]) {
      const entry = all.find((e) => e.url === pageOf(r))!;
      expect(entry.title).toBe(r.title);
      if (r.foundOn === r.listing) expect(entry.text).toBe(r.linkText);
    }
    expect(all.some((e) => e.text !== e.title && e.text.endsWith("..."))).toBe(true);
    // The notice's title names the annual reports: a title filter lets it through; its content does not.
    const notice = all.find((e) => e.url === sites.trs.notices[0])!;
    expect(notice.title).toMatch(/政府信息公开.*年度报告.*20\d\d/);
  });

  it("TRS: 24 reports to extract (19 UTF-8 pages, 1 GBK page, 3 PDFs, a DOCX) and an .xls: 25 organ/years, distinct bytes and numbers", () => {
    const kinds = sites.trs.reports.map((r) => r.kind);
    expect(sites.trs.reports.length).toBe(24);
    expect(kinds.filter((k) => k === "pdf").length).toBe(3);
    expect(kinds.filter((k) => k === "docx").length).toBe(1);
    expect(kinds.filter((k) => k === "html").length).toBe(20);
    expect(sites.trs.unsupported.map((r) => r.kind)).toEqual(["xls"]);
    const all = [...sites.trs.reports, ...sites.trs.unsupported, sites.trs.robots.disallowedReport, ...sites.faults.reports];
    expect(new Set(all.map((r) => `${r.organ}|${r.year}`)).size).toBe(all.length);
    expect(new Set(all.map((r) => r.sha256)).size).toBe(all.length);
    const licensing = all.map((r) => JSON.stringify((r.truth!.activeDisclosure as { licensing: unknown }).licensing));
    expect(new Set(licensing).size).toBe(all.length);
    expect(sites.trs.attachmentPages.length).toBe(5);
    // One page shows table 四 as a picture beside it, served as a PNG.
    expect(sites.trs.reports.filter((r) => r.pictures).map((r) => r.pictures!.length)).toEqual([1]);
  });

  it("serve every expected report's bytes", async () => {
    sites.faults.reset();
    for (const r of sites.faults.reports) expect([500, 429]).toContain((await get(r.url)).status);
    const all = [...sites.trs.reports, ...sites.trs.unsupported, sites.trs.robots.disallowedReport, ...sites.faults.reports, ...(sites.pingtan?.reports ?? [])];
    for (const r of all) {
      const res = await get(r.url, { "accept-encoding": "gzip" });
      expect({ url: r.url, status: res.status }).toEqual({ url: r.url, status: 200 });
      expect(res.headers.get("content-type")!.split(";")[0]).toBe(r.mediaType);
      const body = await bytesOf(res);
      expect({ url: r.url, same: body.equals(r.bytes) }).toEqual({ url: r.url, same: true });
      expect(sha256(body)).toBe(r.sha256);
    }
    // TRS pages go gzipped to a client that accepts it; fetch has inflated them above.
    expect(requestsTo(sites.log, "trs", sites.trs.reports.find((r) => r.kind === "html")!.url).at(-1)!.contentEncoding).toBe("gzip");
  });

  it("TRS: attachment pages link their attachment; the GBK page declares gb2312 in a <meta> only", async () => {
    for (const page of sites.trs.attachmentPages) {
      const html = await (await get(page.url)).text();
      const links = anchors(html, page.url);
      for (const url of page.attachments) {
        const r = [...sites.trs.reports, ...sites.trs.unsupported].find((x) => x.url === url)!;
        expect(links.find((a) => a.url === url)?.text).toBe(r.linkText);
        expect(r.foundOn).toBe(page.url);
      }
    }
    const gbk = [];
    for (const r of sites.trs.reports.filter((x) => x.kind === "html")) {
      const res = await get(r.url);
      if (res.headers.get("content-type") === "text/html") gbk.push({ r, body: await bytesOf(res) });
      else expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    }
    expect(gbk.length).toBe(1);
    const { r, body } = gbk[0]!;
    const text = new TextDecoder("gb18030").decode(body);
    expect(text).toContain('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">');
    expect(text).toContain(r.title);
    expect(new TextDecoder("utf-8").decode(body)).not.toContain(r.organ!);
  });

  it("TRS: robots.txt has a Crawl-delay and disallows the path of a listed report", async () => {
    const robots = await (await get(`${sites.trs.base}/robots.txt`)).text();
    expect(robots).toContain(`Crawl-delay: ${sites.trs.robots.crawlDelaySeconds}`);
    expect(robots).toContain(`Disallow: ${sites.trs.robots.disallow}`);
    expect(new URL(sites.trs.robots.disallowedUrl).pathname.startsWith(sites.trs.robots.disallow)).toBe(true);
    expect(await (await get(`${sites.faults.base}/robots.txt`)).text()).toMatch(/^User-agent: \*\nDisallow:\n$/);
  });

  it("answer conditional requests with 304 and serve a changed document with new validators", async () => {
    const urls = [sites.trs.listing, sites.trs.reports.find((r) => r.kind === "pdf")!.url, sites.trs.reports.find((r) => r.kind === "html")!.url, ...(sites.pingtan ? [sites.pingtan.reports[0]!.url] : [])];
    for (const url of urls) {
      const first = await get(url);
      const original = await bytesOf(first);
      const etag = first.headers.get("etag")!;
      const lastModified = first.headers.get("last-modified")!;
      expect(etag).toMatch(/^"[0-9a-f]+"$/);
      expect(Date.parse(lastModified)).toBeGreaterThan(0);
      const byTag = await get(url, { "if-none-match": etag });
      expect(byTag.status).toBe(304);
      expect((await bytesOf(byTag)).length).toBe(0);
      expect(byTag.headers.get("etag")).toBe(etag);
      expect((await get(url, { "if-modified-since": lastModified })).status).toBe(304);
      expect((await get(url, { "if-none-match": etag, "if-modified-since": lastModified })).status).toBe(304);
      const logged = sites.log.filter((e) => e.status === 304 && `${e.host}` === new URL(url).host && e.path === new URL(url).pathname);
      expect(logged.map((e) => [e.ifNoneMatch, e.ifModifiedSince])).toContainEqual([etag, null]);
      expect(logged.map((e) => [e.ifNoneMatch, e.ifModifiedSince])).toContainEqual([null, lastModified]);

      sites.change(url, Buffer.concat([original, Buffer.from("\n<!-- 更新 -->\n")]));
      const changed = await get(url, { "if-none-match": etag, "if-modified-since": lastModified });
      expect(changed.status).toBe(200);
      expect((await bytesOf(changed)).length).toBe(original.length + Buffer.byteLength("\n<!-- 更新 -->\n"));
      expect(changed.headers.get("etag")).not.toBe(etag);
      expect(Date.parse(changed.headers.get("last-modified")!)).toBeGreaterThan(Date.parse(lastModified));
      expect((await get(url, { "if-modified-since": lastModified })).status).toBe(200);
      sites.change(url, original); // back to the original bytes (with validators newer still)
      expect((await bytesOf(await get(url))).equals(original)).toBe(true);
    }
  });

  it("log every request: time, host, method, path, status, validators, user agent, ports", async () => {
    const before = sites.log.length;
    await get(sites.trs.home, { "user-agent": "nianbao-test/1" });
    await get(`${sites.trs.base}/no/such/page.html`);
    const [a, b] = sites.log.slice(before);
    expect(a).toMatchObject({ site: "trs", host: sites.hosts.trs, method: "GET", path: "/", status: 200, userAgent: "nianbao-test/1", ifNoneMatch: null });
    expect(b).toMatchObject({ site: "trs", path: "/no/such/page.html", status: 404 });
    expect(b!.time).toBeGreaterThan(a!.time);
    expect(a!.remotePort).toBeGreaterThan(0);
    expect(a!.end).not.toBeNull();
  });

  it("faults: a listing of report-like links, each answered by its fault", async () => {
    sites.faults.reset();
    const { urls } = sites.faults;
    const listed = listingEntries(await (await get(sites.faults.listing)).text(), sites.faults.listing);
    expect(listed.map((e) => e.url).sort()).toEqual(Object.values(urls).sort());
    for (const e of listed) expect(e.title).toMatch(/^临溪县.+20\d\d年政府信息公开工作年度报告$/);

    expect((await get(urls.notFound)).status).toBe(404);
    const flaky = sites.faults.reports.find((r) => r.url === urls.flaky)!;
    expect((await get(urls.flaky)).status).toBe(500);
    expect((await bytesOf(await get(urls.flaky))).equals(flaky.bytes)).toBe(true);
    const first = await get(urls.throttled);
    expect([first.status, first.headers.get("retry-after")]).toEqual([429, "1"]);
    expect((await get(urls.throttled)).status).toBe(200);
    expect((await get(urls.alwaysFailing)).status).toBe(500);
    expect((await get(urls.alwaysFailing)).status).toBe(500);

    // Slow: the headers come at once, the body only after slowMs.
    const controller = new AbortController();
    const t0 = performance.now();
    const slow = await fetch(urls.slow, { signal: controller.signal });
    expect(slow.status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(2000);
    const body = slow.arrayBuffer().then(
      () => "body",
      () => "aborted",
    );
    expect(await Promise.race([body, new Promise((r) => setTimeout(() => r("waiting"), 300))])).toBe("waiting");
    controller.abort();
    expect(await body).toBe("aborted");

    const location = async (url: string) => {
      const res = await get(url);
      expect(res.status).toBe(302);
      return new URL(res.headers.get("location")!, url).href;
    };
    const [loopA, loopB] = sites.faults.redirects.redirectLoop;
    expect(await location(loopA!)).toBe(loopB);
    expect(await location(loopB!)).toBe(loopA);
    expect(await location(urls.redirectPrivate)).toBe("http://10.0.0.1/x");
    expect(await location(urls.redirectMetadata)).toBe("http://169.254.169.254/latest/meta-data/");
    expect(new URL(await location(urls.redirectMapped)).hostname).toBe("[::ffff:a00:1]");
    expect(await location(urls.redirectOffsite)).toBe(`${sites.external.base}/`);

    const big = await get(urls.oversized);
    expect(Number(big.headers.get("content-length"))).toBe(sites.faults.oversizedBytes);
    expect((await bytesOf(big)).length).toBe(sites.faults.oversizedBytes);
    const chunked = await get(urls.oversizedChunked);
    expect(chunked.headers.get("content-length")).toBeNull();
    expect((await bytesOf(chunked)).length).toBe(sites.faults.oversizedBytes);
    const bomb = await get(urls.gzipBomb, { "accept-encoding": "gzip" });
    expect(bomb.headers.get("content-encoding")).toBe("gzip");
    expect(Number(bomb.headers.get("content-length"))).toBeLessThan(sites.faults.oversizedBytes / 50);
    expect(requestsTo(sites.log, "external")).toEqual([]);
  }, 30_000);

  it("every report variant's truth holds every identity of its template", () => {
    const all = [...sites.trs.reports, ...sites.trs.unsupported, sites.trs.robots.disallowedReport, ...sites.faults.reports, sites.faults.slow];
    for (const r of all) {
      const truth = r.truth as { meta: { organ: string; year: number; title: string } };
      expect({ id: r.id, issues: checkIdentities(r.truth!) }).toEqual({ id: r.id, issues: [] });
      expect(truth.meta).toMatchObject({ organ: r.organ, year: r.year, title: r.title });
    }
  });

  it("extractReport reads every served report to its truth (every cell, year, template; organ), without errors", async () => {
    const all = [...sites.trs.reports, sites.trs.robots.disallowedReport, ...sites.faults.reports, sites.faults.slow];
    for (const r of all) {
      const { record, wrong, accuracy } = await extractAndScore(r);
      expect({ id: r.id, wrong }).toEqual({ id: r.id, wrong: [] });
      expect(accuracy).toBe(1);
      expect({ id: r.id, organ: record.meta.organ, year: record.meta.year, title: record.meta.title }).toEqual({ id: r.id, organ: r.organ, year: r.year, title: r.title });
      expect({ id: r.id, errors: record.issues.filter((i) => i.severity === "error") }).toEqual({ id: r.id, errors: [] });
      expect(validateRecord(record)).toEqual([]);
      if (r.kind === "html") expect(record.source.encoding).toBe(Buffer.from(r.bytes).includes("charset=gb2312") ? "gb18030" : "utf-8");
    }
  }, 240_000);

  it("extractReport refuses the .xls (UNSUPPORTED_FORMAT) and the notice (NOT_A_REPORT); an attachment page alone has no tables", async () => {
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => "a record",
        (e: unknown) => (e instanceof PipelineError ? e.code : String(e)),
      );
    for (const r of sites.trs.unsupported) {
      expect(await codeOf(extractReport({ bytes: r.bytes, name: "report.xls" }))).toBe("UNSUPPORTED_FORMAT");
      // An OLE compound file with a Workbook stream and no WordDocument.
      const names = CFB.read(Buffer.from(r.bytes), { type: "buffer" }).FullPaths.map((p) => p.split("/").filter(Boolean).pop());
      expect(names).toContain("Workbook");
      expect(names).not.toContain("WordDocument");
    }
    for (const r of sites.trs.reports.filter((x) => x.kind === "docx")) {
      // A real DOCX: the package parts, and the report's text and three tables in its body.
      const parts = await unzip(r.bytes);
      expect([...parts.keys()]).toEqual(expect.arrayContaining(["[Content_Types].xml", "_rels/.rels", "word/document.xml"]));
      const body = parts.get("word/document.xml")!.toString("utf8");
      expect(body).toContain(`>${r.organ}</w:t>`);
      expect(body.match(/<w:tbl>/g)?.length).toBe(3);
    }
    for (const url of sites.trs.notices) expect(await codeOf(extractReport({ bytes: await bytesOf(await get(url)), name: "notice.html" }))).toBe("NOT_A_REPORT");
    // No table on the page: template null, table 二 null (its keys are a version's), tables 三 and 四 keep every key, all null, each named by TABLE_MISSING.
    const values = (table: unknown) => Object.values(table as Record<string, Record<string, unknown>>).flatMap((row) => Object.values(row));
    for (const page of sites.trs.attachmentPages) {
      const record = await extractReport({ bytes: await bytesOf(await get(page.url)), name: "page.html" });
      expect({ template: record.meta.template, active: record.activeDisclosure }).toEqual({ template: null, active: null });
      expect(new Set([...values(record.applications), ...values(record.reviewLitigation)])).toEqual(new Set([null]));
      expect(record.issues.filter((i) => i.code === "TABLE_MISSING").map((i) => i.path)).toEqual(["activeDisclosure", "applications", "reviewLitigation"]);
    }
  }, 60_000);
});

describeCorpus("pingtan fixture site (../shared)", () => {
  it("serves the real listing and the six corpus pages at its URLs; the four others answer 404", async () => {
    const p = sites.pingtan!;
    const listing = await (await get(p.listing)).text();
    expect(await (await get(`${p.listing}index.html`)).text()).toBe(listing);
    const listed = anchors(listing, p.listing).filter((a) => a.url.startsWith(`${p.base}/zwgk/zfxxgk/zfxxgknb/2`));
    expect(listed.length).toBe(10);
    expect(listed.map((a) => a.url).sort()).toEqual([...p.reports.map((r) => r.url), ...p.missing.map((m) => m.url)].sort());
    expect(p.reports.map((r) => r.year).sort()).toEqual([2016, 2018, 2021, 2022, 2023, 2025]);
    expect(p.missing.map((m) => /(\d{4})年度/.exec(m.title)![1]).sort()).toEqual(["2017", "2019", "2020", "2024"]);
    for (const m of p.missing) expect((await get(m.url)).status).toBe(404);
    expect(p.unreadablePages).toBe(1);
    expect(listing).toContain("maxStaticIndex: 1");
  });

  it("its pages extract to their corpus truth", async () => {
    for (const r of sites.pingtan!.reports) {
      const { wrong, accuracy } = await extractAndScore(r);
      expect({ id: r.id, wrong }).toEqual({ id: r.id, wrong: [] });
      expect(accuracy).toBe(1);
    }
  }, 120_000);
});
