/**
 * `nianbao worker --sink postgres`: each finished record goes into PostgreSQL as its job
 * completes — the export's tables and rows, as idempotently — with real workers on a
 * redis-server of the test's own (tests/redis-server.ts) and the machine's PostgreSQL
 * (tests/postgres.ts, a database per test). A database that goes away fails the job for
 * a retry, not for good, and the record lands when it is back; a worker whose database
 * cannot be reached at start exits 15.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { organKey } from "../src/export/organ.js";
import { PostgresRecords } from "../src/export/postgres/records.js";
import { cellRows } from "../src/export/table.js";
import { createLogger } from "../src/log.js";
import type { ReportRecord } from "../src/model/record.js";
import { sha256Of } from "../src/store/local.js";
import { FIXTURES, freePort, ROOT, tempDir } from "./helpers.js";
import { Relay, TestPostgres } from "./postgres.js";
import { RedisServer } from "./redis-server.js";

const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const TEXT = join(FIXTURES, "jixian-2020.txt");
const HTML = join(FIXTURES, "generated", "yunxi-2023.html");
/** Generous: a worker's start and a text job take seconds; this machine may be busy. */
const WAIT_MS = Number(process.env.WAIT_MS ?? 90_000);

const base = tempDir("worker-sink-");
mkdirSync(join(base, "redis"));
const redis = await RedisServer.start(join(base, "redis"));
const server = await TestPostgres.connect();
const relays: Relay[] = [];

interface Running {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}
const running: Running[] = [];

function cli(command: string, args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/index.ts"), command, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout!.on("data", (c: Buffer) => (log += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (log += c.toString()));
  const r = { child, log: () => log, exited: new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code))) };
  running.push(r);
  return r;
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, log?: () => string, ms = WAIT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${log ? `; the log:\n${log().slice(-4000)}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function env(name: string): NodeJS.ProcessEnv {
  return { REDIS_URL: redis.url, DATA_DIR: join(base, name), NIANBAO_QUEUE_PREFIX: name, NIANBAO_BACKOFF_MS: "300", NIANBAO_ATTEMPTS: "8", LOG_LEVEL: "info", NIANBAO_SINK: "", DATABASE_URL: "" };
}

function storedRecord(name: string, file: string): ReportRecord {
  const sha = sha256Of(readFileSync(file));
  return JSON.parse(readFileSync(join(base, name, "records", VERSION, sha.slice(0, 2), `${sha}.json`), "utf8")) as ReportRecord;
}

async function reportCount(url: string): Promise<number> {
  const client = await TestPostgres.client(url);
  try {
    return (await client.query("SELECT count(*)::int AS n FROM reports").catch(() => ({ rows: [{ n: 0 }] }))).rows[0]!.n as number;
  } finally {
    await client.end();
  }
}

afterEach(async () => {
  for (const r of running.splice(0)) {
    if (r.child.exitCode === null) r.child.kill("SIGKILL");
    await r.exited;
  }
  for (const relay of relays.splice(0)) await relay.down();
});

afterAll(async () => {
  await redis.down();
  await server.close();
});

describe("worker --sink postgres", () => {
  it("puts each finished record into the database as its job completes, as the export would, and again changes nothing", async () => {
    const url = await server.createDatabase();
    const e = env("sink");
    const worker = cli("worker", ["--sink", "postgres", "--database-url", url], e);
    await waitFor(() => worker.log().includes("worker started"), "the worker to start");
    const ingest = cli("ingest", [TEXT, HTML], e);
    expect(await ingest.exited).toBe(0);
    await waitFor(async () => (await reportCount(url)) === 2, "two reports in the database");

    const client = await TestPostgres.client(url);
    try {
      for (const file of [TEXT, HTML]) {
        const record = storedRecord("sink", file);
        const { rows } = await client.query("SELECT id, organ_key, extractor_version, record, other_sources FROM reports WHERE sha256 = $1", [record.source.sha256]);
        expect(rows).toHaveLength(1);
        const { provenance: _provenance, ...rest } = record;
        expect(rows[0].record).toEqual(JSON.parse(JSON.stringify(rest)));
        expect(rows[0].extractor_version).toBe(VERSION);
        expect(rows[0].organ_key).toBe(organKey(record.meta.organ));
        expect(rows[0].other_sources).toEqual([]);
        const cells = await client.query("SELECT path, value::text AS value, value_text FROM report_cells WHERE report_id = $1", [rows[0].id]);
        const expected = cellRows({ record, organKey: organKey(record.meta.organ), sources: [] });
        expect(cells.rows.map((c) => [c.path, c.value_text ?? (c.value === null ? null : Number(c.value))]).sort()).toEqual(expected.map((c) => [c.path, c.value]).sort());
      }
      // The same record loaded again (a retried job, a second worker) writes nothing.
      const versions = async () => (await client.query("SELECT sha256, xmin::text, loaded_at FROM reports ORDER BY sha256")).rows;
      const before = await versions();
      const sink = new PostgresRecords(url, createLogger({}, "silent"));
      await sink.put(storedRecord("sink", TEXT));
      await sink.close();
      expect(await versions()).toEqual(before);
    } finally {
      await client.end();
    }
    expect(worker.log()).toMatch(/"sink":"postgres"/);
  }, 3 * WAIT_MS);

  it("fails a job for a retry while the database is away, keeps the record, and loads it when the database is back", async () => {
    const url = await server.createDatabase();
    const relay = await Relay.start();
    relays.push(relay);
    const e = env("away");
    const worker = cli("worker", ["--sink", "postgres", "--database-url", relay.through(url)], e);
    await waitFor(() => worker.log().includes("worker started"), "the worker to start");
    await relay.down();
    const ingest = cli("ingest", ["--no-wait", TEXT], e);
    expect(await ingest.exited).toBe(0);
    await waitFor(() => worker.log().split("\n").some((line) => line.includes('"msg":"document failed"') && /PostgreSQL at .* cannot be reached/.test(line)), "the job to fail while the database is away", worker.log);
    // Failed for a retry, not for good; the record is in the store already.
    expect(worker.log()).not.toMatch(/UnrecoverableError/);
    expect(storedRecord("away", TEXT).source.sha256).toBe(sha256Of(readFileSync(TEXT)));
    expect(await reportCount(url)).toBe(0);
    await relay.up();
    await waitFor(async () => (await reportCount(url)) === 1, "the record in the database after the retry");
    await waitFor(() => worker.log().includes("document done"), "the job to complete");
  }, 3 * WAIT_MS);

  it("exits 15 at start when its database cannot be reached", async () => {
    const port = await freePort();
    const worker = cli("worker", ["--sink", "postgres", "--database-url", `postgres://postgres:pw@127.0.0.1:${port}/nianbao`], env("unreachable"));
    expect(await worker.exited).toBe(15);
    expect(worker.log()).toMatch(/DATABASE_UNAVAILABLE/);
    expect(worker.log()).toContain(`127.0.0.1:${port}`);
    expect(worker.log()).not.toMatch(/\n\s+at /);
    expect(worker.log()).not.toContain(":pw@");
  }, WAIT_MS);
});
