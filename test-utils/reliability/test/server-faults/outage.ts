import type { BaseChatHistoryStore } from "@chat-history/core";
import { expect } from "vitest";
import { type DurabilityReport, Workload, checkDurability, pause } from "./workload.js";

export interface Fault {
  /** Takes the server away (stop, kill, freeze); resolves once it is away. */
  down(): Promise<void> | void;
  /** Brings it back; resolves once it answers again. */
  up(): Promise<void> | void;
}

export interface OutageOutcome {
  workload: Workload;
  durability: DurabilityReport;
}

/**
 * Runs the workload on `store`, takes the server down while calls are in flight, keeps it down for
 * `downMs` (the outage itself, not a readiness wait), brings it back, waits (bounded) until every
 * client has succeeded again on the same store, then reads everything back.
 */
export async function runOutage(
  store: BaseChatHistoryStore,
  namespace: string,
  fault: Fault,
  downMs = 1_500,
): Promise<OutageOutcome> {
  const workload = new Workload(store, namespace);
  workload.start();
  try {
    await workload.waitForSuccesses("before", 5, 15_000);
    workload.phase = "outage";
    await fault.down();
    await workload.waitForCalls("outage", 8, 15_000);
    await pause(downMs);
    await fault.up();
    workload.phase = "after";
    await workload.waitForSuccesses("after", 3, 20_000);
  } finally {
    await workload.stop();
  }
  return { workload, durability: await checkDurability(store, workload) };
}

/** The assertions every fault shares; `maxCallMs` is the documented bound on one call. */
export function expectSurvived(label: string, { workload, durability }: OutageOutcome, maxCallMs: number): void {
  const summary = workload.summary();
  console.info(
    `${label}: calls ${JSON.stringify(summary)}; appends ${JSON.stringify({ ...durability, problems: durability.problems.length })}`,
  );
  const wrong = workload.calls
    .filter((c) => c.outcome === "wrong")
    .map((c) => `${c.op} in ${c.phase}: ${String((c.error as Error)?.stack ?? c.error)}`);
  expect(wrong, "every failure is a retryable StoreUnavailableError").toEqual([]);
  expect(summary.outage.unavailable, "the fault made calls fail").toBeGreaterThan(0);
  const slow = workload.calls
    .filter((c) => c.ms >= maxCallMs)
    .map((c) => `${c.op} in ${c.phase}: ${Math.round(c.ms)} ms`);
  expect(slow, `no call takes ${maxCallMs} ms or more`).toEqual([]);
  expect(durability.problems).toEqual([]);
  expect(durability.acknowledged).toBeGreaterThan(0);
}

export function uniqueName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** True when CHAT_HISTORY_REQUIRE names this backend: then a missing server binary fails instead of skipping. */
export function required(backend: string): boolean {
  return (process.env.CHAT_HISTORY_REQUIRE ?? "")
    .split(",")
    .map((s) => s.trim())
    .includes(backend);
}
