/**
 * Reading the entries of a zip opened with yauzl (lazyEntries): the next entry, and an
 * entry's bytes under a byte limit. Shared by `ingest`'s archives and the zip-packaged
 * documents (DOCX, OFD); each says what a breach of its limit is.
 */
import type yauzl from "yauzl";

/** The next entry of a zip opened with lazyEntries, or null at its end. */
export function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise<yauzl.Entry | null>((ok, fail) => {
    zip.once("entry", ok);
    zip.once("end", () => ok(null));
    zip.once("error", fail);
    zip.readEntry();
  });
}

/**
 * An entry's bytes, read no further than `maxBytes`: the header may lie about the size,
 * the bytes do not. Past the limit the read fails with `tooBig()`.
 */
export function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, maxBytes: number, tooBig: () => Error): Promise<Buffer> {
  return new Promise<Buffer>((ok, fail) =>
    zip.openReadStream(entry, (e, stream) => {
      if (e) return fail(e);
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) stream.destroy(tooBig());
        else chunks.push(c);
      });
      stream.on("end", () => ok(Buffer.concat(chunks)));
      stream.on("error", fail);
    }),
  );
}
