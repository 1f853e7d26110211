/**
 * The one place that owns tesseract.js: a pool of OCR workers, reused across pages and
 * reports. Each slot holds a chi_sim worker (labels, narrative) and an eng worker
 * (digits, with a whitelist), because a worker loads one language path.
 *
 * Offline by construction: the models come from the npm packages
 * @tesseract.js-data/chi_sim and @tesseract.js-data/eng (their 4.0.0_best_int LSTM
 * models), cacheMethod "none" keeps tesseract.js from writing *.traineddata into the
 * working directory, and an explicit langPath means it never falls back to a CDN.
 */
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";

type Tesseract = typeof import("tesseract.js");
type Worker = import("tesseract.js").Worker;
export type OcrPage = import("tesseract.js").Page;

export type OcrLanguage = "chi_sim" | "eng";

const require = createRequire(import.meta.url);
/** Model directory of a @tesseract.js-data package (the integerised "best" LSTM model). */
function modelPath(lang: OcrLanguage): string {
  return join(dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)), "4.0.0_best_int");
}

export interface RecognizeRequest {
  image: Buffer;
  lang: OcrLanguage;
  /** tesseract page segmentation mode: 3 = a whole page, 6 = a block of text, 7 = one line, 10 = one character, 13 = one raw line. */
  psm: 3 | 6 | 7 | 10 | 11 | 13;
  /** Characters tesseract may output (digits for value cells). */
  whitelist?: string;
  /** Resolution of the image (PGM carries none; without it tesseract guesses and says so on stderr). */
  dpi: number;
}

interface Slot {
  workers: Record<OcrLanguage, Worker>;
  /** The parameters each worker was last given: setting them again costs a round trip per cell. */
  params: Record<OcrLanguage, string>;
  busy: boolean;
}

/**
 * A fixed number of slots (default: one per core); requests queue for a free slot.
 * Workers start lazily and stay up until `close()`; their threads are unref'd by
 * tesseract.js so an idle pool does not keep the process alive.
 */
export class OcrPool {
  readonly size: number;
  private readonly slots: Promise<Slot>[] = [];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private tesseract: Promise<Tesseract> | undefined;

  constructor(size = availableParallelism()) {
    this.size = Math.max(1, size);
  }

  private async worker(lang: OcrLanguage): Promise<Worker> {
    this.tesseract ??= import("tesseract.js");
    const { createWorker, OEM } = await this.tesseract;
    const worker = await createWorker(lang, OEM.LSTM_ONLY, { langPath: modelPath(lang), cacheMethod: "none", gzip: true });
    // preserve_interword_spaces: without it tesseract drops the spaces between CJK words and
    // the numbers it reads in a line. debug_file: tesseract's own diagnostics ("Detected 10
    // diacritics") would otherwise go to our stderr, which carries only JSON logs.
    await worker.setParameters({ preserve_interword_spaces: "1", debug_file: "/dev/null" });
    return worker;
  }

  private async newSlot(): Promise<Slot> {
    const [chi, eng] = await Promise.all([this.worker("chi_sim"), this.worker("eng")]);
    return { workers: { chi_sim: chi, eng }, params: { chi_sim: "", eng: "" }, busy: false };
  }

  private async acquire(): Promise<Slot> {
    for (const pending of this.slots) {
      const slot = await pending;
      if (!slot.busy) {
        slot.busy = true;
        return slot;
      }
    }
    if (this.slots.length < this.size) {
      const created = this.newSlot();
      this.slots.push(created);
      const slot = await created;
      slot.busy = true;
      return slot;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }

  async recognize(request: RecognizeRequest): Promise<OcrPage> {
    const slot = await this.acquire();
    try {
      const worker = slot.workers[request.lang];
      const params = {
        tessedit_pageseg_mode: String(request.psm) as never,
        tessedit_char_whitelist: request.whitelist ?? "",
        user_defined_dpi: String(Math.round(request.dpi)),
      };
      const key = JSON.stringify(params);
      if (slot.params[request.lang] !== key) {
        await worker.setParameters(params);
        slot.params[request.lang] = key;
      }
      const { data } = await worker.recognize(request.image, {}, { text: true, blocks: true });
      return data;
    } finally {
      this.release(slot);
    }
  }

  /** Stops every worker (the pool can be used again afterwards: workers restart lazily). */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map(async (s) => Promise.all(Object.values((await s).workers).map((w) => w.terminate()))));
  }
}

let shared: OcrPool | undefined;

/** The process-wide pool (size from NIANBAO_OCR_WORKERS, else one slot per core). */
export function sharedOcrPool(): OcrPool {
  shared ??= new OcrPool(Number(process.env.NIANBAO_OCR_WORKERS) || undefined);
  return shared;
}

export async function closeSharedOcrPool(): Promise<void> {
  await shared?.close();
}
