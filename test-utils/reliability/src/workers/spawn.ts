import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { ACK_PREFIX, type Ack, DONE_LINE, GO_LINE, READY_LINE, TASK_ENV, type WorkerTask } from "./protocol.js";

const TSX = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
const APPEND_WORKER = fileURLToPath(new URL("./append-worker.ts", import.meta.url));

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Parent side of one append worker. */
export class WorkerHandle {
  readonly acks: Ack[] = [];
  readonly exited: Promise<WorkerExit>;
  readonly #child: ChildProcess;
  readonly #ready: Promise<void>;
  #sawDone = false;
  #stderr = "";
  #exit: WorkerExit | undefined;
  #ackWaiters: Array<() => void> = [];

  constructor(readonly task: WorkerTask) {
    // tsx runs the script in a child node process of its own: the worker gets its own process
    // group so that a kill reaches the process that actually writes, not only tsx.
    this.#child = spawn(TSX, [APPEND_WORKER], {
      env: { ...process.env, [TASK_ENV]: JSON.stringify(task) },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    live.add(this);
    this.#child.stderr?.on("data", (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString("utf8")).slice(-4000);
    });
    // A worker killed before it read "go" makes our write fail with EPIPE; that is expected.
    this.#child.stdin?.on("error", () => undefined);
    // 'close' (not 'exit'): every line the worker wrote has been read by then.
    this.exited = new Promise((resolve) => {
      this.#child.on("close", (code, signal) => {
        this.#exit = { code, signal };
        live.delete(this);
        resolve(this.#exit);
      });
    });
    let markReady: () => void = () => undefined;
    this.#ready = new Promise((resolve) => (markReady = resolve));
    const lines = createInterface({ input: this.#child.stdout! });
    lines.on("line", (line) => {
      if (line === READY_LINE) markReady();
      else if (line === DONE_LINE) this.#sawDone = true;
      else if (line.startsWith(ACK_PREFIX)) {
        this.acks.push(JSON.parse(line.slice(ACK_PREFIX.length)) as Ack);
        for (const wake of this.#ackWaiters.splice(0)) wake();
      }
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Resolves once the worker's store is open; rejects if it exits first or takes longer than `timeoutMs`. */
  async ready(timeoutMs: number): Promise<void> {
    const outcome = await Promise.race([
      this.#ready.then(() => "ready" as const),
      this.exited.then(() => "exited" as const),
      delay(timeoutMs).then(() => "timeout" as const),
    ]);
    if (outcome !== "ready") throw new Error(`worker ${this.task.worker} never got ready (${outcome}): ${this.stderr}`);
  }

  /** Resolves true once the worker has acknowledged `count` appends; false if it exits first or time runs out. */
  async untilAcks(count: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.acks.length < count) {
      const left = deadline - Date.now();
      if (this.#exit || left <= 0) return false;
      await Promise.race([new Promise<void>((wake) => this.#ackWaiters.push(wake)), this.exited, delay(left)]);
    }
    return true;
  }

  go(): void {
    this.#child.stdin?.write(`${GO_LINE}\n`);
  }

  /** Resolves when the worker ran its whole plan and exited cleanly; rejects on failure or after `timeoutMs`. */
  async finished(timeoutMs: number): Promise<void> {
    const exit = await Promise.race([this.exited, delay(timeoutMs).then(() => undefined)]);
    if (!exit) {
      this.kill();
      throw new Error(`worker ${this.task.worker} still running after ${timeoutMs} ms (${this.acks.length} acks)`);
    }
    if (exit.code !== 0 || !this.#sawDone) {
      throw new Error(`worker ${this.task.worker} exited with ${exit.code ?? exit.signal}: ${this.stderr}`);
    }
  }

  /** SIGKILL to the worker's whole process group (tsx and the script it runs). */
  kill(): void {
    if (this.#exit || this.#child.pid === undefined) return;
    try {
      process.kill(-this.#child.pid, "SIGKILL");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
  }

  get stderr(): string {
    return this.#stderr.trim();
  }
}

const live = new Set<WorkerHandle>();

export function startWorker(task: WorkerTask): WorkerHandle {
  return new WorkerHandle(task);
}

/** Kills every worker still running (for afterEach) and waits until they are gone. */
export async function killLeftoverWorkers(): Promise<number> {
  const leftovers = [...live];
  for (const worker of leftovers) worker.kill();
  await Promise.all(leftovers.map((worker) => worker.exited));
  return leftovers.length;
}

/** Waits until every worker is ready, then releases them together so their appends overlap. */
export async function startTogether(workers: readonly WorkerHandle[], timeoutMs: number): Promise<void> {
  await Promise.all(workers.map((worker) => worker.ready(timeoutMs)));
  for (const worker of workers) worker.go();
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
