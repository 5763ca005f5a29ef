/*
 * digest.c - one SHA-256 over a whole tree, so that members can prove
 * after a synchronisation that they hold exactly the source's tree.
 */
#include <config.h>

#include <endian.h>
#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include "cfs/cfs.h"

static void
hash_u64(EVP_MD_CTX *md, uint64_t v)
{
	v = htole64(v);
	EVP_DigestUpdate(md, &v, sizeof(v));
}

static int
hash_record(void *ctx, const struct cfs_record *rec)
{
	EVP_MD_CTX *md = ctx;

	hash_u64(md, rec->inode);
	hash_u64(md, rec->parent);
	hash_u64(md, rec->version);
	hash_u64(md, (uint64_t)rec->mtime);
	hash_u64(md, (uint64_t)rec->type);
	hash_u64(md, rec->owner);
	/* Length-prefix variable parts so that no two trees hash alike by shifting. */
	hash_u64(md, strlen(rec->name));
	EVP_DigestUpdate(md, rec->name, strlen(rec->name));
	hash_u64(md, rec->size);
	if (rec->size)
		EVP_DigestUpdate(md, rec->data, rec->size);
	return 0;
}

int
cfs_tree_digest(const cfs_tree_t *tree, unsigned char ret_digest[CFS_DIGEST_SIZE])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int len = 0;
	int r = -ENOMEM;

	if (!md)
		return -ENOMEM;
	if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		goto out;
	hash_u64(md, cfs_tree_version(tree));
	r = cfs_tree_walk(tree, hash_record, md);
	if (r == 0 && (EVP_DigestFinal_ex(md, ret_digest, &len) != 1 || len != CFS_DIGEST_SIZE))
		r = -EIO;
out:
	EVP_MD_CTX_free(md);
	return r;
}
