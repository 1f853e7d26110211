/** Sandboxed processor of the OCR page queue: one page of a scanned document per job. */
import type { SandboxedJob } from "bullmq";
import { processorContext } from "../src/queue/processor-context.js";
import { processPage } from "../src/queue/processors.js";

// One page at a time per process: one OCR engine slot unless told otherwise.
process.env.NIANBAO_OCR_WORKERS ??= "1";
const context = processorContext("ocr-page");

export default (job: SandboxedJob) => processPage(job, context);
