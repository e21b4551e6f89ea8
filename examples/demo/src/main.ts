import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { type Chat, createChat, say } from "./chain.js";
import { createChatModel } from "./model.js";
import { DEFAULT_STORE, openStore, parseStoreSpec } from "./stores.js";

const USAGE = `Usage: pnpm demo [--store sqlite:<path.db> | file:<directory>] [--session <id>] [--user <id>]
                 [--window <n>] [--say "<message>" ...]

  --store    where the conversation is kept (default ${DEFAULT_STORE})
  --session  session id (default "demo")
  --user     user id the session belongs to (optional)
  --window   how many stored messages go to the model each turn (default 40)
  --say      one turn; repeat for several. Without it the demo is interactive ("exit" or Ctrl-D ends it).`;

interface Args {
  store: string;
  session: string;
  user?: string | undefined;
  window: number;
  say: string[];
}

function readArgs(argv: string[]): Args | undefined {
  // `pnpm demo -- --say hi` hands the `--` on; `pnpm demo --say hi` does not. Accept both.
  const args = argv[0] === "--" ? argv.slice(1) : argv;
  const { values } = parseArgs({
    args,
    options: {
      store: { type: "string", default: DEFAULT_STORE },
      session: { type: "string", default: "demo" },
      user: { type: "string" },
      window: { type: "string", default: "40" },
      say: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return undefined;
  const window = Number(values.window);
  if (!Number.isSafeInteger(window) || window < 1)
    throw new Error(`--window must be a positive integer, got ${values.window}`);
  return { store: values.store, session: values.session, user: values.user, window, say: values.say ?? [] };
}

async function interactive(chat: Chat, sessionId: string): Promise<void> {
  // Piped input gets no prompt; its lines are echoed instead so the transcript reads like a chat.
  const typed = process.stdin.isTTY === true;
  const lines = createInterface({ input: process.stdin, output: process.stdout, terminal: typed });
  lines.setPrompt("you> ");
  if (typed) lines.prompt();
  for await (const line of lines) {
    const input = line.trim();
    if (input === "exit" || input === "quit") break;
    if (input !== "") {
      if (!typed) console.log(`you> ${input}`);
      console.log(`ai>  ${await say(chat, sessionId, input)}`);
    }
    if (typed) lines.prompt();
  }
  lines.close();
}

async function main(): Promise<void> {
  const args = readArgs(process.argv.slice(2));
  if (!args) {
    console.log(USAGE);
    return;
  }
  // pnpm runs the script from examples/demo; INIT_CWD is where the command was typed.
  const baseDir = process.env.INIT_CWD || process.cwd();
  const { store, label } = await openStore(parseStoreSpec(args.store, baseDir));
  try {
    const { model, label: modelLabel } = createChatModel();
    const chat = createChat({ store, model, userId: args.user, window: args.window });
    const stored = await store.count({ sessionId: args.session, userId: args.user });

    console.log(`store:   ${label}`);
    console.log(
      `session: ${JSON.stringify(args.session)}${args.user === undefined ? "" : ` of user ${JSON.stringify(args.user)}`}`,
    );
    console.log(`model:   ${modelLabel}`);
    console.log(`window:  the newest ${args.window} stored messages go to the model each turn`);
    console.log(`history: ${stored} message${stored === 1 ? "" : "s"} already stored in this session`);

    if (args.say.length === 0) {
      await interactive(chat, args.session);
      return;
    }
    for (const input of args.say) {
      console.log(`you> ${input}`);
      console.log(`ai>  ${await say(chat, args.session, input)}`);
    }
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `error: ${error.message}` : error);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) console.error("run with --help for usage");
  process.exitCode = 1;
});
