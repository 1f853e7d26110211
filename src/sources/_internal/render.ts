/**
 * Renders PDF pages to greyscale rasters for OCR: pdf.js draws on an @napi-rs/canvas
 * canvas (a prebuilt binary from npm, no download at run time); the pixels go straight
 * to a grey buffer, never through PNG.
 */
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

/** Decodes an image file (PNG, JPEG, GIF, BMP, WebP) to grey. */
export async function decodeImageGrey(bytes: Uint8Array): Promise<Raster> {
  const { loadImage } = await import("@napi-rs/canvas");
  const image = await loadImage(Buffer.from(bytes));
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext("2d");
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, image.width, image.height);
  context.drawImage(image, 0, 0);
  return greyFromRgba(context.getImageData(0, 0, image.width, image.height).data, image.width, image.height);
}
