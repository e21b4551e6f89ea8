#!/usr/bin/python3
"""A MongoDB wire-protocol emulator for tests, where no mongod can be installed.

mockupdb (MongoDB's mock server for driver tests) reads and writes the wire protocol;
mongomock (an in-memory MongoDB written in Python) executes the commands. This file is the
bridge between them: it turns each command document into mongomock calls and each result
into the reply a standalone MongoDB 6.0 would send.

Usage: /usr/bin/python3 server.py [PORT] [--ttl-interval SECONDS]
Listens on 127.0.0.1 only. PORT 0 (the default) picks a free port. Prints "port <n>" once
listening, then serves until killed.
"""

import argparse
import datetime
import itertools
import sys
import threading
import time
from collections import OrderedDict

import mockupdb
import mongomock
import mongomock.filtering
import mongomock.store
import bson
from bson import Int64
from pymongo import ReturnDocument
from pymongo.errors import BulkWriteError, DuplicateKeyError, OperationFailure

# The mongodb 7 driver refuses servers below wire version 9 (MongoDB 4.4); 17 is MongoDB 6.0,
# old enough that the driver never relies on newer server features we do not emulate.
MAX_WIRE_VERSION = 17
SERVER_VERSION = "6.0.0-emulated"
FIRST_BATCH_DEFAULT = 101
BATCH_BYTES = 8 * 1024 * 1024

# mongomock is not thread-safe and MongoDB's single-document atomicity (findAndModify with $inc)
# must hold across connections: every command runs alone under this lock.
LOCK = threading.Lock()
CLIENT = mongomock.MongoClient()
CURSORS = {}
CURSOR_IDS = itertools.count(1000)
CONNECTION_IDS = itertools.count(1)

# Fields the driver adds to every command that say how, not what, to run it.
ENVELOPE = {
    "$db", "lsid", "$clusterTime", "$readPreference", "readConcern", "writeConcern",
    "apiVersion", "apiStrict", "apiDeprecationErrors", "comment", "maxTimeMS", "$query",
    "bypassDocumentValidation", "let",
}


class CommandError(Exception):
    def __init__(self, code, code_name, message):
        super().__init__(message)
        self.code = code
        self.code_name = code_name


def fail(code, code_name, message):
    raise CommandError(code, code_name, message)


def namespace_not_found(ns):
    fail(26, "NamespaceNotFound", "ns not found: %s" % ns)


def collection_exists(db_name, name):
    return name in CLIENT[db_name].list_collection_names()


# ---- handshake and server information -------------------------------------------------------

def hello(db_name, cmd):
    return OrderedDict([
        ("ismaster", True),
        ("isWritablePrimary", True),
        ("helloOk", True),
        ("maxBsonObjectSize", 16 * 1024 * 1024),
        ("maxMessageSizeBytes", 48000000),
        ("maxWriteBatchSize", 100000),
        ("localTime", datetime.datetime.now(datetime.timezone.utc)),
        ("logicalSessionTimeoutMinutes", 30),
        ("connectionId", next(CONNECTION_IDS)),
        ("minWireVersion", 0),
        ("maxWireVersion", MAX_WIRE_VERSION),
        ("readOnly", False),
    ])


def build_info(db_name, cmd):
    return {"version": SERVER_VERSION, "versionArray": [6, 0, 0, 0], "maxBsonObjectSize": 16 * 1024 * 1024}


def refuse_transaction(db_name, cmd):
    fail(20, "IllegalOperation", "Transaction numbers are only allowed on a replica set member or mongos")


# ---- cursors --------------------------------------------------------------------------------

def take_batch(docs, count):
    """Up to `count` documents, and never much more than BATCH_BYTES of them."""
    batch, size = [], 0
    while docs and len(batch) < count:
        size += len(bson.BSON.encode(docs[0]))
        if batch and size > BATCH_BYTES:
            break
        batch.append(docs.pop(0))
    return batch


def cursor_reply(ns, docs, batch_size=None, single_batch=False):
    docs = list(docs)
    first = take_batch(docs, batch_size if batch_size else FIRST_BATCH_DEFAULT)
    cursor_id = 0
    if docs and not single_batch:
        cursor_id = next(CURSOR_IDS)
        CURSORS[cursor_id] = (ns, docs)
    return {"cursor": {"id": Int64(cursor_id), "ns": ns, "firstBatch": first}}


