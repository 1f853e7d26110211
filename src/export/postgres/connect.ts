/**
 * Connecting to PostgreSQL: the connection string (DATABASE_URL, else libpq's PG*
 * variables and defaults, as `pg` reads them), a description of the target that names
 * host, port, database and user but never a password, and the mapping of what goes wrong
 * on the way to `DATABASE_UNAVAILABLE` (exit 15) — refused, unreachable, timed out,
 * authentication failed, no such database, the server shutting down or the connection
 * lost mid-load. Anything else the server says (an SQL error) is a defect and stays
 * what it is.
 */
import pg from "pg";
import { PipelineError, isPipelineError } from "../../errors.js";

/** How long a connection attempt may take before the database counts as unreachable. */
export const CONNECT_TIMEOUT_MS = 10_000;

export interface ConnectionTarget {
  /** The connection string; undefined: libpq's environment (PGHOST, PGPORT …) and defaults. */
  url: string | undefined;
  /** `user@host:port/database`, for messages and logs (no password). */
  display: string;
}

/** The connection string to use: the one given, else DATABASE_URL, else none (pg's defaults). */
export function connectionTarget(url: string | undefined, env: NodeJS.ProcessEnv = process.env): ConnectionTarget {
  const chosen = url || env.DATABASE_URL || undefined;
  // pg resolves the parameters the same way for a client it creates; a throwaway one tells us where it would go.
  let display: string;
  try {
    const probe = new pg.Client(clientConfig(chosen));
    const host = probe.host.startsWith("/") ? `${probe.host} (socket)` : probe.host;
    display = `${probe.user ?? "?"}@${host}:${probe.port}/${probe.database ?? "?"}`;
  } catch (error) {
    throw new PipelineError("DATABASE_UNAVAILABLE", `the PostgreSQL connection string cannot be read (${messageOf(error)})`);
  }
  return { url: chosen, display };
}

export function clientConfig(url: string | undefined): pg.ClientConfig {
  return {
    ...(url ? { connectionString: url } : {}),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: "nianbao",
  };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message || error.name : String(error));

/** SQLSTATE classes and codes that mean "the database is not there for us" rather than "our SQL is wrong". */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P|28|3D000)/;
const UNAVAILABLE_ERRNO = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ENOENT"]);

/** Whether an error from `pg` means the database cannot be reached or used (rather than a bug). */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) return true;
  // AggregateError of several addresses (localhost → ::1 and 127.0.0.1), each refused.
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  return /Connection terminated|connection timeout|timeout expired|Client was closed|Connection ended|not queryable/i.test(error.message);
}

/** The error as `DATABASE_UNAVAILABLE` when it is one (a short reason, no stack), else as it was. */
export function databaseError(error: unknown, target: ConnectionTarget, doing: string): unknown {
  if (isPipelineError(error) || !isUnavailable(error)) return error;
  let reason = messageOf(error);
  if (error instanceof AggregateError && error.errors.length > 0) reason = [...new Set(error.errors.map(messageOf))].join("; ");
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && !reason.includes(code)) reason = `${reason} (${code})`;
  return new PipelineError("DATABASE_UNAVAILABLE", `PostgreSQL at ${target.display} ${doing}: ${reason}`, { cause: error });
}

/** A connected client, or DATABASE_UNAVAILABLE naming where it tried. */
export async function connect(target: ConnectionTarget): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(target.url));
  // An error on an idle connection (the server restarting) must not crash the process:
  // the next query on it fails, and that failure is reported where it happens.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    // Whatever stops a connection — refused, timed out, authentication, no such database — is "unavailable".
    const mapped = databaseError(error, target, "cannot be reached");
    throw mapped instanceof PipelineError ? mapped : new PipelineError("DATABASE_UNAVAILABLE", `PostgreSQL at ${target.display} refused the connection: ${messageOf(error)}`, { cause: error });
  }
  return client;
}
