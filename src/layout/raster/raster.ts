/**
 * Greyscale rasters: what OCR works on. 8 bits per pixel, 0 = black, row-major,
 * origin at the top-left. Small pure functions, no image library.
 */
export interface Raster {
  width: number;
  height: number;
  data: Uint8Array;
}

export function createRaster(width: number, height: number, fill = 255): Raster {
  return { width, height, data: new Uint8Array(width * height).fill(fill) };
}

/**
 * 1-bit rows (each padded to a whole byte, most significant bit first) → grey: a set
 * bit becomes `set` (255 where 1 means white, as pdf.js decodes; 0 where 1 means black, as PBM stores).
 */
export function greyFromBits(bits: Uint8Array | Uint8ClampedArray, width: number, height: number, set: 0 | 255): Raster {
  const data = new Uint8Array(width * height);
  const stride = Math.ceil(width / 8);
  const clear = 255 - set;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = (bits[y * stride + (x >> 3)]! >> (7 - (x & 7))) & 1 ? set : clear;
  return { width, height, data };
}

/** RGBA (canvas ImageData) → grey, by the usual luma weights. */
export function greyFromRgba(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Raster {
  const data = new Uint8Array(width * height);
  for (let i = 0, j = 0; i < data.length; i++, j += 4) {
    data[i] = (rgba[j]! * 77 + rgba[j + 1]! * 150 + rgba[j + 2]! * 29) >> 8;
  }
  return { width, height, data };
}

export function crop(r: Raster, x: number, y: number, w: number, h: number): Raster {
  const x0 = Math.max(0, Math.floor(x));
  const y0 = Math.max(0, Math.floor(y));
  const x1 = Math.min(r.width, Math.ceil(x + w));
  const y1 = Math.min(r.height, Math.ceil(y + h));
  const out = createRaster(Math.max(1, x1 - x0), Math.max(1, y1 - y0));
  for (let yy = y0; yy < y1; yy++) out.data.set(r.data.subarray(yy * r.width + x0, yy * r.width + x1), (yy - y0) * out.width);
  return out;
}

/** Adds a white margin: tesseract reads glyphs that touch the image edge badly. */
export function pad(r: Raster, margin: number): Raster {
  const out = createRaster(r.width + 2 * margin, r.height + 2 * margin);
  for (let y = 0; y < r.height; y++) out.data.set(r.data.subarray(y * r.width, (y + 1) * r.width), (y + margin) * out.width + margin);
  return out;
}

/** Portable greymap (P5): an image format tesseract reads without any encoding work. */
export function toPgm(r: Raster): Buffer {
  const header = Buffer.from(`P5\n${r.width} ${r.height}\n255\n`, "latin1");
  return Buffer.concat([header, Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength)]);
}

/** How many pixels have each grey. */
export function greyHistogram(r: Raster): Uint32Array {
  const hist = new Uint32Array(256);
  const { data } = r;
  for (let i = 0; i < data.length; i++) hist[data[i]!]!++;
  return hist;
}

/**
 * Otsu's threshold over the grey histogram: the split that best separates ink from
 * paper, as the value ink is below (callers test `v < threshold`). Where no grey lies
 * between the winning split and the next grey present, the threshold goes to the middle
 * of that gap: on a bilevel scan (only 0 and 255) the winning split is at 0, and a
 * threshold of 0 would leave no pixel dark. Elsewhere the threshold is the split itself,
 * as the OCR's cell reading was tuned with. Takes the raster or its histogram.
 */
export function otsuThreshold(r: Raster | Uint32Array): number {
  const hist = r instanceof Uint32Array ? r : greyHistogram(r);
  let total = 0;
  let sumAll = 0;
  for (let t = 0; t < 256; t++) {
    total += hist[t]!;
    sumAll += t * hist[t]!;
  }
  let sumB = 0;
  let weightB = 0;
  let best = 128;
  let bestVar = -1;
  for (let t = 0; t < 256; t++) {
    weightB += hist[t]!;
    if (weightB === 0) continue;
    const weightF = total - weightB;
    if (weightF === 0) break;
    sumB += t * hist[t]!;
    const meanB = sumB / weightB;
    const meanF = (sumAll - sumB) / weightF;
    const between = weightB * weightF * (meanB - meanF) ** 2;
    if (between > bestVar) {
      bestVar = between;
      best = t;
    }
  }
  let next = best + 1;
  while (next < 256 && hist[next] === 0) next++;
  return best + Math.floor((next - best) / 2);
}

/** The share of a raster's pixels darker than `threshold`, from its histogram. */
export function inkFraction(hist: Uint32Array, threshold: number): number {
  let ink = 0;
  let total = 0;
  for (let t = 0; t < 256; t++) {
    total += hist[t]!;
    if (t < threshold) ink += hist[t]!;
  }
  return total === 0 ? 0 : ink / total;
}

/** Dark pixels in a box (for "is there anything written in this cell"). */
export function inkCount(r: Raster, threshold: number, x0 = 0, y0 = 0, x1 = r.width, y1 = r.height): number {
  let n = 0;
  for (let y = Math.max(0, y0); y < Math.min(r.height, y1); y++) {
    const row = y * r.width;
    for (let x = Math.max(0, x0); x < Math.min(r.width, x1); x++) if (r.data[row + x]! < threshold) n++;
  }
  return n;
}

/** Shrinks by an integer factor, averaging each factor×factor block (keeps thin strokes grey, not gone). */
export function downscale(r: Raster, factor: number): Raster {
  if (factor <= 1) return r;
  const out = createRaster(Math.floor(r.width / factor), Math.floor(r.height / factor));
  const area = factor * factor;
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) {
        const row = (y * factor + dy) * r.width + x * factor;
        for (let dx = 0; dx < factor; dx++) sum += r.data[row + dx]!;
      }
      out.data[y * out.width + x] = sum / area;
    }
  }
  return out;
}

