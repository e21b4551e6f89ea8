import { StoreUnavailableError } from "@chat-history/core";
import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from "mongodb";

/** Connection trouble becomes a retryable StoreUnavailableError; anything else is passed on untouched. */
export function mapMongoError(error: unknown): unknown {
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError
  ) {
    return new StoreUnavailableError(`MongoDB is unavailable: ${error.message}`, error);
  }
  return error;
}

export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}
