import { CorruptRecordError, type StoredRecord } from "@chat-history/core";

/** A list element is "<seq>\t<payload>"; the payload follows the first tab untouched. */
export function parseElement(element: string, sessionId: string): StoredRecord {
  const tab = element.indexOf("\t");
  const seq = tab > 0 ? Number(element.slice(0, tab)) : Number.NaN;
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw new CorruptRecordError(sessionId, 0, "list element has no sequence number");
  }
  return { seq, payload: element.slice(tab + 1) };
}

export function parseElements(elements: readonly string[], sessionId: string): StoredRecord[] {
  return elements.map((element) => parseElement(element, sessionId));
}
