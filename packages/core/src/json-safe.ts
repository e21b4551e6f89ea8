import { InvalidMessageError } from "./errors.js";

/**
 * Throws unless `value` survives JSON.stringify/JSON.parse unchanged: plain objects and arrays of
 * strings, finite numbers, booleans and null (undefined only as an object property, which JSON drops).
 * Catches what JSON.stringify would silently change (functions, Dates, Maps, NaN) or throw on (cycles, BigInt).
 */
export function assertJsonSafe(value: unknown, index: number, path = "$"): void {
  walk(value, index, path, new Set());
}

function fail(index: number, path: string, what: string): never {
  throw new InvalidMessageError(`message ${index} cannot be stored: ${what} at ${path}`, { index, path });
}

function walk(value: unknown, index: number, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case "string":
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(value)) fail(index, path, `non-finite number ${value}`);
      return;
    case "object":
      break;
    default:
      fail(index, path, `a ${typeof value}`);
  }
  if (value === null) return;
  if (ancestors.has(value)) fail(index, path, "a circular reference");
  ancestors.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (value[i] === undefined) fail(index, `${path}[${i}]`, "undefined in an array");
      walk(value[i], index, `${path}[${i}]`, ancestors);
    }
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      fail(index, path, `an instance of ${proto?.constructor?.name ?? "a class"} (only plain objects are stored)`);
    }
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) walk(child, index, `${path}.${key}`, ancestors);
    }
  }
  ancestors.delete(value);
}
