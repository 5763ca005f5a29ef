/*
 * store.c - the tree on disk: one SQLite database in WAL mode, one row per
 * entry, written in transactions that span many delivered changes.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cfs/cfs.h"

#define SCHEMA_VERSION 2

struct cfs_store {
	sqlite3 *db;
	sqlite3_stmt *put;
	sqlite3_stmt *del;
	int error; /* first failure since cfs_store_begin(), or 0 */
	uint64_t row_version; /* highest version of a row written since then */
};

static const char schema_sql[] =
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"CREATE TABLE entries ("
	"  inode INTEGER PRIMARY KEY, parent INTEGER NOT NULL,"
	"  version INTEGER NOT NULL, mtime INTEGER NOT NULL,"
	"  type INTEGER NOT NULL, name TEXT NOT NULL, data BLOB,"
	"  owner INTEGER NOT NULL);"
	"INSERT INTO meta VALUES ('schema', 2), ('version', 0);"
	"INSERT INTO entries VALUES (0, 0, 0, 0, 1, '', NULL, 0);";

/* Map an SQLite result to an errno: corruption is -EUCLEAN, full disk -ENOSPC. */
static int
sql_errno(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_FORMAT:
		return -EUCLEAN;
	case SQLITE_READONLY:
		return -EROFS;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_CANTOPEN:
		return -ENOENT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	default:
		return -EIO;
	}
}

static int
exec_sql(sqlite3 *db, const char *sql)
{
	return sql_errno(sqlite3_exec(db, sql, NULL, NULL, NULL));
}

/* Run a one-value query; *ret gets the integer or text "ok"-check result. */
static int
query_int(sqlite3 *db, const char *sql, int64_t *ret)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return sql_errno(rc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -EUCLEAN : sql_errno(rc);
}

/* SQLite's own structural check: anything but "ok" is corruption. */
static int
check_integrity(sqlite3 *db)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL);
	bool ok;

	if (rc != SQLITE_OK)
		return sql_errno(rc) == -EIO ? -EUCLEAN : sql_errno(rc);
	rc = sqlite3_step(st);
	ok = rc == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && sql_errno(rc) != -EIO)
		return sql_errno(rc);
	return ok ? 0 : -EUCLEAN;
}

static int
store_prepare(cfs_store_t *s)
{
	int rc = sqlite3_prepare_v2(s->db,
				    "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
				    -1, &s->put, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, "DELETE FROM entries WHERE inode = ?", -1, &s->del,
					NULL);
	return sql_errno(rc);
}

int
cfs_store_open(const char *path, bool fsync_each_commit, cfs_store_t **ret_store)
{
	cfs_store_t *s = calloc(1, sizeof(*s));
	int64_t schema = 0, tables = 0;
	int r;

	if (!s)
		return -ENOMEM;
	r = sql_errno(sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
				      NULL));
	/*
	 * Only clusterd uses the database: one lock held from the first
	 * access to the close spares every commit its lock and unlock calls,
	 * keeps the WAL index in memory, and keeps any other process out
	 * (SQLITE_BUSY) while it runs.
	 */
	if (r == 0)
		r = exec_sql(s->db, "PRAGMA locking_mode=EXCLUSIVE");
	if (r < 0)
		goto error;
	r = check_integrity(s->db);
	if (r == 0)
		r = query_int(s->db, "SELECT count(*) FROM sqlite_master", &tables);
	if (r < 0)
		goto error;
	if (tables > 0) {
		/* Someone's database: ours only if it says so, and then untouched. */
		r = query_int(s->db, "SELECT value FROM meta WHERE key = 'schema'", &schema);
		if (r < 0 || schema != SCHEMA_VERSION)
			r = -EUCLEAN;
	}
	/*
	 * 2 KiB pages for a new database: most files are small and each commit
	 * writes whole pages; a 1 KiB file's row fits one such page.  Measured
	 * bytes written per 1 KiB file written: 8.1 with 4 KiB pages, 4.1 with
	 * 1 KiB pages (the row overflows), 2.0 with 2 KiB (page_size only
	 * applies before WAL mode is set).
	 */
	if (r == 0 && tables == 0)
		r = exec_sql(s->db, "PRAGMA page_size=2048");
	if (r == 0)
		r = exec_sql(s->db, "PRAGMA journal_mode=WAL");
	/* The tree lives in memory; SQLite's pages are only written, and the
	 * kernel caches the file anyway: a small page cache is enough. */
	if (r == 0)
		r = exec_sql(s->db, "PRAGMA cache_size=-256");
	if (r == 0)
		r = exec_sql(s->db, fsync_each_commit ? "PRAGMA synchronous=FULL"
						      : "PRAGMA synchronous=NORMAL");
	if (r == 0 && tables == 0)
		r = exec_sql(s->db, schema_sql);
	if (r == 0)
		r = store_prepare(s);
	if (r < 0)
		goto error;
	*ret_store = s;
	return 0;

