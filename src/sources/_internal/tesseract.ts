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

/** One tesseract.js worker (a thread) and the parameters it was last given. */
interface Engine {
  worker: Worker;
  /** Setting the same parameters again costs a round trip per cell: they are set only when they change. */
  params: string;
  busy: boolean;
}

/**
 * `size` slots (default: one per core): up to `size` chi_sim workers, which do most of
 * the work (whole-table and page passes), and up to half as many eng workers, which read
 * digits (short lines and single cells: on huaian-2024, a tenth of the OCR time). Each
 * worker costs its memory — ~100 MB started, ~250 MB once it has read a page at 300 dpi
 * (WebAssembly memory never shrinks) — so workers that would mostly idle are not started.
 * Requests queue for a free worker of their language. Workers start lazily (or ahead of
 * need with `warm`) and stay up until `close()`; their threads are unref'd by
 * tesseract.js so an idle pool does not keep the process alive.
 */
export class OcrPool {
  readonly size: number;
  private readonly engines: Record<OcrLanguage, Promise<Engine>[]> = { chi_sim: [], eng: [] };
  private readonly waiting: Record<OcrLanguage, ((engine: Engine) => void)[]> = { chi_sim: [], eng: [] };
  private tesseract: Promise<Tesseract> | undefined;

  constructor(size = availableParallelism()) {
    this.size = Math.max(1, size);
  }

  /** How many workers of a language the pool runs at most. */
  private limit(lang: OcrLanguage): number {
    return lang === "eng" ? Math.ceil(this.size / 2) : this.size;
  }

  /**
   * Starts workers of `lang` now, up to `count` (and the pool's limit), so that their
   * start-up overlaps with rendering the first page rather than following it. Resolves
   * when they are up (a worker that fails to start is left to fail its first request).
   */
  warm(lang: OcrLanguage = "chi_sim", count = 1): Promise<void> {
    const started: Promise<void>[] = [];
    while (this.engines[lang].length < Math.min(count, this.limit(lang))) {
      const created = this.start(lang);
      started.push(created.then((engine) => this.release(lang, engine)).catch(() => {}));
    }
    return Promise.all(started).then(() => undefined);
  }

  private async engine(lang: OcrLanguage): Promise<Engine> {
    this.tesseract ??= import("tesseract.js");
    const { createWorker, OEM } = await this.tesseract;
    const worker = await createWorker(lang, OEM.LSTM_ONLY, { langPath: modelPath(lang), cacheMethod: "none", gzip: true });
    // preserve_interword_spaces: without it tesseract drops the spaces between CJK words and
    // the numbers it reads in a line. debug_file: tesseract's own diagnostics ("Detected 10
    // diacritics") would otherwise go to our stderr, which carries only JSON logs.
    await worker.setParameters({ preserve_interword_spaces: "1", debug_file: "/dev/null" });
    return { worker, params: "", busy: false };
  }

  private async acquire(lang: OcrLanguage): Promise<Engine> {
    const engines = this.engines[lang];
    for (const pending of engines) {
      const engine = await pending;
      if (!engine.busy) {
        engine.busy = true;
        return engine;
      }
    }
    if (engines.length < this.limit(lang)) {
      const engine = await this.start(lang);
      engine.busy = true;
      return engine;
    }
    return new Promise((resolve) => this.waiting[lang].push(resolve));
  }

  /** A new worker of `lang`, counted at once (busy: whoever started it hands it out). */
  private start(lang: OcrLanguage): Promise<Engine> {
    const engines = this.engines[lang];
    const created = this.engine(lang).then((engine) => ({ ...engine, busy: true }));
    engines.push(created);
    // A worker that failed to start is forgotten, so a later request can try again.
    created.catch(() => {
      const at = engines.indexOf(created);
      if (at >= 0) engines.splice(at, 1);
    });
    return created;
  }

  private release(lang: OcrLanguage, engine: Engine): void {
    const next = this.waiting[lang].shift();
    if (next) next(engine);
    else engine.busy = false;
  }

  async recognize(request: RecognizeRequest): Promise<OcrPage> {
    const engine = await this.acquire(request.lang);
    try {
      const params = {
        tessedit_pageseg_mode: String(request.psm) as never,
        tessedit_char_whitelist: request.whitelist ?? "",
        user_defined_dpi: String(Math.round(request.dpi)),
      };
      const key = JSON.stringify(params);
      if (engine.params !== key) {
        await engine.worker.setParameters(params);
        engine.params = key;
      }
      const { data } = await engine.worker.recognize(request.image, {}, { text: true, blocks: true });
      return data;
    } finally {
      this.release(request.lang, engine);
    }
  }

  /** Stops every worker (the pool can be used again afterwards: workers restart lazily). */
  async close(): Promise<void> {
    const engines = [...this.engines.chi_sim.splice(0), ...this.engines.eng.splice(0)];
    await Promise.all(engines.map(async (e) => (await e.catch(() => null))?.worker.terminate()));
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
