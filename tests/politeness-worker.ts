/**
 * A worker process for tests/crawl-politeness.test.ts: takes hosts through a
 * RedisHostGate of its own connections, like a crawl worker on another machine.
 *
 * One argument, JSON (WorkerConfig). It connects, prints `ready`, waits for `go` on
 * stdin, then:
 * - mode "loop": for every connection and every host at once, `rounds` times: acquire
 *   the host, GET its URL (the test's server logs arrivals and ends with its own clock),
 *   release. Prints `done <n>` with the number of requests made, and exits.
 * - mode "hold": acquires the first host, prints `held <acquiredAt>` and keeps the lease
 *   (renewing it) until it is killed.
 */
import { createInterface } from "node:readline";
import { Redis } from "ioredis";
import { RedisHostGate } from "../src/crawl/politeness/host-gate.js";

export interface WorkerConfig {
  redisUrl: string;
  prefix: string;
  intervalMs: number;
  leaseTtlMs?: number;
  mode: "loop" | "hold";
  /** Gate key and URL of each host. */
  hosts: { host: string; url: string }[];
  rounds: number;
  /** Separate ioredis connections (each with its own gate) in this process. */
  connections: number;
  /** Names this worker in the server's log. */
  name: string;
}

const config = JSON.parse(process.argv[2] ?? "{}") as WorkerConfig;
const clients = Array.from({ length: config.connections }, () => new Redis(config.redisUrl, { maxRetriesPerRequest: 3 }));
const gates = clients.map((redis) => new RedisHostGate({ redis, prefix: config.prefix, ...(config.leaseTtlMs ? { leaseTtlMs: config.leaseTtlMs } : {}) }));
await Promise.all(clients.map((c) => c.ping()));

const lines = createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => lines.on("line", (line) => line.trim() === "go" && resolve()));
process.stdout.write("ready\n");
await go;

if (config.mode === "hold") {
  const first = config.hosts[0]!;
  const lease = await gates[0]!.acquire(first.host, config.intervalMs);
  process.stdout.write(`held ${lease.acquiredAt}\n`);
  setInterval(() => undefined, 60_000); // kept alive (and renewing) until killed
} else {
  let made = 0;
  await Promise.all(
    gates.flatMap((gate, c) =>
      config.hosts.map(async ({ host, url }) => {
        for (let round = 0; round < config.rounds; round++) {
          const lease = await gate.acquire(host, config.intervalMs);
          try {
            const response = await fetch(`${url}?who=${config.name}-${c}&round=${round}`);
            await response.arrayBuffer();
            made++;
          } finally {
            await lease.release();
          }
        }
      }),
    ),
  );
  process.stdout.write(`done ${made}\n`);
  lines.close();
  await Promise.all(clients.map((c) => c.quit()));
  process.exit(0);
}
