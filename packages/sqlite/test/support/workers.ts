import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { WorkerBatch, WorkerTask } from "./worker-protocol.js";

const here = dirname(fileURLToPath(import.meta.url));
const workerScript = join(here, "append-worker.ts");

/** tsx is installed for the demo workspace package; children load TypeScript through its loader. */
function tsxLoader(): string {
  const fromDemo = createRequire(join(here, "../../../../examples/demo/package.json"));
  const packageJson = fromDemo.resolve("tsx/package.json");
  return pathToFileURL(join(dirname(packageJson), "dist/loader.mjs")).href;
}

interface Running {
  child: ChildProcess;
  ready: Promise<void>;
  done: Promise<WorkerBatch[]>;
}

function start(task: WorkerTask, loader: string): Running {
  const child = spawn(process.execPath, ["--import", loader, workerScript, JSON.stringify(task)], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    if (stdout.startsWith("ready\n")) markReady();
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const done = new Promise<WorkerBatch[]>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      markReady();
      if (code !== 0) return reject(new Error(`worker ${task.worker} exited with ${code}: ${stderr}`));
      const last = stdout.trim().split("\n").pop() ?? "";
      resolve(JSON.parse(last) as WorkerBatch[]);
    });
  });
  return { child, ready, done };
}

/**
 * Runs one child process per task. All of them are loaded and waiting before any is told to go,
 * so they open the database and write at the same time.
 */
export async function runWorkers(tasks: WorkerTask[]): Promise<WorkerBatch[][]> {
  const loader = tsxLoader();
  const running = tasks.map((task) => start(task, loader));
  await Promise.all(running.map((r) => r.ready));
  for (const r of running) r.child.stdin?.end("go\n");
  return Promise.all(running.map((r) => r.done));
}
