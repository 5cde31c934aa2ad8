/*
 * Kernel receive timestamps for inbound UDP, for the harness timeline.
 *
 * Node's dgram sockets and the raw-socket addon read with recv(2)/recvfrom(2),
 * which drop the control messages SO_TIMESTAMPNS attaches (socket(7)), so the
 * time a packet reached the host is lost and only the event loop's time of
 * reading it remains. This addon opens a raw IPPROTO_UDP socket (raw(7): it gets
 * a copy of every inbound UDP packet, queued before the UDP socket's copy) with
 * SO_TIMESTAMPNS and reads it with recvmsg(2). It has no poller of its own: the
 * harness drains it synchronously when a UDP datagram arrives, so the packet's
 * copy is already queued, and on a timer so the queue never overflows.
 *
 * Times leave as ages (CLOCK_REALTIME now minus the kernel's CLOCK_REALTIME
 * stamp, both read here) so that JavaScript maps them onto whatever clock it
 * was given: t = clock.now() - age.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PACKET 65535
#define MAX_PER_DRAIN 4096

static napi_value throw_errno(napi_env env, int err, const char *doing) {
  char message[256];
  snprintf(message, sizeof message, "%s: %s", doing, strerror(err));
  const char *code = err == EPERM ? "EPERM" : err == EACCES ? "EACCES" : err == EBADF ? "EBADF" : "ESYSCALL";
  napi_throw_error(env, code, message);
  return NULL;
}

static int fd_argument(napi_env env, napi_callback_info info, int32_t *fd) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return 0;
  return napi_get_value_int32(env, argv[0], fd) == napi_ok;
}

/* open(): fd of a non-blocking raw IPv4 UDP socket with nanosecond receive stamps. */
static napi_value open_socket(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd < 0) return throw_errno(env, errno, "socket(AF_INET, SOCK_RAW, IPPROTO_UDP)");
  int on = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, err, "setsockopt(SO_TIMESTAMPNS)");
  }
  /* Room for every UDP packet between two drains; the kernel caps it at rmem_max. */
  int size = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  napi_value result;
  napi_create_int32(env, fd, &result);
  return result;
}

static int64_t ns_of(const struct timespec *ts) {
  return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

/* drain(fd): [{ packet: Buffer (the IPv4 packet), ageNs: bigint }, …] of every queued packet, oldest first. */
static napi_value drain(napi_env env, napi_callback_info info) {
  int32_t fd;
  if (!fd_argument(env, info, &fd)) {
    napi_throw_type_error(env, NULL, "drain(fd) needs the descriptor open() returned");
    return NULL;
  }
  static unsigned char packet[MAX_PACKET];
  static int64_t stamps[MAX_PER_DRAIN];
  napi_value list;
  napi_create_array(env, &list);
  uint32_t count = 0;
  while (count < MAX_PER_DRAIN) {
    union {
      struct cmsghdr align;
      char bytes[CMSG_SPACE(sizeof(struct timespec))];
    } control;
    struct iovec iov = {packet, sizeof packet};
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.bytes;
    msg.msg_controllen = sizeof control.bytes;
    ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      return throw_errno(env, errno, "recvmsg");
    }
    int64_t stamp = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        struct timespec ts;
        memcpy(&ts, CMSG_DATA(c), sizeof ts);
        stamp = ns_of(&ts);
      }
    }
    napi_value entry, buffer;
    void *copy;
    napi_create_object(env, &entry);
    napi_create_buffer_copy(env, (size_t)n, packet, &copy, &buffer);
    napi_set_named_property(env, entry, "packet", buffer);
    napi_set_element(env, list, count, entry);
    stamps[count++] = stamp;
  }
  /* One reading of now for the whole batch, taken last: the caller reads its clock right after. */
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  int64_t now_ns = ns_of(&now);
  for (uint32_t i = 0; i < count; i++) {
    napi_value entry, age;
    napi_get_element(env, list, i, &entry);
    if (stamps[i] < 0) {
      napi_get_null(env, &age);
    } else {
      int64_t a = now_ns - stamps[i];
      napi_create_bigint_int64(env, a < 0 ? 0 : a, &age);
    }
    napi_set_named_property(env, entry, "ageNs", age);
  }
  return list;
}

static napi_value close_socket(napi_env env, napi_callback_info info) {
  int32_t fd;
  if (!fd_argument(env, info, &fd)) {
    napi_throw_type_error(env, NULL, "close(fd) needs the descriptor open() returned");
    return NULL;
  }
  if (close(fd) < 0) return throw_errno(env, errno, "close");
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"open", NULL, open_socket, NULL, NULL, NULL, napi_enumerable, NULL},
      {"drain", NULL, drain, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, close_socket, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
