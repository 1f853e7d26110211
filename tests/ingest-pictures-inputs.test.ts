/**
 * How `ingest` finds a saved page's pictures before the queue (no Redis, no OCR): the
 * page's `<page>_files/` folder is the page's, not documents; inside a zip the pictures
 * are the archive's other entries; nothing outside the page's folder (or --assets) is
 * read, not even through a symbolic link; only the pictures extraction would ask for are
 * collected and stored, and a page with pictures goes by the manifest of both.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { collectInputs, isProblem, type Input, type InputProblem } from "../src/queue/inputs.js";
import { collectPictures, pictureManifest, storeDocument, storedPictures } from "../src/queue/pictures.js";
import { PictureSourceFailed } from "../src/sources/html-images.js";
import { localPictures } from "../src/sources/picture-files.js";
import { LocalStore, sha256Of } from "../src/store/local.js";
import type { BlobStore } from "../src/store/types.js";
import { imageTablesHtml, tableImages, type TableImage } from "../scripts/fixtures/html-images.js";
import { REPORTS } from "../scripts/fixtures/reports.js";
import { zip } from "../scripts/fixtures/zip.js";
import { FIXTURES, tempDir } from "./helpers.js";

const qinghe = REPORTS.qinghe2020();
let picture: TableImage;
/** qinghe-2020's page with table 四 as the picture at `src`. */
const page = (src: string) => imageTablesHtml(qinghe, [picture], () => src, ["activeDisclosure", "applications"]);

beforeAll(async () => {
  picture = (await tableImages(join(FIXTURES, "generated", "qinghe-2020.pdf"))).find((i) => i.table === "reviewLitigation")!;
}, 60_000);

async function collect(args: string[], assets?: string, probe?: (input: Input) => Promise<void>): Promise<{ inputs: Input[]; problems: InputProblem[]; folders: [string, string, number][] }> {
  const inputs: Input[] = [];
  const problems: InputProblem[] = [];
  const folders: [string, string, number][] = [];
  for await (const x of collectInputs(args, undefined, { assets, onResources: (folder, p, files) => folders.push([folder, p, files]) })) {
    if (isProblem(x)) problems.push(x);
    // A zip's pictures are read while the archive is open: as ingest does, at once.
    else {
      inputs.push({ ...x, carried: x.pictures ? await collectPictures(x, x.pictures, { store: new LocalStore(tempDir("store-")), maxBytes: 1e9 }) : null });
      await probe?.(x);
    }
  }
  return { inputs, problems, folders };
}

