/**
 * PostgreSQL for the tests: the machine's server (127.0.0.1:5432, trust auth — .ci/run
 * starts it when it is not running), each test in a database of its own, created from
 * the admin connection and dropped after. NIANBAO_TEST_DATABASE_URL names another admin
 * database. When no server answers, the suite fails at once with a message that says so.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import pg from "pg";
import { freePort } from "./helpers.js";

const ADMIN_URLS = process.env.NIANBAO_TEST_DATABASE_URL
  ? [process.env.NIANBAO_TEST_DATABASE_URL]
  : ["postgres://postgres@127.0.0.1:5432/test", "postgres://postgres@127.0.0.1:5432/postgres"];

async function tryConnect(url: string): Promise<pg.Client | Error> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    return error instanceof Error ? error : new Error(String(error));
  }
}

export class TestPostgres {
  private readonly created: string[] = [];

  private constructor(
    private readonly admin: pg.Client,
    private readonly adminUrl: string,
  ) {}

  /** Connects to the server, or fails with what to do about it. */
  static async connect(): Promise<TestPostgres> {
    const reasons: string[] = [];
    for (const url of ADMIN_URLS) {
      const result = await tryConnect(url);
      if (!(result instanceof Error)) return new TestPostgres(result, url);
      reasons.push(`${url}: ${result.message || (result as { code?: string }).code || result.name}`);
    }
    throw new Error(
      `PostgreSQL is needed by these tests and none answers (${reasons.join("; ")}). ` +
        "Start the machine's server (.ci/run does: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set NIANBAO_TEST_DATABASE_URL.",
    );
  }

  /** A new, empty database; its connection string. */
  async createDatabase(): Promise<string> {
    const name = `nianbao_test_${randomBytes(6).toString("hex")}`;
    await this.admin.query(`CREATE DATABASE ${name}`);
    this.created.push(name);
    const url = new URL(this.adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  }

  /** A client of one of the test's databases (closed by the caller). */
  static async client(url: string): Promise<pg.Client> {
    const client = await tryConnect(url);
    if (client instanceof Error) throw client;
    return client;
  }

  /** Drops every database this run created (connections to them are ended by force). */
  async close(): Promise<void> {
    for (const name of this.created.splice(0)) await this.admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await this.admin.end();
  }
}

/**
 * A TCP relay to the server that a test can take down (every connection through it cut,
 * new ones refused) and bring back on the same port: a database that goes away.
 */
export class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target = { host: "127.0.0.1", port: 5432 }): Promise<Relay> {
    const relay = new Relay(await freePort(), target);
    await relay.up();
    return relay;
  }

  /** The connection string of `url`'s database through the relay. */
  through(url: string): string {
    const u = new URL(url);
    u.host = `127.0.0.1:${this.port}`;
    return u.toString();
  }

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = tcpConnect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => undefined);
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
