/**
 * Skew estimation for scanned pages: the angle at which the horizontal projection of
 * the ink is most sharply peaked (text lines and table rulings line up with the rows).
 */
import { type Raster } from "./raster.js";

/** Ink pixel coordinates, thinned to at most `limit` points for speed. */
function inkPoints(r: Raster, threshold: number, limit = 250_000): { xs: Float64Array; ys: Float64Array } {
  let count = 0;
  for (let i = 0; i < r.data.length; i++) if (r.data[i]! < threshold) count++;
  const step = Math.max(1, Math.ceil(count / limit));
  const xs = new Float64Array(Math.ceil(count / step));
  const ys = new Float64Array(xs.length);
  let k = 0;
  let seen = 0;
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      if (r.data[y * r.width + x]! < threshold && seen++ % step === 0 && k < xs.length) {
        xs[k] = x;
        ys[k++] = y;
      }
    }
  }
  return { xs: xs.subarray(0, k), ys: ys.subarray(0, k) };
}

function sharpness(xs: Float64Array, ys: Float64Array, angle: number, height: number): number {
  const bins = new Float64Array(Math.ceil(height / 2) + 64);
  const t = Math.tan(angle);
  for (let i = 0; i < xs.length; i++) {
    const b = Math.floor((ys[i]! - xs[i]! * t) / 2) + 32;
    if (b >= 0 && b < bins.length) bins[b]!++;
  }
  let s = 0;
  for (let i = 0; i < bins.length; i++) s += bins[i]! * bins[i]!;
  return s;
}

/** The page's skew in radians (positive: lines rise to the right), searched within ±maxDegrees. */
export function estimateSkew(r: Raster, threshold: number, maxDegrees = 4): number {
  const { xs, ys } = inkPoints(r, threshold);
  if (xs.length < 100) return 0;
  const search = (from: number, to: number, step: number) => {
    let best = 0;
    let bestScore = -1;
    for (let d = from; d <= to + 1e-9; d += step) {
      const score = sharpness(xs, ys, (d * Math.PI) / 180, r.height);
      if (score > bestScore) {
        bestScore = score;
        best = d;
      }
    }
    return best;
  };
  const coarse = search(-maxDegrees, maxDegrees, 0.2);
  const fine = search(coarse - 0.2, coarse + 0.2, 0.02);
  return (fine * Math.PI) / 180;
}
