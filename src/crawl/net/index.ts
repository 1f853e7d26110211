/** The crawler's network layer: the address guard, the safe fetcher, retries and page decoding. */
export { classifyAddress, createAddressGuard, isIpLiteral, type AddressAllow, type AddressClass, type AddressGuard, type AddressVerdict } from "./address.js";
export {
  createFetcher,
  defaultResolve,
  DEFAULT_MAX_BODY_BYTES,
  type ConnectTarget,
  type Connector,
  type Fetcher,
  type FetcherOptions,
  type ResolvedAddress,
  type Resolver,
} from "./fetch.js";
export { parseContentType, parseRetryAfter } from "./headers.js";
export { abortableSleep, backoffDelay, fetchWithRetry, type RetryInfo, type RetryPolicy } from "./retry.js";
export { decodePage } from "./charset.js";
