/* SQLite storage: orders with their filter columns, tokens and authorization codes. */
#include "sandbox.h"

#include <stdio.h>
#include <string.h>

static const char schema_sql[] = "PRAGMA journal_mode=WAL;"
                                 "PRAGMA synchronous=NORMAL;"
                                 "CREATE TABLE IF NOT EXISTS orders ("
                                 "  id TEXT NOT NULL UNIQUE,"
                                 "  created_at INTEGER NOT NULL,"
                                 "  updated_at INTEGER NOT NULL,"
                                 "  ordered_at INTEGER NOT NULL,"
                                 "  status INTEGER NOT NULL,"
                                 "  payment_status INTEGER NOT NULL,"
                                 "  payment_type INTEGER NOT NULL,"
                                 "  platform_account_id INTEGER NOT NULL,"
                                 "  carrier_id INTEGER NOT NULL,"
                                 "  email TEXT,"
                                 "  id_external TEXT,"
                                 "  has_document INTEGER NOT NULL,"
                                 "  list_json TEXT NOT NULL,"
                                 "  extra_json TEXT NOT NULL"
                                 ");"
                                 "CREATE TABLE IF NOT EXISTS auth_codes ("
                                 "  code TEXT PRIMARY KEY,"
                                 "  used INTEGER NOT NULL DEFAULT 0"
                                 ");"
                                 /* `partner` links a refresh token to the access token issued with
                                    it, so a refresh can revoke that access token. */
                                 "CREATE TABLE IF NOT EXISTS tokens ("
                                 "  token TEXT PRIMARY KEY,"
                                 "  kind TEXT NOT NULL,"
                                 "  expires_at INTEGER NOT NULL,"
                                 "  revoked INTEGER NOT NULL DEFAULT 0,"
                                 "  partner TEXT"
                                 ");";

/* The filter and sort indexes; kept apart so a bulk seed can build them once at the end. */
static const char index_sql[] =
    "CREATE INDEX IF NOT EXISTS orders_created ON orders(created_at, id);"
    "CREATE INDEX IF NOT EXISTS orders_updated ON orders(updated_at, id);"
    "CREATE INDEX IF NOT EXISTS orders_ordered ON orders(ordered_at, id);"
    "CREATE INDEX IF NOT EXISTS orders_status ON orders(status, created_at, id);"
    "CREATE INDEX IF NOT EXISTS orders_email ON orders(email COLLATE NOCASE);"
    "CREATE INDEX IF NOT EXISTS orders_external ON orders(id_external);";

static const char drop_index_sql[] = "DROP INDEX IF EXISTS orders_created;"
                                     "DROP INDEX IF EXISTS orders_updated;"
                                     "DROP INDEX IF EXISTS orders_ordered;"
                                     "DROP INDEX IF EXISTS orders_status;"
                                     "DROP INDEX IF EXISTS orders_email;"
                                     "DROP INDEX IF EXISTS orders_external;";

int sbx_db_drop_order_indexes(sbx_state *state)
{
    return sbx_db_exec(state, drop_index_sql);
}

int sbx_db_create_order_indexes(sbx_state *state)
{
    return sbx_db_exec(state, index_sql);
}

int sbx_db_exec(sbx_state *state, const char *sql)
{
    char *message = NULL;

    if (sqlite3_exec(state->db, sql, NULL, NULL, &message) != SQLITE_OK) {
        fprintf(stderr, "apilo-sandbox: sqlite: %s\n", message ? message : "error");
        sqlite3_free(message);
        return -1;
    }
    return 0;
}

int sbx_db_open(sbx_state *state, const char *path)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;

    /* Our own mutex serialises every use, so SQLite's per-connection mutex is not needed. */
    if (sqlite3_open_v2(path, &state->db, flags, NULL) != SQLITE_OK) {
        fprintf(stderr, "apilo-sandbox: cannot open %s: %s\n", path,
                state->db ? sqlite3_errmsg(state->db) : "out of memory");
        sqlite3_close(state->db);
        state->db = NULL;
        return -1;
    }
    if (sbx_db_exec(state, schema_sql) != 0)
        return -1;
    return sbx_db_create_order_indexes(state);
}

void sbx_db_close(sbx_state *state)
{
    sqlite3_close(state->db);
    state->db = NULL;
}

int sbx_order_inserter_open(sbx_state *state, sbx_order_inserter *ins)
{
    static const char sql[] =
        "INSERT OR IGNORE INTO orders (id, created_at, updated_at, ordered_at, status,"
        " payment_status, payment_type, platform_account_id, carrier_id, email, id_external,"
        " has_document, list_json, extra_json) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

    if (sqlite3_prepare_v2(state->db, sql, -1, &ins->stmt, NULL) != SQLITE_OK) {
        fprintf(stderr, "apilo-sandbox: sqlite: %s\n", sqlite3_errmsg(state->db));
        return -1;
    }
    return 0;
}

int sbx_order_insert(sbx_order_inserter *ins, const sbx_order_row *row)
{
    sqlite3_stmt *stmt = ins->stmt;
    int rc;

    sqlite3_bind_text(stmt, 1, row->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, row->created_at);
    sqlite3_bind_int64(stmt, 3, row->updated_at);
    sqlite3_bind_int64(stmt, 4, row->ordered_at);
    sqlite3_bind_int(stmt, 5, row->status);
    sqlite3_bind_int(stmt, 6, row->payment_status);
    sqlite3_bind_int(stmt, 7, row->payment_type);
    sqlite3_bind_int(stmt, 8, row->platform_account_id);
    sqlite3_bind_int(stmt, 9, row->carrier_id);
    sqlite3_bind_text(stmt, 10, row->email, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 11, row->id_external, -1, SQLITE_STATIC);
    sqlite3_bind_int(stmt, 12, row->has_document);
    sqlite3_bind_text(stmt, 13, row->list_json, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 14, row->extra_json, -1, SQLITE_STATIC);

    rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "apilo-sandbox: insert %s: %s\n", row->id,
                sqlite3_errmsg(sqlite3_db_handle(stmt)));
        return -1;
    }
    return 0;
}

void sbx_order_inserter_close(sbx_order_inserter *ins)
{
    sqlite3_finalize(ins->stmt);
    ins->stmt = NULL;
}
