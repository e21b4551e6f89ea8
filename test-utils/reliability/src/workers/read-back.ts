import type { StoredRecord } from "@chat-history/core";
import { type BackendSpec, openStore } from "../backends.js";

const PAGE = 500;
/** Bounds the paging loop: far more pages than any test writes. */
const MAX_PAGES = 1000;

/**
 * Reads sessions back through two independent stores, each opened fresh (a new connection, or a
 * new handle on the file/database): one reads each session whole, the other pages forward with
 * `after`. Both must agree, record for record, on every session.
 */
export async function readTwice(
  spec: BackendSpec,
  sessionIds: readonly string[],
): Promise<{ sessions: Map<string, StoredRecord[]>; disagreements: string[]; countMismatches: string[] }> {
  const whole = await openStore(spec);
  const paged = await openStore(spec);
  const sessions = new Map<string, StoredRecord[]>();
  const disagreements: string[] = [];
  const countMismatches: string[] = [];
  try {
    for (const sessionId of sessionIds) {
      const key = { sessionId };
      const all = await whole.read(key);
      const pages = await readPaged(paged, key);
      sessions.set(sessionId, all);
      if (!sameRecords(all, pages)) disagreements.push(sessionId);
      const count = await paged.count(key);
      if (count !== all.length) countMismatches.push(`${sessionId}: count ${count}, read ${all.length}`);
    }
  } finally {
    await Promise.allSettled([whole.close(), paged.close()]);
  }
  return { sessions, disagreements, countMismatches };
}

async function readPaged(
  store: Awaited<ReturnType<typeof openStore>>,
  key: { sessionId: string },
): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  let after = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const records = await store.read(key, { after, limit: PAGE });
    out.push(...records);
    const last = records[records.length - 1];
    if (records.length < PAGE || !last) return out;
    after = last.seq;
  }
  throw new Error(`more than ${MAX_PAGES} pages in session ${key.sessionId}`);
}

function sameRecords(a: readonly StoredRecord[], b: readonly StoredRecord[]): boolean {
  return a.length === b.length && a.every((r, i) => r.seq === b[i]?.seq && r.payload === b[i]?.payload);
}
