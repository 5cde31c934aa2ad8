/*
 * fake-xfrm-sa.so: LD_PRELOAD library that lets charon and pluto "install" IPsec
 * SAs on a kernel built without ESP (CONFIG_INET_ESP unset).
 *
 * Why: on such a kernel XFRM_MSG_NEWSA / XFRM_MSG_UPDSA for proto esp fail with
 * EPROTONOSUPPORT ("Requested type not found"), so Quick Mode fails, and
 * Libreswan never starts DPD because it schedules DPD from the IPsec SA. The
 * harness tests the IKE control plane (DPD, Delete, restart), not ESP, so it is
 * enough that the daemons believe the SA is installed.
 *
 * How: on NETLINK_XFRM sockets only, every NEWSA/UPDSA request in an outgoing
 * buffer is replaced by a minimal XFRM_MSG_NEWSPDINFO request carrying the same
 * flags, sequence number and port id. NEWSPDINFO without attributes changes no
 * state the daemons care about (it only rebuilds the policy hash tables), needs
 * the same privilege, and the kernel answers it with the NLMSG_ERROR(0) ACK the
 * daemon is waiting for under that sequence number. Everything else (policies,
 * ALLOCSPI, GETSA, DELSA, ...) reaches the kernel unchanged. The send call
 * reports the caller's original length so the daemons' length checks pass.
 *
 * Built by scripts/lab-install.sh into .cache/lab/fake-xfrm-sa.so, and preloaded
 * by src/lab only when detectDataPlane() says 'emulated'.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

typedef ssize_t (*sendto_fn)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
typedef ssize_t (*sendmsg_fn)(int, const struct msghdr *, int);
typedef ssize_t (*write_fn)(int, const void *, size_t);

/* The replacement request: header plus the u32 flags word NEWSPDINFO requires. */
#define SPDINFO_LEN NLMSG_LENGTH(sizeof(__u32))

static int is_xfrm_netlink(int fd)
{
	int value;
	socklen_t len = sizeof(value);
	/* getsockopt fails with ENOTSOCK on files and pipes; keep the caller's errno intact. */
	int saved = errno;
	int ok = getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &value, &len) == 0 && value == AF_NETLINK;
	len = sizeof(value);
	ok = ok && getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &value, &len) == 0 && value == NETLINK_XFRM;
	errno = saved;
	return ok;
}

static int is_sa_install(const struct nlmsghdr *h)
{
	return h->nlmsg_type == XFRM_MSG_NEWSA || h->nlmsg_type == XFRM_MSG_UPDSA;
}

/*
 * Returns a malloc'd copy of buf with every SA install swapped for NEWSPDINFO,
 * or NULL when nothing needs rewriting (the common case: send buf unchanged).
 * A malformed buffer is passed through untouched so the kernel reports it.
 */
static unsigned char *rewrite(const unsigned char *buf, size_t len, size_t *out_len)
{
	size_t off = 0;
	int found = 0;
	while (off + NLMSG_HDRLEN <= len) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)(buf + off);
		if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > len - off)
			return NULL;
		found |= is_sa_install(h);
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	if (!found)
		return NULL;

	/* The output never grows: each replacement is shorter than the NEWSA it replaces. */
	unsigned char *out = calloc(1, len);
	if (!out)
		return NULL;
	size_t w = 0;
	for (off = 0; off + NLMSG_HDRLEN <= len;) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)(buf + off);
		size_t step = NLMSG_ALIGN(h->nlmsg_len);
		if (is_sa_install(h)) {
			struct nlmsghdr *r = (struct nlmsghdr *)(out + w);
			r->nlmsg_len = SPDINFO_LEN;
			r->nlmsg_type = XFRM_MSG_NEWSPDINFO;
			r->nlmsg_flags = h->nlmsg_flags;
			r->nlmsg_seq = h->nlmsg_seq;
			r->nlmsg_pid = h->nlmsg_pid;
			w += NLMSG_ALIGN(SPDINFO_LEN);
		} else {
			size_t n = step < len - off ? step : len - off;
			memcpy(out + w, buf + off, n);
			w += n;
		}
		off += step;
	}
	*out_len = w;
	return out;
}

static sendto_fn real_sendto(void)
{
	static sendto_fn fn;
	if (!fn)
		fn = (sendto_fn)dlsym(RTLD_NEXT, "sendto");
	return fn;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr, socklen_t alen)
{
	size_t new_len;
	unsigned char *copy = is_xfrm_netlink(fd) ? rewrite(buf, len, &new_len) : NULL;
	if (!copy)
		return real_sendto()(fd, buf, len, flags, addr, alen);
	ssize_t rc = real_sendto()(fd, copy, new_len, flags, addr, alen);
	free(copy);
	return rc < 0 ? rc : (ssize_t)len;
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	static write_fn real;
	if (!real)
		real = (write_fn)dlsym(RTLD_NEXT, "write");
	if (is_xfrm_netlink(fd))
		return sendto(fd, buf, len, 0, NULL, 0);
	return real(fd, buf, len);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	static sendmsg_fn real;
	if (!real)
		real = (sendmsg_fn)dlsym(RTLD_NEXT, "sendmsg");
	if (!is_xfrm_netlink(fd))
		return real(fd, msg, flags);

	/* Netlink requests may be split over several iovecs (iproute2 does this): flatten first. */
	size_t total = 0;
	for (size_t i = 0; i < msg->msg_iovlen; i++)
		total += msg->msg_iov[i].iov_len;
	unsigned char *flat = malloc(total ? total : 1);
	if (!flat)
		return real(fd, msg, flags);
	size_t at = 0;
	for (size_t i = 0; i < msg->msg_iovlen; i++) {
		memcpy(flat + at, msg->msg_iov[i].iov_base, msg->msg_iov[i].iov_len);
		at += msg->msg_iov[i].iov_len;
	}
	size_t new_len;
	unsigned char *copy = rewrite(flat, total, &new_len);
	free(flat);
	if (!copy)
		return real(fd, msg, flags);
	struct iovec iov = { .iov_base = copy, .iov_len = new_len };
	struct msghdr m = *msg;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	ssize_t rc = real(fd, &m, flags);
	free(copy);
	return rc < 0 ? rc : (ssize_t)total;
}
