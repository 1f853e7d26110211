/**
 * A throwaway redis-server for the queue tests: its own free port and data directory,
 * append-only with fsync on every write (so a restart mid-run loses nothing), stopped
 * after. Fails with a clear message when redis-server is not installed.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { freePort } from "./helpers.js";

export function redisServerAvailable(): boolean {
  return spawnSync("redis-server", ["--version"]).status === 0;
}

export class RedisServer {
  private process: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(dir: string): Promise<RedisServer> {
    if (!redisServerAvailable()) throw new Error("redis-server is not installed: the queue tests start their own (apt-get install redis-server)");
    const server = new RedisServer(await freePort(), dir);
    await server.up();
    return server;
  }

  async up(): Promise<void> {
    const child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", this.dir], { stdio: "ignore" });
    this.process = child;
    // If the test process ends without stopping it (a failed collection, a crash), it goes too.
    const orphaned = () => child.kill("SIGKILL");
    process.once("exit", orphaned);
    child.once("exit", () => process.off("exit", orphaned));
    const client = new Redis(this.url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
    client.on("error", () => {}); // refused until the server is up: expected
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await client.connect().catch(() => {});
        if ((await client.ping()) === "PONG") break;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not start`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    client.disconnect();
  }

  /** Stops the server (SIGTERM: it writes its append-only file out) and waits for it to exit. */
  async down(): Promise<void> {
    const p = this.process;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once("exit", () => resolve());
      p.kill("SIGTERM");
    });
  }

  async restart(pauseMs = 500): Promise<void> {
    await this.down();
    await new Promise((r) => setTimeout(r, pauseMs));
    await this.up();
  }
}