describe("a saved page's folder and its pictures, as ingest reads them", () => {
  it("takes a page's <page>_files/ folder as the page's, not as documents — but not a folder beside no HTML page", async () => {
    const dir = tempDir("saved-");
    mkdirSync(join(dir, "report_files"));
    writeFileSync(join(dir, "report_files", "table-4.png"), picture.png);
    writeFileSync(join(dir, "report_files", "main.css"), "body {}\n");
    writeFileSync(join(dir, "report.html"), page("report_files/table-4.png"));
    // notes_files/ sits beside a text file, not a page: its files are documents.
    mkdirSync(join(dir, "notes_files"));
    writeFileSync(join(dir, "notes.txt"), "not a page");
    writeFileSync(join(dir, "notes_files", "scan.png"), picture.png);
    const { inputs, problems, folders } = await collect([dir]);
    expect(problems).toEqual([]);
    expect(inputs.map((i) => i.name).sort()).toEqual(["notes.txt", "report.html", "scan.png"]);
    expect(folders).toEqual([[join(dir, "report_files"), join(dir, "report.html"), 2]]);
    const report = inputs.find((i) => i.name === "report.html")!;
    expect(report.carried).toEqual({ pictures: [{ src: "report_files/table-4.png", blob: sha256Of(picture.png), size: picture.png.length }], unavailable: [] });
    // The same rule for a glob; a file named on its own is always a document.
    const globbed = await collect([join(dir, "**", "*")]);
    expect(globbed.inputs.map((i) => i.name).sort()).toEqual(["notes.txt", "report.html", "scan.png"]);
    expect((await collect([join(dir, "report_files", "table-4.png")])).inputs.map((i) => i.name)).toEqual(["table-4.png"]);
  });

  it("finds a zipped page's pictures among the archive's entries, inside the page's folder only", async () => {
    const dir = tempDir("zipped-");
    const archive = join(dir, "batch.zip");
    // A page showing two pictures: one beside it in the archive, one under a folder that is not its own.
    const srcs = ["img/t.png", "report_files/table-4.png"];
    let n = 0;
    const other = imageTablesHtml(qinghe, [picture, picture], () => srcs[n++]!, ["activeDisclosure", "applications"]);
    writeFileSync(
      archive,
      zip([
        { name: "a/b/report.html", data: Buffer.from(page("report_files/table-4.png")) },
        { name: "a/b/report_files/table-4.png", data: picture.png },
        { name: "a/other.html", data: Buffer.from(other) },
        { name: "a/img/t.png", data: picture.png },
        { name: "outside.png", data: picture.png },
      ]),
    );
    // What other.html's fetcher finds, asked while the archive is open (as ingest asks).
    const found: Record<string, string> = {};
    const { inputs, folders } = await collect([archive], undefined, async (input) => {
      if (input.name !== "batch.zip!a/other.html") return;
      for (const src of ["img/t.png", "../outside.png", "/uploads/2021/t.png", "report_files/table-4.png"]) {
        found[src] = await input.pictures!(src).then(
          (bytes) => (Buffer.from(bytes).equals(picture.png) ? "the picture" : "other bytes"),
          (error: Error) => `${error.constructor.name}: ${error.message}`,
        );
      }
    });
    expect(inputs.map((i) => i.name)).toEqual(["batch.zip!a/b/report.html", "batch.zip!a/other.html", "batch.zip!a/img/t.png", "batch.zip!outside.png"]);
    expect(folders).toEqual([["batch.zip!a/b/report_files/", "batch.zip!a/b/report.html", 1]]);
    expect(inputs[0]!.carried?.pictures.map((p) => p.src)).toEqual(["report_files/table-4.png"]);
    // other.html's two pictures: img/t.png beside it is had; report_files/ is not beside it.
    expect(inputs[1]!.carried).toEqual({
      pictures: [{ src: "img/t.png", blob: sha256Of(picture.png), size: picture.png.length }],
      unavailable: [{ src: "report_files/table-4.png", reason: "not found (looked for batch.zip!a/report_files/table-4.png, batch.zip!a/other_files/table-4.png)" }],
    });
    // Never outside the page's folder of the archive.
    expect(found).toEqual({
      "img/t.png": "the picture",
      "../outside.png": "PictureUnavailable: not found (looked for batch.zip!a/other_files/outside.png)",
      "/uploads/2021/t.png": "PictureUnavailable: not found (looked for batch.zip!a/other_files/t.png)",
      "report_files/table-4.png": "PictureUnavailable: not found (looked for batch.zip!a/report_files/table-4.png, batch.zip!a/other_files/table-4.png)",
    });
  });

  it("reads no picture through a symbolic link that leads out of the page's folder", async () => {
    const dir = tempDir("link-");
    mkdirSync(join(dir, "site", "report_files"), { recursive: true });
    writeFileSync(join(dir, "secret.png"), picture.png);
    symlinkSync(join(dir, "secret.png"), join(dir, "site", "report_files", "table-4.png"));
    writeFileSync(join(dir, "site", "report.html"), page("report_files/table-4.png"));
    await expect(localPictures(join(dir, "site", "report.html"))("report_files/table-4.png")).rejects.toThrow(/leads outside .*: not read/);
    const { inputs } = await collect([join(dir, "site")]);
    expect(inputs[0]!.carried).toEqual({ pictures: [], unavailable: [{ src: "report_files/table-4.png", reason: expect.stringMatching(/leads outside/) }] });
  });
});

