/** What the test hands a worker process, and what it reports back. */
export interface WorkerTask {
  path: string;
  tableName?: string;
  sessionId: string;
  worker: number;
  batchSizes: number[];
}

export interface WorkerBatch {
  batch: number;
  firstSeq: number;
  lastSeq: number;
}

export function payloadFor(worker: number, batch: number, index: number): string {
  return JSON.stringify({ worker, batch, index });
}