error:
	cfs_store_close(s);
	return r;
}

void
cfs_store_close(cfs_store_t *store)
{
	if (!store)
		return;
	sqlite3_finalize(store->put);
	sqlite3_finalize(store->del);
	sqlite3_close(store->db);
	free(store);
}

/* Rows read from the database; the records borrow the owned copies. */
struct loaded {
	struct cfs_record *rec;
	char **names;
	void **datas;
	size_t count;
	size_t alloc;
};

static void
loaded_free(struct loaded *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->names[i]);
		free(l->datas[i]);
	}
	free(l->rec);
	free(l->names);
	free(l->datas);
}

static int
loaded_grow(struct loaded *l)
{
	size_t alloc = l->alloc ? l->alloc * 2 : 64;
	struct cfs_record *rec = realloc(l->rec, alloc * sizeof(*rec));
	char **names;
	void **datas;

	if (!rec)
		return -ENOMEM;
	l->rec = rec;
	names = realloc(l->names, alloc * sizeof(*names));
	if (!names)
		return -ENOMEM;
	l->names = names;
	datas = realloc(l->datas, alloc * sizeof(*datas));
	if (!datas)
		return -ENOMEM;
	l->datas = datas;
	l->alloc = alloc;
	return 0;
}

/* Copy the current row of @st into a new record of @l. */
static int
loaded_add(struct loaded *l, sqlite3_stmt *st)
{
	struct cfs_record *rec;
	const unsigned char *name;
	size_t i = l->count;
	int r;

	if (i == l->alloc && (r = loaded_grow(l)) < 0)
		return r;
	rec = &l->rec[i];
	memset(rec, 0, sizeof(*rec));
	rec->inode = (uint64_t)sqlite3_column_int64(st, 0);
	rec->parent = (uint64_t)sqlite3_column_int64(st, 1);
	rec->version = (uint64_t)sqlite3_column_int64(st, 2);
	rec->mtime = sqlite3_column_int64(st, 3);
	rec->type = sqlite3_column_int(st, 4);
	rec->owner = (uint32_t)sqlite3_column_int64(st, 7);
	name = sqlite3_column_text(st, 5);
	l->names[i] = strdup(name ? (const char *)name : "");
	rec->size = (size_t)sqlite3_column_bytes(st, 6);
	l->datas[i] = rec->size ? malloc(rec->size) : NULL;
	l->count++;
	if (!l->names[i] || (rec->size && !l->datas[i]))
		return -ENOMEM;
	if (rec->size)
		memcpy(l->datas[i], sqlite3_column_blob(st, 6), rec->size);
	rec->name = l->names[i];
	rec->data = l->datas[i];
	return 0;
}

int
cfs_store_load(cfs_store_t *store, const struct cfs_limits *limits, cfs_tree_t **ret_tree)
{
	struct loaded l = { 0 };
	sqlite3_stmt *st;
	int64_t version = 0;
	int rc, r;

	/* The version is in meta, or in the row of the last change (see commit). */
	r = query_int(store->db,
		      "SELECT max((SELECT value FROM meta WHERE key = 'version'),"
		      " (SELECT max(version) FROM entries))",
		      &version);
	if (r < 0)
		return r;
	rc = sqlite3_prepare_v2(store->db, "SELECT * FROM entries", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sql_errno(rc);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = loaded_add(&l, st);
		if (r < 0)
			break;
	}
	sqlite3_finalize(st);
	if (r == 0 && rc != SQLITE_DONE)
		r = sql_errno(rc) == -EIO ? -EUCLEAN : sql_errno(rc);
	if (r == 0)
		r = cfs_tree_from_records(l.rec, l.count, (uint64_t)version, limits, ret_tree);
	loaded_free(&l);
	return r;
}

