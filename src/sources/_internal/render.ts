/**
 * Renders PDF pages to greyscale rasters for OCR: pdf.js draws on an @napi-rs/canvas
 * canvas (a prebuilt binary from npm, no download at run time); the pixels go straight
 * to a grey buffer, never through PNG.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createCanvas } from "@napi-rs/canvas";
import { onlyPicture } from "../../layout/hidden-text.js";
import { clearLoneDots, greyFromBits, greyFromRgba, isBilevel, resample, type Raster } from "../../layout/raster/raster.js";
import { loadPdfjs, type PDFPageProxy } from "./pdfjs.js";
import { misstatedScanPpi } from "./scan-resolution.js";

/**
 * Renders a page at `dpi` on white. The page's decoded images are then let go: pdf.js
 * keeps them with the page until told (a 300-dpi scan's page is 25 MB of RGB, and a
 * report's pages stayed alive together: ~150 MB of a 6-page scan's peak).
 */
export async function renderPageGrey(page: PDFPageProxy, dpi: number): Promise<Raster> {
  try {
    return await drawPageGrey(page, dpi);
  } finally {
    page.cleanup();
  }
}

async function drawPageGrey(page: PDFPageProxy, dpi: number): Promise<Raster> {
  const viewport = page.getViewport({ scale: dpi / 72 });
  const width = Math.ceil(viewport.width);
  const height = Math.ceil(viewport.height);
  const scanned = await pageScan(page);
  if (scanned) {
    // A black-and-white scan loses its dithers' lone dots before it is resampled to OCR's
    // resolution, while they are still alone (clearLoneDots).
    const scan = isBilevel(scanned) ? clearLoneDots(scanned) : scanned;
    // At the scan's own resolution where the page's size misstates it (scan-resolution.ts).
    const ppi = misstatedScanPpi(scan, viewport.width / viewport.scale, viewport.height / viewport.scale);
    return ppi === null ? resample(scan, width, height) : resample(scan, Math.ceil((scan.width * dpi) / ppi), Math.ceil((scan.height * dpi) / ppi));
  }
  const canvas = createCanvas(width, height);
  const context = canvas.getContext("2d");
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, width, height);
  // pdf.js types its render target as a DOM canvas; @napi-rs/canvas implements the 2D API it uses.
  await page.render({ canvas, canvasContext: context, viewport } as unknown as Parameters<PDFPageProxy["render"]>[0]).promise;
  return greyFromRgba(context.getImageData(0, 0, width, height).data, width, height);
}

/** pdf.js's decoded image object (its ImageKind: 1 = 1 bit grey, 2 = RGB, 3 = RGBA). */
interface DecodedImage {
  width: number;
  height: number;
  kind?: number;
  data?: Uint8Array | Uint8ClampedArray;
}

/** An image as grey on white: 1-bit rows are padded to whole bytes, 1 = white. */
function greyOf(image: DecodedImage): Raster | null {
  const { width, height, kind, data } = image;
  if (!data) return null;
  if (kind === 1) return greyFromBits(data, width, height, 255);
  const out = new Uint8Array(width * height);
  if (kind === 3) {
    // With a soft mask: composited over the white page, as the canvas would.
    const grey = greyFromRgba(data, width, height).data;
    for (let i = 0; i < out.length; i++) out[i] = 255 - (((255 - grey[i]!) * data[i * 4 + 3]!) >> 8);
  } else if (kind === 2) {
    for (let i = 0, j = 0; i < out.length; i++, j += 3) out[i] = (data[j]! * 77 + data[j + 1]! * 150 + data[j + 2]! * 29) >> 8;
  } else return null;
  return { width, height, data: out };
}

/**
 * The page's pixels when the page is a scan — one image painted over the whole page and
 * nothing else a reader sees (an invisible OCR layer may lie over it) — straight from
 * pdf.js's decoder, without drawing them on a canvas: drawing a 300-dpi page and reading
 * it back cost 0.7 s of CPU a page, more than the JPEG decoding itself (0.5 s; measured on
 * huaian-2024 scanned, 2480×3509 pixels).
 * Null for any other page, which is rendered.
 */
async function pageScan(page: PDFPageProxy): Promise<Raster | null> {
  const { OPS } = await loadPdfjs();
  if (page.rotate % 360 !== 0) return null;
  const picture = onlyPicture(await page.getOperatorList(), OPS);
  if (!picture) return null;
  const [x0, y0, x1, y1] = page.view;
  const [a, b, c, d, e, f] = picture.matrix;
  // Upright and covering the page (within a point): the image's rows are the page's rows.
  const covers = b === 0 && c === 0 && Math.abs(a - (x1! - x0!)) < 1 && Math.abs(d - (y1! - y0!)) < 1 && Math.abs(e - x0!) < 1 && Math.abs(f - y0!) < 1;
  if (!covers) return null;
  const { id } = picture;
  // Images shared between pages live in commonObjs (pdf.js names them "g_…"); either store
  // may still be receiving the object when the operator list is done: wait for it.
  const store = id.startsWith("g_") ? page.commonObjs : page.objs;
  const image = await new Promise<DecodedImage | null>((resolve) => store.get(id, resolve as (data: unknown) => void));
  return image ? greyOf(image) : null;
}

/**
 * Fails unless Skia can open the image. Skia (through @napi-rs/canvas 0.1.x) does not
 * throw on an image whose header it cannot read — a "PNG" cut short after 60 bytes, a
 * RIFF/WEBP header over junk — it ends the process (SIGSEGV), or never settles. So the
 * image is first opened in a throwaway process (~0.1 s), and only then in this one: the
 * same bytes decode the same way. Damage past the header decodes (partly) and is not
 * caught here.
 */
export async function checkImageDecodable(bytes: Uint8Array, timeoutMs = 30_000): Promise<void> {
  const canvas = createRequire(import.meta.url).resolve("@napi-rs/canvas");
  const script = `const c = []; process.stdin.on("data", (d) => c.push(d)).on("end", () => require(${JSON.stringify(canvas)}).loadImage(Buffer.concat(c)).then((i) => process.stdout.write(i.width + "x" + i.height), (e) => { process.stderr.write(String(e && e.message || e)); process.exitCode = 2; }));`;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.stdin.on("error", () => {}); // the child may be gone before it has read everything
    child.once("error", (error) => (clearTimeout(timer), reject(error)));
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const [width, height] = out.split("x").map(Number);
      if (code === 0 && width! > 0 && height! > 0) resolve();
      else if (signal === "SIGKILL") reject(new Error(`the decoder did not finish within ${timeoutMs / 1000} s`));
      else if (signal) reject(new Error(`its header is unreadable: the decoder ended with ${signal}`));
      else reject(new Error(err.trim() || "the decoder found no image in it"));
    });
    child.stdin.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
}

/** Decodes an image file (PNG, JPEG, GIF, BMP, WebP) to grey. */
export async function decodeImageGrey(bytes: Uint8Array): Promise<Raster> {
  await checkImageDecodable(bytes);
  const { loadImage } = await import("@napi-rs/canvas");
  const image = await loadImage(Buffer.from(bytes));
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext("2d");
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, image.width, image.height);
  context.drawImage(image, 0, 0);
  return greyFromRgba(context.getImageData(0, 0, image.width, image.height).data, image.width, image.height);
}
