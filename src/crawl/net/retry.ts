/**
 * Retries around the one-shot fetcher. 429/503 wait as long as Retry-After says (up to a
 * cap; a server asking for longer is given up on); 5xx, timeouts and connection failures
 * back off exponentially with full jitter (a random wait in [0, min(max, base·2^n)]), so
 * many workers do not come back in step. Refusals and 4xx are final: `FetchError.transient`
 * decides. Sleep and randomness are injectable for tests.
 */
import { FetchError, type FetchRequest, type FetchResponse } from "../types.js";

export interface RetryInfo {
  url: string;
  /** The retry about to be made: 1 for the first. */
  attempt: number;
  /** How long it waits first. */
  delayMs: number;
  /** True when the wait comes from Retry-After. */
  retryAfter: boolean;
  error: FetchError;
}

export interface RetryPolicy {
  /** Retries after the first attempt; default 3. */
  retries?: number;
  /** Backoff base; default 1000 ms. */
  baseMs?: number;
  /** Backoff ceiling; default 60 000 ms. */
  maxMs?: number;
  /** Longest Retry-After honoured; longer gives up with the error. Default 10 min. */
  maxRetryAfterMs?: number;
  /** Default: a timer, cut short by the request's signal. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Default Math.random. */
  random?: () => number;
  onRetry?: (info: RetryInfo) => void;
}

/** Full-jitter backoff before retry `attempt` (1-based). */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, "baseMs" | "maxMs" | "random"> = {}): number {
  const base = policy.baseMs ?? 1000;
  const max = policy.maxMs ?? 60_000;
  const ceiling = Math.min(max, base * 2 ** (attempt - 1));
  return Math.floor((policy.random ?? Math.random)() * ceiling);
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const reason = () => signal?.reason ?? new DOMException("The operation was aborted", "AbortError");
    if (signal?.aborted) return reject(reason());
    const onAbort = () => {
      clearTimeout(timer);
      reject(reason());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** `fetch(req)`, retried as the policy and the error allow; the last error is thrown. */
export async function fetchWithRetry(fetch: (req: FetchRequest) => Promise<FetchResponse>, req: FetchRequest, policy: RetryPolicy = {}): Promise<FetchResponse> {
  const retries = policy.retries ?? 3;
  const maxRetryAfterMs = policy.maxRetryAfterMs ?? 10 * 60_000;
  const sleep = policy.sleep ?? abortableSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(req);
    } catch (error) {
      if (!(error instanceof FetchError) || !error.transient || attempt > retries || req.signal?.aborted) throw error;
      const retryAfter = error.retryAfterMs !== undefined;
      if (retryAfter && (error.retryAfterMs as number) > maxRetryAfterMs) throw error;
      const delayMs = retryAfter ? (error.retryAfterMs as number) : backoffDelay(attempt, policy);
      policy.onRetry?.({ url: req.url, attempt, delayMs, retryAfter, error });
      await sleep(delayMs, req.signal);
    }
  }
}
