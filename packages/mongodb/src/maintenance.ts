import type { Collection, ObjectId } from "mongodb";
import type { BatchDoc, SessionDoc } from "./documents.js";

const SWEEP_CHUNK = 500;

/**
 * Keeps the newest `max` records of a generation: whole older batches are deleted, and the batch
 * straddling the cut loses its older payloads. Each step only removes records older than the cut,
 * so concurrent trims agree.
 */
export async function trimToNewest(messages: Collection<BatchDoc>, gen: ObjectId, max: number): Promise<void> {
  const newest = await messages
    .find({ gen }, { projection: { seq: 1, last: 1 }, sort: { seq: -1 }, limit: max })
    .toArray();
  let kept = 0;
  for (const batch of newest) {
    const size = batch.last - batch.seq + 1;
    if (kept + size >= max) {
      const cut = batch.last - (max - kept) + 1;
      await messages.deleteMany({ gen, last: { $lt: cut } });
      if (cut > batch.seq) {
        await messages.updateOne(
          { _id: batch._id, seq: batch.seq },
          { $set: { seq: cut }, $push: { payloads: { $each: [], $slice: -(batch.last - cut + 1) } } },
        );
      }
      return;
    }
    kept += size;
  }
}

/** Removes one expired session and its messages; false when it was written again (or removed) meanwhile. */
export async function removeExpired(
  sessions: Collection<SessionDoc>,
  messages: Collection<BatchDoc>,
  id: string,
  now: Date,
): Promise<boolean> {
  const gone = await sessions.findOneAndDelete({ _id: id, expiresAt: { $lte: now } });
  if (!gone) return false;
  await messages.deleteMany({ gen: gone.gen });
  return true;
}

/**
 * Deletes message batches whose generation no session holds any more: left by the TTL monitor removing a
 * session document, by a clear() racing an append, or by a process that died between two deletes.
 * Resolves how many generations it removed.
 */
export async function sweepOrphans(sessions: Collection<SessionDoc>, messages: Collection<BatchDoc>): Promise<number> {
  const gens = messages.aggregate<{ _id: ObjectId }>([{ $group: { _id: "$gen" } }]);
  let chunk: ObjectId[] = [];
  let removed = 0;
  const flush = async () => {
    const live = await sessions.find({ gen: { $in: chunk } }, { projection: { _id: 0, gen: 1 } }).toArray();
    const liveSet = new Set(live.map((s) => s.gen.toHexString()));
    const dead = chunk.filter((gen) => !liveSet.has(gen.toHexString()));
    if (dead.length > 0) await messages.deleteMany({ gen: { $in: dead } });
    removed += dead.length;
    chunk = [];
  };
  for await (const { _id } of gens) {
    chunk.push(_id);
    if (chunk.length >= SWEEP_CHUNK) await flush();
  }
  if (chunk.length > 0) await flush();
  return removed;
}
