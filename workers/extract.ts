/** Sandboxed processor of the extract queue: one document per job (run in its own process). */
import type { SandboxedJob } from "bullmq";
import { processorContext } from "../src/queue/processor-context.js";
import { processDocument } from "../src/queue/processors.js";

const context = processorContext("extract");

export default (job: SandboxedJob, token?: string) => processDocument(job, token, context);
