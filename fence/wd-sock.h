/*
 * wd-sock.h - unix stream socket calls the lab watchdog driver and the
 * wdmux client share.  Both return 0 or -errno.
 */
#ifndef CLUSTERHA_FENCE_WD_SOCK_H
#define CLUSTERHA_FENCE_WD_SOCK_H

#include <stddef.h>

/*
 * Connect to unix socket @path (borrowed); reads on *ret_fd fail with
 * EAGAIN after @timeout_s.  -ENAMETOOLONG when @path does not fit.
 */
int wd_sock_connect(const char *path, unsigned timeout_s, int *ret_fd);

/* Send all @len bytes of @buf; a closed peer is -EPIPE, not SIGPIPE. */
int wd_sock_send(int fd, const void *buf, size_t len);

#endif /* CLUSTERHA_FENCE_WD_SOCK_H */
