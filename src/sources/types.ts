import type { LayoutDocument } from "../model/layout.js";
import type { TextSource } from "../model/record.js";
import type { Logger } from "../log.js";

/** What a source backend returns: the layout plus what it knows about the input. */
export interface SourceResult {
  layout: LayoutDocument;
  mediaType: string;
  textSource: TextSource;
  pages: number | null;
  encoding: string | null;
}

export interface SourceContext {
  /** The file name or URL, for messages. */
  name: string;
  log: Logger;
}

