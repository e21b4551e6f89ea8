#!/usr/bin/env node
// Installs the packed tarballs the way a user would, one fresh project per adapter, and runs a short ESM
// script and a CJS script against each: store three messages, read a window of two back, delete the session.
//
//   node scripts/smoke-packed.mjs [file sqlite postgres redis mongodb]
//
// Each project gets core + one adapter (tarballs) + that backend's driver + @langchain/core from the npm
// registry, and is then checked to hold no other backend's driver. Driver versions are the ones the workspace
// tests run against, so npm's cache (one cache for every project) usually answers without the network.
// PostgreSQL and Redis come from CHAT_HISTORY_TEST_POSTGRES_URL / CHAT_HISTORY_TEST_REDIS_URL (scripts/services.sh
// prints them); MongoDB from CHAT_HISTORY_TEST_MONGODB_URL, else the emulator in test-utils/mongo-emulator.
// A backend that cannot be reached fails the run: nothing is skipped.
// CHAT_HISTORY_SMOKE_PEERS=lowest installs the lowest version each peer range allows instead, to check the
// ranges' floors (slow: better-sqlite3 then compiles from source).
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { mapLimit, packAll, publicPackages, repoRoot } from "./lib/packages.mjs";

const run = promisify(execFile);
const typescriptCompiler = createRequire(join(repoRoot, "package.json")).resolve("typescript/bin/tsc");
const drivers = ["better-sqlite3", "pg", "ioredis", "mongodb"];

/** What each adapter's project installs and how its one-liner is built. `options` is source text. */
const adapters = {
  file: { driver: null, className: "FileChatMessageHistory", options: () => `{ directory: "./chats" }`, closes: false },
  sqlite: {
    driver: "better-sqlite3",
    types: "@types/better-sqlite3",
    className: "SqliteChatMessageHistory",
    options: () => `{ path: "./chat.db" }`,
  },
  postgres: {
    driver: "pg",
    types: "@types/pg",
    className: "PostgresChatMessageHistory",
    options: (url) => `{ connectionString: ${JSON.stringify(url)} }`,
    url: () => requiredEnv("CHAT_HISTORY_TEST_POSTGRES_URL"),
  },
  redis: {
    driver: "ioredis",
    className: "RedisChatMessageHistory",
    options: (url) => `{ url: ${JSON.stringify(url)}, prefix: "chsmoke" }`,
    url: () => requiredEnv("CHAT_HISTORY_TEST_REDIS_URL"),
  },
  mongodb: {
    driver: "mongodb",
    className: "MongoDBChatMessageHistory",
    options: (url) => `{ uri: ${JSON.stringify(url)}, dbName: "chat_history_smoke" }`,
    url: mongoUrl,
  },
};

const lowestPeers = process.env.CHAT_HISTORY_SMOKE_PEERS === "lowest";
const selected = process.argv.slice(2);
for (const name of selected) if (!(name in adapters)) throw new Error(`unknown adapter ${name}`);
const names = selected.length > 0 ? selected : Object.keys(adapters);

const started = Date.now();
const work = await mkdtemp(join(tmpdir(), "chat-history-smoke-"));
const cleanups = [];
let failures = 0;
try {
  const packages = publicPackages();
  await mkdir(join(work, "tarballs"));
  const tarballs = await packAll(packages, join(work, "tarballs"));
  // Two at a time: npm is mostly waiting on the cache and the network, the scripts on the servers.
  const results = await mapLimit(names, 2, (name) =>
    smoke(name, tarballs).then(
      (lines) => ({ name, lines }),
      (error) => ({ name, error }),
    ),
  );
  for (const { name, lines, error } of results) {
    if (error) {
      failures++;
      console.log(`FAILED ${name}\n${String(error.stack ?? error).replace(/^/gm, "    ")}`);
    } else {
      console.log(`ok     ${name}\n${lines.map((line) => `    ${line}`).join("\n")}`);
    }
  }
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  await rm(work, { recursive: true, force: true });
}
const seconds = ((Date.now() - started) / 1000).toFixed(0);
console.log(
  `smoke: ${names.length - failures} of ${names.length} adapters installed from tarballs and ran (ESM and CJS) in ${seconds} s`,
);
process.exitCode = failures > 0 ? 1 : 0;

