import { toStoredMessage } from "@chat-history/core";
import type { BaseMessage } from "@langchain/core/messages";

/** Everything a message carries that storage must keep: its class and every stored field. */
export function fingerprint(message: BaseMessage): unknown {
  const ctor = message.constructor as { lc_name?: () => string };
  return { class: ctor.lc_name?.() ?? message.constructor.name, ...toStoredMessage(message) };
}

export function fingerprints(messages: readonly BaseMessage[]): unknown[] {
  return messages.map(fingerprint);
}