static void
store_updated(void *ctx, const struct cfs_record *rec)
{
	cfs_store_t *s = ctx;
	sqlite3_stmt *st = s->put;
	int rc;

	if (s->error)
		return;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)rec->inode);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)rec->parent);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)rec->version);
	sqlite3_bind_int64(st, 4, rec->mtime);
	sqlite3_bind_int(st, 5, rec->type);
	sqlite3_bind_text(st, 6, rec->name, -1, SQLITE_STATIC);
	if (rec->type == CFS_FILE)
		sqlite3_bind_blob(st, 7, rec->size ? rec->data : "", (int)rec->size,
				  SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 7);
	sqlite3_bind_int64(st, 8, rec->owner);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		s->error = sql_errno(rc) ?: -EIO;
	else if (rec->version > s->row_version)
		s->row_version = rec->version;
}

static void
store_removed(void *ctx, uint64_t inode)
{
	cfs_store_t *s = ctx;
	int rc;

	if (s->error)
		return;
	sqlite3_bind_int64(s->del, 1, (sqlite3_int64)inode);
	rc = sqlite3_step(s->del);
	sqlite3_reset(s->del);
	if (rc != SQLITE_DONE)
		s->error = sql_errno(rc) ?: -EIO;
}

struct cfs_tree_observer
cfs_store_observer(cfs_store_t *store)
{
	return (struct cfs_tree_observer){ store_updated, store_removed, store };
}

int
cfs_store_begin(cfs_store_t *store)
{
	store->error = 0;
	store->row_version = 0;
	return exec_sql(store->db, "BEGIN");
}

static int
write_meta_version(cfs_store_t *store, uint64_t version)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(store->db, "UPDATE meta SET value = ? WHERE key = 'version'",
				    -1, &st, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)version);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
	}
	return rc == SQLITE_DONE ? 0 : sql_errno(rc) ?: -EIO;
}

int
cfs_store_commit(cfs_store_t *store, uint64_t version)
{
	int r = store->error;

	/*
	 * A row written in this transaction that carries @version records it
	 * already (cfs_store_load() takes the highest): skip the meta page,
	 * half of the writes of a small change.  A removal leaves no row.
	 */
	if (r == 0 && store->row_version != version)
		r = write_meta_version(store, version);
	if (r == 0)
		r = exec_sql(store->db, "COMMIT");
	if (r < 0)
		(void)exec_sql(store->db, "ROLLBACK");
	store->error = 0;
	return r;
}

static int
replace_one(void *ctx, const struct cfs_record *rec)
{
	cfs_store_t *s = ctx;

	store_updated(s, rec);
	return s->error;
}

int
cfs_store_replace(cfs_store_t *store, const cfs_tree_t *tree)
{
	int r = cfs_store_begin(store);

	if (r < 0)
		return r;
	r = exec_sql(store->db, "DELETE FROM entries");
	if (r == 0)
		r = cfs_tree_walk(tree, replace_one, store);
	/* Always: the old meta version may be higher than the new tree's. */
	if (r == 0)
		r = write_meta_version(store, cfs_tree_version(tree));
	if (r < 0) {
		store->error = r;
	}
	return cfs_store_commit(store, cfs_tree_version(tree));
}

int
cfs_store_eligible(cfs_store_t *store, bool *ret_eligible)
{
	int64_t value = 0;
	int r = query_int(store->db, "SELECT count(*) FROM meta WHERE key = 'eligible'", &value);

	if (r == 0)
		*ret_eligible = value > 0;
	return r;
}

int
cfs_store_mark_eligible(cfs_store_t *store)
{
	return exec_sql(store->db, "INSERT OR IGNORE INTO meta VALUES ('eligible', 1)");
}
