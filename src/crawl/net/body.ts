/**
 * Reading a response body under a cap: the raw bytes are counted as they arrive and the
 * decoded bytes (gzip, deflate, br via node:zlib) as they come out of the decoder, and the
 * stream is torn down the moment either passes the cap — so neither a huge body nor a
 * small gzip bomb is ever held in memory beyond it.
 */
import type { IncomingMessage } from "node:http";
import { Transform, Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import * as zlib from "node:zlib";
import { FetchError } from "../types.js";

export interface BodyLimits {
  /** The URL the body comes from (for errors). */
  url: string;
  /** The Content-Encoding header, if any. */
  encoding: string | undefined;
  /** Bytes allowed, raw and decoded. */
  cap: number;
  /** Called on every raw chunk (the fetcher restarts its read timer). */
  onChunk: () => void;
  /** An error the fetcher killed the exchange with (timeout, abort), which wins over what the stream saw. */
  failure: () => unknown;
}

/** Decoders for a Content-Encoding list (applied last first); null for a coding not known. */
export function decodersFor(encoding: string | undefined): Transform[] | null {
  const codings = (encoding ?? "")
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity");
  const out: Transform[] = [];
  for (const c of codings.reverse()) {
    if (c === "gzip" || c === "x-gzip") out.push(zlib.createGunzip());
    else if (c === "deflate") out.push(zlib.createInflate());
    else if (c === "br") out.push(zlib.createBrotliDecompress());
    else return null;
  }
  return out;
}

/** The decoded body, or BODY_TOO_LARGE / CONNECT_FAILED (cut short, undecodable) / the exchange's failure. */
export async function readBody(res: IncomingMessage, limits: BodyLimits): Promise<Uint8Array> {
  const { url, cap } = limits;
  const tooLarge = (what: string) => new FetchError("BODY_TOO_LARGE", `${url}: the ${what} body is over the ${cap}-byte cap`, { url, status: res.statusCode });
  // An unknown coding is kept as sent (Content-Encoding stays in the headers).
  const decoders = decodersFor(limits.encoding) ?? [];
  let raw = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      raw += chunk.length;
      limits.onChunk();
      if (raw > cap) done(tooLarge(decoders.length > 0 ? "compressed" : "response"));
      else done(null, chunk);
    },
  });
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > cap) return done(tooLarge("decompressed"));
      chunks.push(chunk);
      done();
    },
  });
  try {
    await pipeline([res as Readable, counter, ...decoders, sink]);
  } catch (cause) {
    if (limits.failure() !== undefined) throw limits.failure();
    if (cause instanceof FetchError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code ?? "";
    const what = code.startsWith("Z_") || code.includes("BROTLI") ? `the ${limits.encoding} body could not be decoded` : "the connection closed before the body ended";
    throw new FetchError("CONNECT_FAILED", `${url}: ${what}: ${(cause as Error).message}`, { url, status: res.statusCode, cause });
  }
  if (limits.failure() !== undefined) throw limits.failure();
  return new Uint8Array(Buffer.concat(chunks, size));
}
