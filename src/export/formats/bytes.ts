/**
 * Byte strings: text as its UTF-8 bytes, one JavaScript character a byte. The text
 * formats build their output by joining many small strings, and V8 joins strings of
 * one-byte characters many times faster than it joins them with a single character
 * beyond Latin-1 (a Chinese organ name turns a whole line, and everything it is joined
 * to, into two-byte text, copied and widened at every join and encoded again at the
 * end). Turned into byte strings once — an organ name per report, a label once — the
 * Chinese stays one-byte text, and the result is written out byte for byte
 * (`AtomicFile.writeBytes`, `Buffer.from(text, "latin1")`).
 *
 * A byte string is only joined and written: escaping, quoting and cutting are done on
 * the text before it is turned into one.
 */
// eslint-disable-next-line no-control-regex
const BEYOND_ASCII = /[^\u0000-\u007f]/;

/** The UTF-8 bytes of `text` as a byte string (ASCII text is its own). */
export function utf8Bytes(text: string): string {
  return BEYOND_ASCII.test(text) ? Buffer.from(text, "utf8").toString("latin1") : text;
}

const encoder = new TextEncoder();

/**
 * The UTF-8 bytes of `text` in a buffer of their own: Buffer.from(text), but encoded by
 * TextEncoder, several times faster for text beyond Latin-1.
 */
export function utf8Buffer(text: string): Buffer {
  const bytes = Buffer.allocUnsafe(Buffer.byteLength(text, "utf8"));
  encoder.encodeInto(text, bytes);
  return bytes;
}

/** The bytes of an ASCII text, for ByteWriter.bytes. */
export const ascii = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, "latin1"));

/**
 * Bytes written straight into buffers of `size` bytes, each handed to `sink` when full
 * (and by flush()), and used again once the sink calls it done with it. For output made
 * of many short pieces — the cells of a sheet — this is several times faster than
 * joining strings: V8 spends tens of nanoseconds on every piece of a joined string when
 * it is flattened to be written, more than writing the piece's bytes.
 */
export class ByteWriter {
  private buffer: Buffer;
  private at = 0;
  private readonly spare: Buffer[] = [];

  constructor(
    private readonly size: number,
    private readonly sink: (bytes: Buffer, done: () => void) => void,
  ) {
    this.buffer = Buffer.allocUnsafeSlow(size);
  }

  /** Bytes written and not yet handed on. */
  get length(): number {
    return this.at;
  }

  /** Makes room for `n` more bytes, handing on what is written when they do not fit. */
  private room(n: number): void {
    if (this.at + n <= this.buffer.length) return;
    this.flush();
    // A piece larger than a buffer gets one of its own (not kept for reuse).
    if (n > this.buffer.length) this.buffer = Buffer.allocUnsafeSlow(n);
  }

  /** Hands on what is written. */
  flush(): void {
    if (this.at === 0) return;
    const full = this.buffer;
    const bytes = full.subarray(0, this.at);
    this.buffer = this.spare.pop() ?? Buffer.allocUnsafeSlow(this.size);
    this.at = 0;
    this.sink(bytes, () => {
      if (full.length === this.size) this.spare.push(full);
    });
  }

  /** Bytes (ascii()): copied one by one, faster than a call into the runtime for a few. */
  bytes(bytes: Uint8Array): void {
    this.room(bytes.length);
    const buffer = this.buffer;
    let at = this.at;
    for (let i = 0; i < bytes.length; i++) buffer[at++] = bytes[i]!;
    this.at = at;
  }

  /** A byte string (utf8Bytes()). */
  latin(text: string): void {
    this.room(text.length);
    this.at += this.buffer.write(text, this.at, "latin1");
  }

  /** Text, encoded as UTF-8 (at most three bytes a UTF-16 code unit). */
  utf8(text: string): void {
    this.room(text.length * 3);
    this.at += encoder.encodeInto(text, this.buffer.subarray(this.at)).written;
  }

  /** A number as String(n) writes it (a safe integer digit by digit). */
  number(n: number): void {
    if (!Number.isSafeInteger(n)) {
      this.latin(String(n));
      return;
    }
    this.room(17);
    const buffer = this.buffer;
    if (n < 0) {
      buffer[this.at++] = 45;
      n = -n;
    }
    let digits = 1;
    for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
    let at = (this.at += digits);
    for (let m = n; ; ) {
      buffer[--at] = 48 + (m % 10);
      m = Math.floor(m / 10);
      if (m === 0) break;
    }
  }
}