def get_more(db_name, cmd):
    cursor_id = int(cmd["getMore"])
    if cursor_id not in CURSORS:
        fail(43, "CursorNotFound", "cursor id %d not found" % cursor_id)
    ns, docs = CURSORS[cursor_id]
    batch = take_batch(docs, cmd.get("batchSize") or len(docs) or 1)
    if not docs:
        del CURSORS[cursor_id]
        cursor_id = 0
    return {"cursor": {"id": Int64(cursor_id), "ns": ns, "nextBatch": batch}}


def kill_cursors(db_name, cmd):
    killed, unknown = [], []
    for cursor_id in cmd.get("cursors", []):
        (killed if CURSORS.pop(int(cursor_id), None) is not None else unknown).append(cursor_id)
    return {"cursorsKilled": killed, "cursorsNotFound": unknown, "cursorsAlive": [], "cursorsUnknown": []}


# ---- reads ----------------------------------------------------------------------------------

def find(db_name, cmd):
    name = cmd["find"]
    coll = CLIENT[db_name][name]
    cursor = coll.find(cmd.get("filter") or {}, cmd.get("projection") or None)
    if cmd.get("sort"):
        cursor = cursor.sort(list(cmd["sort"].items()))
    if cmd.get("skip"):
        cursor = cursor.skip(int(cmd["skip"]))
    limit = abs(int(cmd.get("limit") or 0))
    if limit:
        cursor = cursor.limit(limit)
    return cursor_reply("%s.%s" % (db_name, name), cursor, cmd.get("batchSize"), cmd.get("singleBatch", False))


def aggregate(db_name, cmd):
    name = cmd["aggregate"]
    docs = CLIENT[db_name][name].aggregate(list(cmd.get("pipeline", [])))
    batch_size = (cmd.get("cursor") or {}).get("batchSize")
    return cursor_reply("%s.%s" % (db_name, name), docs, batch_size)


def count(db_name, cmd):
    kwargs = {}
    if cmd.get("skip"):
        kwargs["skip"] = int(cmd["skip"])
    if cmd.get("limit"):
        kwargs["limit"] = abs(int(cmd["limit"]))
    return {"n": CLIENT[db_name][cmd["count"]].count_documents(cmd.get("query") or {}, **kwargs)}


def distinct(db_name, cmd):
    return {"values": CLIENT[db_name][cmd["distinct"]].distinct(cmd["key"], cmd.get("query") or None)}


# ---- writes ---------------------------------------------------------------------------------

def write_error(index, error):
    entry = {"index": index, "code": getattr(error, "code", None) or 2, "errmsg": str(error)}
    if entry["code"] == 11000:
        entry["codeName"] = "DuplicateKey"
    return entry


def insert(db_name, cmd):
    coll = CLIENT[db_name][cmd["insert"]]
    inserted, errors = 0, []
    for index, doc in enumerate(cmd.get("documents", [])):
        try:
            coll.insert_one(doc)
            inserted += 1
        except OperationFailure as error:
            errors.append(write_error(index, error))
            if cmd.get("ordered", True):
                break
    reply = {"n": inserted}
    if errors:
        reply["writeErrors"] = errors
    return reply


def is_replacement(update):
    return isinstance(update, dict) and not any(key.startswith("$") for key in update)


def update(db_name, cmd):
    coll = CLIENT[db_name][cmd["update"]]
    matched, modified, upserted, errors = 0, 0, [], []
    for index, spec in enumerate(cmd.get("updates", [])):
        try:
            query, change, upsert = spec.get("q") or {}, spec["u"], bool(spec.get("upsert"))
            if isinstance(change, list):
                fail(9, "FailedToParse", "pipeline updates are not supported by the emulator")
            if is_replacement(change):
                result = coll.replace_one(query, change, upsert=upsert)
            elif spec.get("multi"):
                result = coll.update_many(query, change, upsert=upsert, array_filters=spec.get("arrayFilters"))
            else:
                result = coll.update_one(query, change, upsert=upsert, array_filters=spec.get("arrayFilters"))
            if result.upserted_id is not None:
                upserted.append({"index": index, "_id": result.upserted_id})
            else:
                matched += result.matched_count
                modified += result.modified_count
        except (OperationFailure, CommandError) as error:
            errors.append(write_error(index, error))
            if cmd.get("ordered", True):
                break
    reply = {"n": matched + len(upserted), "nModified": modified}
    if upserted:
        reply["upserted"] = upserted
    if errors:
        reply["writeErrors"] = errors
    return reply


