import { Redis } from "ioredis";
import { HumanMessage } from "@langchain/core/messages";
import { afterEach, describe, expect, inject, it } from "vitest";
import { RedisChatHistoryStore, RedisChatMessageHistory } from "../src/index.js";
import { sessionKeys } from "../src/keys.js";
import { dropPrefix, unique } from "./helpers.js";

const { url, skip } = inject("redis");

/** Connections the server sees with this client name (other test files share the server). */
async function connectionsNamed(admin: Redis, name: string): Promise<number> {
  const list = await admin.client("LIST");
  return String(list)
    .split("\n")
    .filter((line) => line.includes(` name=${name} `)).length;
}

/** TCP sockets this process holds: catches a connection opened under any name. */
function openSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length;
}

async function until(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

describe.skipIf(skip)("redis: connection ownership", () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  function userClient(name: string): Redis {
    const client = new Redis(url, { connectionName: name, maxRetriesPerRequest: 2 });
    cleanup.push(() => client.quit());
    return client;
  }

  it("never closes a client it was given", async () => {
    const client = userClient(unique("user"));
    const prefix = unique("own");
    cleanup.push(() => dropPrefix(client, prefix));
    const store = new RedisChatHistoryStore({ client, prefix });
    await store.append({ sessionId: "s" }, ['"x"']);
    const history = new RedisChatMessageHistory({ sessionId: "h", client, prefix });
    await history.addMessage(new HumanMessage("hi"));
    await store.close();
    await history.close();
    expect(client.status).toBe("ready");
    expect(await client.ping()).toBe("PONG");
    expect(await client.llen(sessionKeys(prefix, { sessionId: "s" }).msgs)).toBe(1);
  });

  it("runs 1,000 histories over one store without opening a connection", async () => {
    const name = unique("shared");
    const client = userClient(name);
    const admin = userClient(unique("admin"));
    const prefix = unique("own");
    cleanup.push(() => dropPrefix(admin, prefix));
    const store = new RedisChatHistoryStore({ client, prefix });
    await client.ping();
    await admin.ping();
    const before = { server: await connectionsNamed(admin, name), sockets: openSockets() };
    expect(before.server).toBe(1);
    const histories = Array.from({ length: 1000 }, (_, i) => store.history(`session-${i}`));
    await Promise.all(histories.map((h, i) => h.addMessage(new HumanMessage(`m${i}`))));
    expect(await Promise.all(histories.map((h) => h.count()))).toEqual(histories.map(() => 1));
    expect(await connectionsNamed(admin, name)).toBe(before.server);
    expect(openSockets()).toBe(before.sockets);
    await store.close();
    expect(client.status).toBe("ready");
  });

  it("quits the connection it opened from a url", async () => {
    const name = unique("owned");
    const admin = userClient(unique("admin"));
    const prefix = unique("own");
    cleanup.push(() => dropPrefix(admin, prefix));
    const store = new RedisChatHistoryStore({ url, prefix, redisOptions: { connectionName: name } });
    await store.append({ sessionId: "s" }, ['"x"']);
    expect(await connectionsNamed(admin, name)).toBe(1);
    await store.close();
    expect(store.client.status).toBe("end");
    expect(await until(async () => (await connectionsNamed(admin, name)) === 0)).toBe(true);
  });
});