describe("which pictures travel with a page, and what the page goes by", () => {
  it("collects none for a page whose tables are HTML, a text or a PDF; names a picture that is no image", async () => {
    const store = new LocalStore(tempDir("store-"));
    const never: (src: string) => Promise<Uint8Array> = () => Promise.reject(new Error("asked for a picture"));
    for (const file of ["yunxi-2023.html", "jixian-2020.txt"]) {
      expect(await collectPictures({ bytes: readFileSync(join(FIXTURES, file.endsWith(".txt") ? "" : "generated", file)), name: file }, never, { store, maxBytes: 1e9 })).toBeNull();
    }
    const notAnImage = await collectPictures({ bytes: Buffer.from(page("t.png")), name: "p.html" }, async () => new TextEncoder().encode("<html>404</html>"), { store, maxBytes: 1e9 });
    expect(notAnImage).toEqual({ pictures: [], unavailable: [{ src: "t.png", reason: "it is not an image (PNG, JPEG, GIF, BMP, WebP, TIFF)" }] });
  });

  it("fails the submission, not the picture, when the store cannot be written", async () => {
    const broken: BlobStore = { putBlob: () => Promise.reject(new Error("ENOSPC")), getBlob: () => Promise.reject(new Error("x")), hasBlob: async () => false };
    await expect(collectPictures({ bytes: Buffer.from(page("t.png")), name: "p.html" }, async () => picture.png, { store: broken, maxBytes: 1e9 })).rejects.toThrow(/ENOSPC/);
  });

  it("keys a page with pictures by a canonical manifest, a page without by its own hash", async () => {
    const store = new LocalStore(tempDir("store-"));
    const a = { src: "a.png", blob: "a".repeat(64), size: 1 };
    const b = { src: "b.png", blob: "b".repeat(64), size: 2 };
    expect(pictureManifest("c".repeat(64), [a, b])).toEqual(pictureManifest("c".repeat(64), [b, a]));
    expect(pictureManifest("c".repeat(64), [a])).not.toEqual(pictureManifest("c".repeat(64), [{ ...a, blob: "d".repeat(64) }]));
    const bytes = Buffer.from("<html>page</html>");
    expect(await storeDocument(store, bytes, null)).toEqual({ sha256: sha256Of(bytes), size: bytes.length, key: sha256Of(bytes) });
    expect(await storeDocument(store, bytes, { pictures: [], unavailable: [{ src: "x.png", reason: "not found" }] })).toMatchObject({ key: sha256Of(bytes) });
    const withPicture = await storeDocument(store, bytes, { pictures: [a], unavailable: [] });
    expect(withPicture.key).toBe(sha256Of(pictureManifest(sha256Of(bytes), [a])));
    expect(JSON.parse(Buffer.from(await store.getBlob(withPicture.key)).toString())).toEqual({ manifest: "nianbao/page-pictures", version: 1, page: sha256Of(bytes), pictures: [{ src: "a.png", blob: a.blob }] });
  });

  it("gives the worker each carried picture from the store, the noted reason for one not had, and fails where the store fails", async () => {
    const store = new LocalStore(tempDir("store-"));
    const { sha256 } = await store.putBlob(picture.png);
    const fetch = storedPictures({ pictures: [{ src: "t.png", blob: sha256, size: picture.png.length }, { src: "gone.png", blob: "e".repeat(64), size: 1 }], unavailable: [{ src: "u.png", reason: "not found (looked for /x/u.png)" }] }, store);
    expect(Buffer.from(await fetch("t.png")).equals(picture.png)).toBe(true);
    await expect(fetch("u.png")).rejects.toThrow("not found (looked for /x/u.png)");
    await expect(fetch("v.png")).rejects.toThrow(/not submitted with the page/);
    await expect(fetch("gone.png")).rejects.toThrow(PictureSourceFailed);
  });
});
