import type { Target } from "./targets/index.js";

/**
 * Keeps each benchmark session close to the length it is meant to have. A session is seeded once
 * and re-seeded (untimed) when the workload has grown it past `size + slack`, where the slack is
 * 5% of the size and at least 2 messages: a 10-message session is restored after every turn, a
 * 100,000-message one may reach 105,000.
 */
export class SessionSizes {
  readonly #counts = new Map<string, number>();

  static slack(size: number): number {
    return Math.max(2, Math.floor(size * 0.05));
  }

  #name(target: Target, space: string, id: string): string {
    return `${target.id}\u0001${space}\u0001${id}`;
  }

  /** Seeds the sessions unless every one already holds between size and size + slack messages (exact: no slack). */
  async ensure(target: Target, space: string, ids: readonly string[], size: number, exact = false): Promise<void> {
    const limit = exact ? size : size + SessionSizes.slack(size);
    const fits = ids.every((id) => {
      const count = this.#counts.get(this.#name(target, space, id));
      return count !== undefined && count >= size && count <= limit;
    });
    if (fits) return;
    await target.seed(space, ids, size);
    for (const id of ids) this.#counts.set(this.#name(target, space, id), size);
  }

  grew(target: Target, space: string, id: string, by: number): void {
    const name = this.#name(target, space, id);
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + by);
  }

  forget(space: string): void {
    for (const name of [...this.#counts.keys()]) if (name.split("\u0001")[1] === space) this.#counts.delete(name);
  }
}
