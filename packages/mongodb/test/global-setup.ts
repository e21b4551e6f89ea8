import { mongoEmulatorAvailable, startMongoEmulator } from "@chat-history/mongo-emulator";
import { isRequired, resolveService } from "@chat-history/test-services";
import type { TestProject } from "vitest/node";
import { MONGODB_SERVICE, type MongoService } from "./service.js";

const ENV_VAR = "CHAT_HISTORY_TEST_MONGODB_URL";

async function startContainer() {
  const { MongoDBContainer } = await import("@testcontainers/mongodb");
  const container = await new MongoDBContainer("mongo:7").start();
  // A single-node replica set whose member name only resolves inside the container: connect directly.
  const url = new URL(container.getConnectionString());
  url.searchParams.set("directConnection", "true");
  return { url: url.toString(), stop: async () => void (await container.stop()) };
}

/**
 * Finds a MongoDB for the run: CHAT_HISTORY_TEST_MONGODB_URL, else a mongo:7 container, else the
 * wire-protocol emulator (mockupdb + mongomock), else a skip, or a failure when CHAT_HISTORY_REQUIRE names mongodb.
 */
async function resolveMongo(): Promise<{ service: MongoService; stop?: () => Promise<void> }> {
  // The emulator still counts when mongodb is required, so the requirement is checked after it, not inside.
  const resolved = await resolveService(
    { name: "mongodb", envVar: ENV_VAR, startContainer },
    { ...process.env, CHAT_HISTORY_REQUIRE: "" },
  );
  if (!("skip" in resolved))
    return { service: { url: resolved.url, skip: "", source: resolved.source }, stop: resolved.stop };
  if (mongoEmulatorAvailable()) {
    const started = await startMongoEmulator();
    return { service: { url: started.url, skip: "", source: "emulator" }, stop: started.stop };
  }
  const reason = `mongodb: set ${ENV_VAR}, start a container runtime, or apt-get install python3-mockupdb python3-mongomock`;
  if (isRequired("mongodb")) throw new Error(`${reason} (required by CHAT_HISTORY_REQUIRE)`);
  return { service: { url: "", skip: reason, source: "none" } };
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const { service, stop } = await resolveMongo();
  const where = service.source === "emulator" ? "the mockupdb + mongomock emulator" : service.source;
  console.log(
    service.skip ? `[mongodb] skipped: ${service.skip}` : `[mongodb] testing against ${where} (${service.url})`,
  );
  project.provide(MONGODB_SERVICE, service);
  return stop;
}
