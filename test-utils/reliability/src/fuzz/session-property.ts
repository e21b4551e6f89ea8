import {
  type BaseChatHistoryStore,
  type ChatHistory,
  InvalidMessageError,
  MessageTooLargeError,
  type SessionInfo,
  dropOrphanToolResults,
  selectRecords,
} from "@chat-history/core";
import type { BaseMessage } from "@langchain/core/messages";
import fc from "fast-check";
import { expect } from "vitest";
import {
  type BatchPlan,
  batchPlan,
  hostileCount,
  hostileCursor,
  hostileId,
  hostileTtl,
  isValidId,
  materialize,
} from "./arbitraries.js";
import { fingerprints } from "@chat-history/conformance";
import { type Tally, attempt, show } from "./outcome.js";
import { type HistoryOptionValues, areValidHistoryOptions, isValidReadQuery, keyBytes } from "./rules.js";

/** Valid small counts most of the time, so that refused options do not hide the rest of the input. */
const mostlyValid = (hostile: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 12 }) }, { weight: 1, arbitrary: hostile });

/** One generated use of a session through the LangChain-facing history. */
export interface SessionInput {
  sessionId: unknown;
  userId: unknown;
  options: HistoryOptionValues;
  batches: BatchPlan[];
  /** Clear the session after this batch (index), if set. */
  clearAfter: number | null;
  page: { before?: unknown; after?: unknown; limit?: unknown };
}

export function sessionInput(maxBytes: number, extra: readonly string[]): fc.Arbitrary<SessionInput> {
  return fc.record({
    sessionId: hostileId(extra),
    userId: fc.option(hostileId(extra), { nil: undefined, freq: 2 }),
    options: fc.record(
      { window: mostlyValid(hostileCount), ttlMs: hostileTtl, maxMessages: mostlyValid(hostileCount) },
      { requiredKeys: [] },
    ),
    batches: fc.array(batchPlan(maxBytes, extra), { minLength: 1, maxLength: 3 }),
    clearAfter: fc.option(fc.nat({ max: 2 })),
    page: fc.record({ before: hostileCursor, after: hostileCursor, limit: hostileCount }, { requiredKeys: [] }),
  });
}

/** Keeps generated ids away from the canary sessions, which the run must leave alone. */
export function avoidsCanaries(
  input: SessionInput,
  isCanary: (sessionId: string, userId: string | undefined) => boolean,
): boolean {
  const userId = typeof input.userId === "string" ? input.userId : undefined;
  return (
    !(typeof input.sessionId === "string" && isCanary(input.sessionId, userId)) &&
    !(userId !== undefined && isCanary("", userId))
  );
}

/**
 * Plays one input: every call must succeed and give back exactly what was written, or fail with a
 * typed error; a valid input must not be refused, an invalid one must not be accepted, and a
 * refused batch must leave the session as it was. The session is deleted at the end.
 */
export async function playSession(store: BaseChatHistoryStore, input: SessionInput, tally: Tally): Promise<void> {
  const { sessionId, userId, options } = input;
  const idsValid = isValidId(sessionId) && (userId === undefined || isValidId(userId));
  const optionsValid = areValidHistoryOptions(options);
  const opened = await attempt(tally, "history()", () =>
    store.history(sessionId as string, { userId: userId as string | undefined, ...(options as object) }),
  );
  if (!opened.ok) {
    expect(idsValid && optionsValid, `refused valid ids/options: ${opened.error.message}`).toBe(false);
    return;
  }
  expect(idsValid, `accepted invalid ids ${show(sessionId)} / ${show(userId)}`).toBe(true);
  expect(optionsValid, `accepted invalid options ${show(options)}`).toBe(true);
  const h = opened.value;

  // Ids too long for a backend's key (PostgreSQL's index) may be refused with a typed error, and only those.
  const started = await attempt(tally, "delete()", () => h.delete());
  if (!started.ok) {
    expect(started.error.code).toBe("INVALID_SESSION_ID");
    expect(keyBytes(sessionId as string, userId as string | undefined)).toBeGreaterThan(2000);
    return;
  }

  const window = options.window as number | undefined;
  const maxMessages = options.maxMessages as number | undefined;
  let model: BaseMessage[] = [];
  let exists = false;
  for (const [index, plan] of input.batches.entries()) {
    const batch = materialize(plan);
    const added = await attempt(tally, "addMessages()", () => h.addMessages(batch));
    if (plan.invalid) {
      expect(added.ok, `accepted a batch holding ${plan.invalid.why}`).toBe(false);
      if (!added.ok) {
        expect(added.error instanceof InvalidMessageError || added.error instanceof MessageTooLargeError).toBe(true);
        if (added.error instanceof InvalidMessageError) expect(added.error.index).toBe(plan.invalid.at);
      }
      // Nothing of the refused batch was written.
      const counted = await attempt(tally, "count()", () => h.count());
      expect(counted.ok && counted.value).toBe(model.length);
    } else {
      if (!added.ok) throw new Error(`a valid batch was refused: ${added.error.message}`);
      if (batch.length > 0) exists = true;
      model = model.concat(batch);
      if (maxMessages !== undefined) model = model.slice(-maxMessages);
    }
    if (input.clearAfter === index) {
      await attempt(tally, "clear()", () => h.clear());
      model = [];
    }
  }
  await checkSession(h, model, { window, exists, options, tally });
  await checkPage(h, model, input.page, tally);

  const deleted = await attempt(tally, "delete()", () => h.delete());
  expect(deleted.ok && deleted.value).toBe(exists);
  expect(await h.count()).toBe(0);
  expect(await h.info()).toBeUndefined();
}