async function smoke(name, tarballs) {
  const adapter = adapters[name];
  const pkgName = `@chat-history/${name}`;
  const project = join(work, name);
  await mkdir(project);
  await writeFile(
    join(project, "package.json"),
    `${JSON.stringify({ name: `smoke-${name}`, private: true }, null, 2)}\n`,
  );

  const adapterDir = join(repoRoot, "packages", name);
  const peerVersion = (dependency) =>
    lowestPeers ? lowestOf(adapterDir, dependency) : workspaceVersion(adapterDir, dependency);
  const specs = [
    tarballs.get("@chat-history/core"),
    tarballs.get(pkgName),
    `@langchain/core@${peerVersion("@langchain/core")}`,
  ];
  if (adapter.driver) specs.push(`${adapter.driver}@${peerVersion(adapter.driver)}`);
  // What a TypeScript user adds: the driver's types where it ships none, and Node's.
  for (const types of [adapter.types, "@types/node"].filter(Boolean)) {
    specs.push(`${types}@${workspaceVersion(adapterDir, types)}`);
  }
  // better-sqlite3 compiles from source when no prebuilt binary can be downloaded (minutes on 2 cores); the
  // workspace already compiled this very version for this Node, so its binary is reused (see reuseSqliteBinary).
  const reuseBinary = adapter.driver === "better-sqlite3" && !lowestPeers;
  const ignoreScripts = reuseBinary ? ["--ignore-scripts"] : [];
  await run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", ...ignoreScripts, ...specs],
    {
      cwd: project,
      env: { ...process.env, npm_config_nodedir: process.env.npm_config_nodedir ?? "/usr" },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  if (reuseBinary) await reuseSqliteBinary(adapterDir, project);

  const installed = await readdir(join(project, "node_modules"));
  const strays = drivers.filter((driver) => driver !== adapter.driver && installed.includes(driver));
  if (strays.length > 0) throw new Error(`${pkgName} pulled in other backends' drivers: ${strays.join(", ")}`);
  const ours = await readdir(join(project, "node_modules", "@chat-history"));
  if (ours.sort().join() !== ["core", name].sort().join())
    throw new Error(`unexpected @chat-history packages: ${ours.join(", ")}`);

  const url = adapter.url ? await adapter.url() : undefined;
  const lines = [`installed ${specs.map((spec) => (spec.endsWith(".tgz") ? spec.split("/").pop() : spec)).join(" ")}`];
  const scripts = [
    ["smoke.mjs", esmScript(pkgName, adapter, adapter.options(url))],
    ["smoke.cjs", cjsScript(pkgName, adapter, adapter.options(url))],
  ];
  for (const [file, source] of scripts) await writeFile(join(project, file), source);

  // The same two files, type-checked against the published declarations (.d.mts for the ESM one, .d.cts for
  // the CJS one) the way a strict TypeScript project would, library declarations included.
  await writeFile(join(project, "tsconfig.json"), JSON.stringify(consumerTsconfig(scripts.map(([file]) => file))));
  try {
    await run(process.execPath, [typescriptCompiler], { cwd: project });
  } catch (error) {
    throw new Error(`the published types do not check:\n${error.stdout}${error.stderr}`);
  }
  lines.push("tsc (strict, skipLibCheck off): smoke.mjs and smoke.cjs check");

  for (const [file] of scripts) {
    const { stdout } = await run(process.execPath, [file], { cwd: project, timeout: 60_000 });
    lines.push(`${file}: ${stdout.trim()}`);
  }
  return lines;
}

function consumerTsconfig(files) {
  return {
    compilerOptions: {
      module: "nodenext",
      moduleResolution: "nodenext",
      target: "es2022",
      strict: true,
      noEmit: true,
      allowJs: true,
      checkJs: true,
      skipLibCheck: false,
      types: ["node"],
    },
    files,
  };
}

/** The ten lines a user would write, as ESM. */
function esmScript(pkgName, { className, closes = true }, options) {
  return `import { ChatHistoryError } from "@chat-history/core";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { ${className} } from "${pkgName}";

const history = new ${className}({ sessionId: "smoke/esm:${randomBytes(4).toString("hex")} 🙂", window: 2, ...${options} });
await history.addMessages([new HumanMessage("hi"), new AIMessage("hello"), new HumanMessage("what is my name?")]);
const seen = (await history.getMessages()).map((m) => \`\${m.type}:\${m.content}\`).join(" | ");
if (seen !== "ai:hello | human:what is my name?" || (await history.count()) !== 3) throw new Error(\`read back: \${seen}\`);
const refused = await history.getPage({ limit: 0 }).catch((error) => error);
if (!(refused instanceof ChatHistoryError)) throw new Error(\`expected a ChatHistoryError, got \${refused}\`);
await history.delete();
${closes ? "await history.close();\n" : ""}console.log(\`read back "\${seen}"\`);
`;
}

/** The same, as CommonJS: proves the require() build and its copy of core work together. */
function cjsScript(pkgName, { className, closes = true }, options) {
  return `const { ChatHistoryError } = require("@chat-history/core");
const { AIMessage, HumanMessage } = require("@langchain/core/messages");
const { ${className} } = require("${pkgName}");

async function main() {
  const history = new ${className}({ sessionId: "smoke/cjs:${randomBytes(4).toString("hex")} 🙂", window: 2, ...${options} });
  await history.addMessages([new HumanMessage("hi"), new AIMessage("hello"), new HumanMessage("what is my name?")]);
  const seen = (await history.getMessages()).map((m) => \`\${m.type}:\${m.content}\`).join(" | ");
  if (seen !== "ai:hello | human:what is my name?" || (await history.count()) !== 3) throw new Error(\`read back: \${seen}\`);
  const refused = await history.getPage({ limit: 0 }).catch((error) => error);
  if (!(refused instanceof ChatHistoryError)) throw new Error(\`expected a ChatHistoryError, got \${refused}\`);
  await history.delete();
${closes ? "  await history.close();\n" : ""}  console.log(\`read back "\${seen}"\`);
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;
}

/** The exact version the workspace resolves for `dependency` from `packageDir`. */
function workspaceVersion(packageDir, dependency) {
  const manifest = createRequire(join(packageDir, "package.json")).resolve(`${dependency}/package.json`);
  return JSON.parse(readFileSync(manifest, "utf8")).version;
}

/** The floor of a peer range written as ">=X <Y". */
function lowestOf(packageDir, dependency) {
  const range = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")).peerDependencies[dependency];
  const floor = /^>=(\S+)/.exec(range);
  if (!floor) throw new Error(`cannot read the floor of ${dependency} ${range}`);
  return floor[1];
}

async function reuseSqliteBinary(adapterDir, project) {
  const built = join(
    dirname(createRequire(join(adapterDir, "package.json")).resolve("better-sqlite3/package.json")),
    "build",
    "Release",
    "better_sqlite3.node",
  );
  const target = join(project, "node_modules", "better-sqlite3", "build", "Release");
  if (existsSync(built)) {
    await mkdir(target, { recursive: true });
    await copyFile(built, join(target, "better_sqlite3.node"));
  } else {
    await run("npm", ["rebuild", "better-sqlite3"], {
      cwd: project,
      env: { ...process.env, npm_config_nodedir: "/usr" },
    });
  }
}

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: start the servers with eval "$(bash scripts/services.sh up)"`);
  return value;
}

/** CHAT_HISTORY_TEST_MONGODB_URL, or the emulator started for this run (stopped when the run ends). */
async function mongoUrl() {
  if (process.env.CHAT_HISTORY_TEST_MONGODB_URL) return process.env.CHAT_HISTORY_TEST_MONGODB_URL;
  const server = join(repoRoot, "test-utils", "mongo-emulator", "server.py");
  const child = spawn("/usr/bin/python3", [server, "0"], { stdio: ["ignore", "pipe", "pipe"] });
  cleanups.push(
    () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", resolve);
        child.kill("SIGTERM");
      }),
  );
  return await new Promise((resolve, reject) => {
    let output = "";
    let errors = "";
    const timer = setTimeout(() => reject(new Error(`the MongoDB emulator did not start in 15 s: ${errors}`)), 15_000);
    child.stderr.on("data", (chunk) => {
      errors += chunk;
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(
        new Error(`the MongoDB emulator exited (${code}); it needs python3-mockupdb and python3-mongomock: ${errors}`),
      );
    });
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const match = /^port (\d+)$/m.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve(`mongodb://127.0.0.1:${match[1]}/?directConnection=true`);
    });
  });
}