def delete(db_name, cmd):
    coll = CLIENT[db_name][cmd["delete"]]
    removed = 0
    for spec in cmd.get("deletes", []):
        query = spec.get("q") or {}
        result = coll.delete_one(query) if spec.get("limit") == 1 else coll.delete_many(query)
        removed += result.deleted_count
    return {"n": removed}


def find_and_modify(db_name, cmd):
    name = next(iter(cmd))
    coll = CLIENT[db_name][cmd[name]]
    query = cmd.get("query") or {}
    sort = list(cmd["sort"].items()) if cmd.get("sort") else None
    fields = cmd.get("fields") or None
    existing = coll.find_one(query, sort=sort)
    if cmd.get("remove"):
        value = coll.find_one_and_delete(query, projection=fields, sort=sort)
        return {"lastErrorObject": {"n": 1 if value is not None else 0}, "value": value}
    change = cmd.get("update")
    if change is None:
        fail(9, "FailedToParse", "findAndModify needs update or remove")
    if isinstance(change, list):
        fail(9, "FailedToParse", "pipeline updates are not supported by the emulator")
    returns = ReturnDocument.AFTER if cmd.get("new") else ReturnDocument.BEFORE
    upsert = bool(cmd.get("upsert"))
    if is_replacement(change):
        value = coll.find_one_and_replace(query, change, projection=fields, sort=sort, upsert=upsert, return_document=returns)
    else:
        value = coll.find_one_and_update(
            query, change, projection=fields, sort=sort, upsert=upsert, return_document=returns,
            array_filters=cmd.get("arrayFilters"))
    last_error = {"n": 1, "updatedExisting": existing is not None}
    if existing is None:
        if not upsert:
            last_error["n"] = 0
        else:
            created = value if value is not None else coll.find_one(query, sort=sort)
            if created is not None and "_id" in created:
                last_error["upserted"] = created["_id"]
    return {"lastErrorObject": last_error, "value": value}


# ---- collections and indexes ----------------------------------------------------------------

def create_indexes(db_name, cmd):
    name = cmd["createIndexes"]
    coll = CLIENT[db_name][name]
    created_collection = not collection_exists(db_name, name)
    if created_collection:
        CLIENT[db_name].create_collection(name)
    before = len(coll.index_information())
    for spec in cmd.get("indexes", []):
        options = {key: spec[key] for key in ("unique", "sparse", "expireAfterSeconds", "partialFilterExpression") if key in spec}
        try:
            coll.create_index(list(spec["key"].items()), name=spec["name"], **options)
        except DuplicateKeyError as error:
            fail(11000, "DuplicateKey", str(error))
        except OperationFailure as error:
            fail(86, "IndexKeySpecsConflict", str(error))
    after = len(coll.index_information())
    return {"createdCollectionAutomatically": created_collection, "numIndexesBefore": before, "numIndexesAfter": after}


def list_indexes(db_name, cmd):
    name = cmd["listIndexes"]
    ns = "%s.%s" % (db_name, name)
    if not collection_exists(db_name, name):
        namespace_not_found(ns)
    indexes = []
    for index_name, info in CLIENT[db_name][name].index_information().items():
        entry = OrderedDict([("v", 2), ("key", OrderedDict(info["key"])), ("name", index_name)])
        entry.update((k, v) for k, v in info.items() if k not in ("key", "v"))
        indexes.append(entry)
    return cursor_reply(ns, indexes, (cmd.get("cursor") or {}).get("batchSize"))


def list_collections(db_name, cmd):
    wanted = cmd.get("filter") or {}
    infos = [{"name": name, "type": "collection", "options": {}, "info": {"readOnly": False}}
             for name in CLIENT[db_name].list_collection_names()]
    infos = [info for info in infos if mongomock.filtering.filter_applies(wanted, info)]
    if cmd.get("nameOnly"):
        infos = [{"name": info["name"], "type": "collection"} for info in infos]
    return cursor_reply("%s.$cmd.listCollections" % db_name, infos, (cmd.get("cursor") or {}).get("batchSize"))


def create(db_name, cmd):
    if collection_exists(db_name, cmd["create"]):
        fail(48, "NamespaceExists", "Collection %s.%s already exists." % (db_name, cmd["create"]))
    CLIENT[db_name].create_collection(cmd["create"])
    return {}


