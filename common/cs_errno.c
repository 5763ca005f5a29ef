/*
 * cs_errno.c - the one place that turns corosync's cs_error_t (where CS_OK
 * is 1) into this project's 0 / -errno convention.
 */
#include <config.h>

#include <errno.h>

#include "common.h"

int
cl_cs_errno(cs_error_t err)
{
	switch (err) {
	case CS_OK:
		return 0;
	case CS_ERR_LIBRARY:
		/* The library lost its connection to corosync. */
		return -ENOTCONN;
	case CS_ERR_VERSION:
		return -EPROTO;
	case CS_ERR_INIT:
		return -EINVAL;
	case CS_ERR_TIMEOUT:
		return -ETIMEDOUT;
	case CS_ERR_TRY_AGAIN:
	case CS_ERR_QUEUE_FULL:
		return -EAGAIN;
	case CS_ERR_INVALID_PARAM:
	case CS_ERR_BAD_FLAGS:
		return -EINVAL;
	case CS_ERR_NO_MEMORY:
		return -ENOMEM;
	case CS_ERR_BAD_HANDLE:
		return -EBADF;
	case CS_ERR_BUSY:
		return -EBUSY;
	case CS_ERR_ACCESS:
	case CS_ERR_SECURITY:
		return -EACCES;
	case CS_ERR_NOT_EXIST:
	case CS_ERR_NAME_NOT_FOUND:
	case CS_ERR_CONTEXT_NOT_FOUND:
	case CS_ERR_NO_SECTIONS:
		return -ENOENT;
	case CS_ERR_NAME_TOO_LONG:
		return -ENAMETOOLONG;
	case CS_ERR_EXIST:
		return -EEXIST;
	case CS_ERR_NO_SPACE:
		return -ENOSPC;
	case CS_ERR_INTERRUPT:
		return -EINTR;
	case CS_ERR_NO_RESOURCES:
	case CS_ERR_TOO_MANY_GROUPS:
		return -ENOBUFS;
	case CS_ERR_NOT_SUPPORTED:
		return -EOPNOTSUPP;
	case CS_ERR_BAD_OPERATION:
		return -EPERM;
	case CS_ERR_TOO_BIG:
		return -EMSGSIZE;
	case CS_ERR_QUEUE_NOT_AVAILABLE:
		return -ENOTCONN;
	case CS_ERR_FAILED_OPERATION:
	case CS_ERR_MESSAGE_ERROR:
	default:
		return -EIO;
	}
}