async function checkSession(
  h: ChatHistory,
  model: BaseMessage[],
  ctx: { window: number | undefined; exists: boolean; options: HistoryOptionValues; tally: Tally },
): Promise<void> {
  const { tally } = ctx;
  const got = await attempt(tally, "getMessages()", () => h.getMessages());
  const expected = ctx.window === undefined ? model : dropOrphanToolResults(model.slice(-ctx.window));
  expect(got.ok && fingerprints(got.value)).toEqual(fingerprints(expected));

  const counted = await attempt(tally, "count()", () => h.count());
  expect(counted.ok && counted.value).toBe(model.length);

  const info = await attempt(tally, "info()", () => h.info());
  if (!info.ok) throw info.error;
  if (!ctx.exists) {
    expect(info.value).toBeUndefined();
    return;
  }
  expect(info.value?.sessionId).toBe(h.key.sessionId);
  expect(info.value?.userId).toBe(h.key.userId);
  expect(info.value?.messageCount).toBe(model.length);
  if (typeof ctx.options.ttlMs === "number") expect(info.value?.expiresAt).toBeGreaterThan(Date.now());

  // Listed once in its own scope, and nothing of another scope is listed with it.
  const listed: SessionInfo[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await attempt(tally, "listSessions()", () =>
      h.store.listSessions({ userId: h.key.userId, limit: 7, cursor }),
    );
    if (!page.ok) throw page.error;
    listed.push(...page.value.sessions);
    cursor = page.value.nextCursor;
    if (cursor === undefined) break;
  }
  expect(listed.filter((s) => s.sessionId === h.key.sessionId)).toHaveLength(1);
  for (const s of listed) expect(s.userId).toBe(h.key.userId);
}

/** A page with hostile bounds matches the same query run over the full, ordered session. */
async function checkPage(
  h: ChatHistory,
  model: BaseMessage[],
  page: SessionInput["page"],
  tally: Tally,
): Promise<void> {
  const full = await h.getPage({ after: 0, limit: 1_000_000 });
  expect(fingerprints(full.messages)).toEqual(fingerprints(model));
  full.seqs.forEach((seq, i) => {
    if (i > 0) expect(seq).toBe((full.seqs[i - 1] as number) + 1);
  });
  const query = page as { before?: number; after?: number; limit: number };
  const got = await attempt(tally, "getPage()", () => h.getPage(query));
  const valid = page.limit !== undefined && isValidReadQuery(query);
  if (!got.ok) {
    expect(valid, `refused a valid page query ${show(page)}: ${got.error.message}`).toBe(false);
    return;
  }
  // A page without a limit is refused by the type only; the store treats it as unbounded.
  expect(isValidReadQuery(query), `accepted an invalid page query ${show(page)}`).toBe(true);
  const records = full.seqs.map((seq, i) => ({ seq, payload: String(i) }));
  const want = selectRecords(records, query).map((r) => Number(r.payload));
  expect(got.value.seqs).toEqual(want.map((i) => full.seqs[i]));
  expect(fingerprints(got.value.messages)).toEqual(fingerprints(want.map((i) => model[i] as BaseMessage)));
}
