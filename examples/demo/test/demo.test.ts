import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, it } from "vitest";

const demoDir = fileURLToPath(new URL("..", import.meta.url));
const tsx = join(demoDir, "node_modules", ".bin", "tsx");
const scratch = mkdtempSync(join(tmpdir(), "chat-history-demo-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the demo as a fresh process, the way a restart would, offline and with a known INIT_CWD. */
async function runDemo(args: string[], initCwd = scratch): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, INIT_CWD: initCwd };
  delete env.OPENAI_API_KEY;
  const { stdout } = await promisify(execFile)(tsx, ["src/main.ts", ...args], { cwd: demoDir, env, timeout: 30_000 });
  return stdout;
}

/** The interactive loop, fed through a pipe; resolves its output once stdin's EOF ends it. */
function chatThroughStdin(args: string[], lines: string[]): Promise<{ code: number | null; stdout: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, INIT_CWD: scratch };
  delete env.OPENAI_API_KEY;
  const child = spawn(tsx, ["src/main.ts", ...args], { cwd: demoDir, env, stdio: ["pipe", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stdin.end(lines.map((line) => `${line}\n`).join(""));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout }));
  });
}

describe.concurrent("demo across restarts", () => {
  it("sqlite: a second run answers from the first run's history, interactively too", async ({ expect }) => {
    // Relative to INIT_CWD, with the `--` that `pnpm demo -- ...` passes on.
    const first = await runDemo(["--", "--store", "sqlite:./nested/chat.db", "--say", "my name is Ada"]);
    expect(first).toContain("history: 0 messages already stored");
    expect(first).toContain("ai>  Nice to meet you, Ada.");
    expect(existsSync(join(scratch, "nested", "chat.db"))).toBe(true);

    const store = `sqlite:${join(scratch, "nested", "chat.db")}`;
    const second = await chatThroughStdin(
      ["--store", store],
      ["what is my name?", "", "how many messages?", "exit", "my name is Never"],
    );
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("history: 2 messages already stored");
    expect(second.stdout).toContain("ai>  Your name is Ada.");
    expect(second.stdout).toContain("ai>  I was handed 4 earlier messages (2 from you) before this one.");
    expect(second.stdout).not.toContain("Never");
  });

  it("file: a second run answers from history, per user and session", async ({ expect }) => {
    const store = `file:${join(scratch, "files")}`;
    const session = ["--user", "u1", "--session", "trip/../2026 ✈"];
    const first = await runDemo(["--store", store, ...session, "--say", "my name is Grace", "--say", "hello"]);
    expect(first).toContain("ai>  Nice to meet you, Grace.");

    const second = await runDemo([
      "--store",
      store,
      ...session,
      "--window",
      "4",
      "--say",
      "what is my name?",
      "--say",
      "how many messages?",
    ]);
    expect(second).toContain("history: 4 messages already stored");
    expect(second).toContain("ai>  Your name is Grace.");
    // The window of 4 is read in the store: the model sees only the newest four of six.
    expect(second).toContain("ai>  I was handed 4 earlier messages (2 from you) before this one.");

    const otherUser = await runDemo([
      "--store",
      store,
      "--user",
      "u2",
      "--session",
      "trip/../2026 ✈",
      "--say",
      "what is my name?",
    ]);
    expect(otherUser).toContain("history: 0 messages already stored");
    expect(otherUser).toContain("ai>  I don't know your name yet.");
  });
});