/**
 * Resized to width × height, bilinearly (as a canvas draws an image scaled): a scan
 * embedded at 200 dpi comes out at the dpi OCR asked for.
 */
export function resample(r: Raster, width: number, height: number): Raster {
  if (r.width === width && r.height === height) return r;
  const out = createRaster(width, height);
  const sx = r.width / width;
  const sy = r.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.max(0, Math.min(r.height - 1, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(r.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.max(0, Math.min(r.width - 1, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(r.width - 1, x0 + 1);
      const wx = fx - x0;
      const top = r.data[y0 * r.width + x0]! * (1 - wx) + r.data[y0 * r.width + x1]! * wx;
      const bottom = r.data[y1 * r.width + x0]! * (1 - wx) + r.data[y1 * r.width + x1]! * wx;
      out.data[y * width + x] = Math.round(top * (1 - wy) + bottom * wy);
    }
  }
  return out;
}

/** Grows by an integer factor, each pixel becoming a factor×factor block (binary cells stay binary). */
export function upscale(r: Raster, factor: number): Raster {
  if (factor <= 1) return r;
  const out = createRaster(r.width * factor, r.height * factor);
  for (let y = 0; y < out.height; y++) {
    const from = Math.floor(y / factor) * r.width;
    const row = y * out.width;
    for (let x = 0; x < out.width; x++) out.data[row + x] = r.data[from + Math.floor(x / factor)]!;
  }
  return out;
}

/** Rotates about the centre by `radians` (nearest neighbour; white fills the corners). */
export function rotate(r: Raster, radians: number): Raster {
  if (Math.abs(radians) < 1e-4) return r;
  const out = createRaster(r.width, r.height);
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  const cx = r.width / 2;
  const cy = r.height / 2;
  for (let y = 0; y < r.height; y++) {
    const dy = y - cy;
    for (let x = 0; x < r.width; x++) {
      const dx = x - cx;
      const sx = Math.round(cos * dx + sin * dy + cx);
      const sy = Math.round(-sin * dx + cos * dy + cy);
      if (sx >= 0 && sy >= 0 && sx < r.width && sy < r.height) out.data[y * r.width + x] = r.data[sy * r.width + sx]!;
    }
  }
  return out;
}

/** The raster turned by quarter turns counter-clockwise (0–3): exact, no resampling. */
export function rotateQuarter(r: Raster, turns: 0 | 1 | 2 | 3): Raster {
  if (turns === 0) return r;
  const { width: w, height: h } = r;
  const out = turns === 2 ? createRaster(w, h) : createRaster(h, w);
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) {
      // The source pixel that lands at (x, y).
      const [sx, sy] = turns === 1 ? [w - 1 - y, x] : turns === 2 ? [w - 1 - x, h - 1 - y] : [y, h - 1 - x];
      out.data[y * out.width + x] = r.data[sy * w + sx]!;
    }
  }
  return out;
}

/**
 * Whether a raster is bilevel — black and white only, as a fax-coded (CCITT) or JBIG2
 * scan is — judged on a sample of its pixels.
 */
export function isBilevel(r: Raster): boolean {
  const step = Math.max(1, Math.floor(r.data.length / 200_000));
  for (let i = 0; i < r.data.length; i += step) {
    const v = r.data[i]!;
    if (v !== 0 && v !== 255) return false;
  }
  return true;
}

/**
 * Smoothed by a 3×3 binomial kernel (1 2 1 / 2 4 2 / 1 2 1): a bilevel scan's staircase
 * edges become the grey edges of the anti-aliased type the recogniser was trained on.
 */
export function soften(r: Raster): Raster {
  const { width, height, data } = r;
  const out = createRaster(width, height);
  // Separable: 1 2 1 across each row (edges repeated), then 1 2 1 down the columns; integer sums, one rounding.
  const across = new Uint16Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const left = data[row + (x > 0 ? x - 1 : x)]!;
      const right = data[row + (x + 1 < width ? x + 1 : x)]!;
      across[row + x] = left + 2 * data[row + x]! + right;
    }
  }
  for (let y = 0; y < height; y++) {
    const up = (y > 0 ? y - 1 : y) * width;
    const row = y * width;
    const down = (y + 1 < height ? y + 1 : y) * width;
    for (let x = 0; x < width; x++) out.data[row + x] = (across[up + x]! + 2 * across[row + x]! + across[down + x]! + 8) >> 4;
  }
  return out;
}

/**
 * A bilevel raster without its lone dots: black pixels none of whose eight neighbours is
 * black. A 1-bit scan renders a shaded cell (a table's grey header band) as a dither —
 * light greys as a lattice of such dots, whose rows a resampled page shows as faint
 * lines and the ruling finder took for rulings. A glyph's stroke, a decimal point or a
 * ruling is never one pixel alone, so nothing else is lost.
 */
export function clearLoneDots(r: Raster): Raster {
  const { width, height, data } = r;
  const out = { width, height, data: new Uint8Array(data) };
  const dark = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && data[y * width + x]! < 128;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (data[row + x]! >= 128) continue;
      let alone = true;
      for (let dy = -1; dy <= 1 && alone; dy++) for (let dx = -1; dx <= 1; dx++) if ((dx !== 0 || dy !== 0) && dark(x + dx, y + dy)) { alone = false; break; }
      if (alone) out.data[row + x] = 255;
    }
  }
  return out;
}
