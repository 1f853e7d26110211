/**
 * Renders PDF pages to greyscale rasters for OCR: pdf.js draws on an @napi-rs/canvas
 * canvas (a prebuilt binary from npm, no download at run time); the pixels go straight
 * to a grey buffer, never through PNG.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createCanvas } from "@napi-rs/canvas";
import { greyFromRgba, type Raster } from "../../layout/raster/raster.js";
import type { PDFPageProxy } from "./pdfjs.js";

/** Renders a page at `dpi` on white. */
export async function renderPageGrey(page: PDFPageProxy, dpi: number): Promise<Raster> {
  const viewport = page.getViewport({ scale: dpi / 72 });
  const width = Math.ceil(viewport.width);
  const height = Math.ceil(viewport.height);
  const canvas = createCanvas(width, height);
  const context = canvas.getContext("2d");
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, width, height);
  // pdf.js types its render target as a DOM canvas; @napi-rs/canvas implements the 2D API it uses.
  await page.render({ canvas, canvasContext: context, viewport } as unknown as Parameters<PDFPageProxy["render"]>[0]).promise;
  return greyFromRgba(context.getImageData(0, 0, width, height).data, width, height);
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