def drop(db_name, cmd):
    name = cmd["drop"]
    if not collection_exists(db_name, name):
        namespace_not_found("%s.%s" % (db_name, name))
    indexes = len(CLIENT[db_name][name].index_information())
    CLIENT[db_name].drop_collection(name)
    return {"ns": "%s.%s" % (db_name, name), "nIndexesWas": indexes}


def drop_database(db_name, cmd):
    CLIENT.drop_database(db_name)
    return {"dropped": db_name}


def list_databases(db_name, cmd):
    names = CLIENT.list_database_names()
    if cmd.get("nameOnly"):
        return {"databases": [{"name": n} for n in names]}
    return {"databases": [{"name": n, "sizeOnDisk": 0, "empty": False} for n in names], "totalSize": 0}


def nothing(db_name, cmd):
    return {}


COMMANDS = {
    "hello": hello, "ismaster": hello, "buildinfo": build_info, "ping": nothing,
    "endsessions": nothing, "getmore": get_more, "killcursors": kill_cursors,
    "find": find, "aggregate": aggregate, "count": count, "distinct": distinct,
    "insert": insert, "update": update, "delete": delete, "findandmodify": find_and_modify,
    "createindexes": create_indexes, "listindexes": list_indexes, "listcollections": list_collections,
    "create": create, "drop": drop, "dropdatabase": drop_database, "listdatabases": list_databases,
    "committransaction": refuse_transaction, "aborttransaction": refuse_transaction,
}


def execute(db_name, cmd):
    name = next(iter(cmd)).lower()
    if cmd.get("startTransaction") or cmd.get("autocommit") is False:
        refuse_transaction(db_name, cmd)
    handler = COMMANDS.get(name)
    if handler is None:
        fail(59, "CommandNotFound", "no such command: '%s'" % next(iter(cmd)))
    body = OrderedDict((k, v) for k, v in cmd.items() if k not in ENVELOPE)
    return handler(db_name, body)


def error_reply(code, code_name, message):
    return {"ok": 0, "errmsg": message, "code": code, "codeName": code_name}


def respond(request):
    """Answers every request; mockupdb calls it from one thread per connection."""
    if not isinstance(request, mockupdb.CommandBase):
        request.fail("the emulator only answers commands")
        return True
    db_name = request.namespace.split(".")[0] if request.namespace else "admin"
    with LOCK:
        try:
            reply = execute(db_name, request.doc)
        except CommandError as error:
            reply = error_reply(error.code, error.code_name, str(error))
        except DuplicateKeyError as error:
            reply = error_reply(11000, "DuplicateKey", str(error))
        except BulkWriteError as error:
            reply = error_reply(65, "MultipleErrorsOccurred", str(error))
        except OperationFailure as error:
            reply = error_reply(error.code or 2, "BadValue", str(error))
        except Exception as error:  # a command mongomock cannot run must not kill the connection
            reply = error_reply(1, "InternalError", "%s: %s" % (type(error).__name__, error))
    # Unacknowledged writes (w: 0, e.g. endSessions at close) set moreToCome: the client expects no reply.
    if not (isinstance(request, mockupdb.OpMsg) and request.flags & mockupdb.OP_MSG_FLAGS["moreToCome"]):
        request.replies(reply)
    return True


# mongomock drops expired documents on every access; mongod only does so from a background
# monitor every 60 seconds. Expiring on access would hide what an adapter must handle (expired
# documents still present), so it happens only when the monitor below says so.
_expire_now = mongomock.store.CollectionStore._remove_expired_documents
mongomock.store.CollectionStore._remove_expired_documents = lambda self: None


def ttl_monitor(interval):
    """Removes expired documents the way mongod's TTL monitor does: periodically, not on time."""
    while True:
        time.sleep(interval)
        with LOCK:
            for db_name in CLIENT.list_database_names():
                db = CLIENT[db_name]
                for name in db.list_collection_names():
                    _expire_now(db[name]._store)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", nargs="?", type=int, default=0)
    parser.add_argument("--ttl-interval", type=float, default=60.0)
    args = parser.parse_args()
    server = mockupdb.MockupDB(port=args.port or None, request_timeout=int(1e6))
    server._address = ("127.0.0.1", args.port or None)  # loopback only, whatever "localhost" resolves to
    server.autoresponds(respond)
    port = server.run()
    if args.ttl_interval > 0:
        threading.Thread(target=ttl_monitor, args=(args.ttl_interval,), daemon=True).start()
    print("port %d" % port, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
