/*
 * Batched UDP datagram I/O for the fake peer.
 *
 * Node's dgram costs a sendmsg(2), a SendWrap and a callback per datagram sent
 * and a 'message' callback per datagram received: at thousands of DPD probes a
 * second that, not the IKE engine, is most of the CPU (docs/performance.md).
 * This addon owns an IPv4 UDP socket polled on Node's own libuv loop: when it is
 * readable it drains it with recvmmsg(2), up to BATCH datagrams a call, and
 * makes ONE JavaScript call per batch (one Buffer holding the payloads back to
 * back, and a Float64Array of FIELDS numbers per datagram), so nothing is
 * allocated per datagram on this side. Sends arrive as one Buffer and a
 * metadata array too and leave with sendmmsg(2), each datagram's errno coming
 * back in an Int32Array.
 *
 * The receive buffers (BATCH slots of SLOT bytes) are one set per JavaScript
 * environment, not one per socket: reads run on that environment's loop thread
 * and deliver() copies every batch out before the next read, so no two sockets
 * ever fill them at once, and a fake peer bound to a thousand addresses does
 * not hold a thousand sets.
 *
 * SO_TIMESTAMPNS gives each datagram the kernel's receive stamp on the socket
 * itself (no raw socket, no CAP_NET_RAW). Like rx-stamp.c it leaves as an age,
 * CLOCK_REALTIME now minus the stamp, both read here, so that JavaScript maps
 * it onto its injected clock: t = clock.now() - age.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#define BATCH 64
#define SLOT 65536
/* Batches per readable event: the loop gets a turn between drains of a flooded socket. */
#define ROUNDS 16
/* Per received datagram: offset, length, IPv4 source (host order), source port, age ns (-1: no stamp). */
#define FIELDS 5
/* Per datagram to send: offset, length, IPv4 destination (host order), destination port. */
#define SEND_FIELDS 4

typedef struct {
  uv_poll_t poll;
  int fd;
  int closing;
  /* Set by libuv's close callback / by the external's finalizer: whichever runs second frees. */
  int released;
  int finalized;
  napi_env env;
  napi_ref on_batch;
  napi_ref self;
  napi_async_context context;
  /* This environment's receive buffers (shared_slab), not the socket's own. */
  struct receive_slab *slab;
} udp_batch;

/*
 * One environment's receive buffers. Freed when the environment is gone and its last
 * socket closed, whichever comes second: libuv may still poll a socket while its
 * environment is torn down.
 */
struct receive_slab {
  unsigned char *bytes;
  int sockets;
  int env_gone;
};

static void release_slab(struct receive_slab *slab) {
  if (slab->sockets > 0 || !slab->env_gone) return;
  free(slab->bytes);
  free(slab);
}

static void on_env_gone(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  struct receive_slab *slab = data;
  slab->env_gone = 1;
  release_slab(slab);
}

/* The environment's receive buffers, made on its first open(); counts the socket in. */
static struct receive_slab *shared_slab(napi_env env) {
  void *data = NULL;
  struct receive_slab *slab = NULL;
  if (napi_get_instance_data(env, &data) == napi_ok && data != NULL) {
    slab = data;
  } else {
    slab = calloc(1, sizeof *slab);
    if (slab == NULL) return NULL;
    slab->bytes = malloc((size_t)BATCH * SLOT);
    if (slab->bytes == NULL || napi_set_instance_data(env, slab, on_env_gone, NULL) != napi_ok) {
      free(slab->bytes);
      free(slab);
      return NULL;
    }
  }
  slab->sockets++;
  return slab;
}

static const char *code_of(int err) {
  switch (err) {
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case EMSGSIZE: return "EMSGSIZE";
    case ENETUNREACH: return "ENETUNREACH";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ENOBUFS: return "ENOBUFS";
    default: return "ESYSCALL";
  }
}

static napi_value throw_errno(napi_env env, int err, const char *doing) {
  char message[256];
  snprintf(message, sizeof message, "%s: %s", doing, strerror(err));
  napi_throw_error(env, code_of(err), message);
  return NULL;
}

static napi_value throw_type(napi_env env, const char *message) {
  napi_throw_type_error(env, "ERR_INVALID_ARG", message);
  return NULL;
}

static int64_t ns_of(const struct timespec *ts) {
  return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static udp_batch *handle_of(napi_env env, napi_value value) {
  udp_batch *h = NULL;
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_external) return NULL;
  if (napi_get_value_external(env, value, (void **)&h) != napi_ok) return NULL;
  return h;
}

static void on_closed(uv_handle_t *poll) {
  udp_batch *h = (udp_batch *)poll->data;
  close(h->fd);
  h->slab->sockets--;
  release_slab(h->slab);
  h->slab = NULL;
  h->released = 1;
  if (h->finalized) free(h);
}

/* The handle is held by a reference until close(), so this only runs after it. */
static void on_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  udp_batch *h = (udp_batch *)data;
  h->finalized = 1;
  if (h->released) free(h);
}

/* Hands the JS side what was read; one call per batch. */
static void deliver(udp_batch *h, struct mmsghdr *msgs, struct sockaddr_in *from, int n, int err) {
  napi_env env = h->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value buffer, meta, count, error, callback, resource;
  size_t total = 0;
  for (int i = 0; i < n; i++) total += msgs[i].msg_len;
  void *data;
  napi_create_buffer(env, total, &data, &buffer);
  void *meta_data;
  napi_value meta_buffer;
  napi_create_arraybuffer(env, sizeof(double) * FIELDS * (size_t)n, &meta_data, &meta_buffer);
  napi_create_typedarray(env, napi_float64_array, FIELDS * (size_t)n, meta_buffer, 0, &meta);
  double *m = (double *)meta_data;
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  int64_t now_ns = ns_of(&now);
  size_t offset = 0;
  for (int i = 0; i < n; i++) {
    size_t len = msgs[i].msg_len;
    memcpy((unsigned char *)data + offset, h->slab->bytes + (size_t)i * SLOT, len);
    int64_t age = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c != NULL; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        struct timespec ts;
        memcpy(&ts, CMSG_DATA(c), sizeof ts);
        age = now_ns - ns_of(&ts);
        if (age < 0) age = 0;
      }
    }
    double *f = m + (size_t)i * FIELDS;
    f[0] = (double)offset;
    f[1] = (double)len;
    f[2] = (double)ntohl(from[i].sin_addr.s_addr);
    f[3] = (double)ntohs(from[i].sin_port);
    f[4] = (double)age;
    offset += len;
  }
  napi_create_int32(env, n, &count);
  napi_create_int32(env, err, &error);
  napi_get_reference_value(env, h->on_batch, &callback);
  napi_get_reference_value(env, h->self, &resource);
  napi_value argv[4] = {buffer, meta, count, error};
  napi_value result;
  /* make_callback, not call_function: microtasks queued by the handler run when it returns. */
  if (napi_make_callback(env, h->context, resource, callback, 4, argv, &result) == napi_pending_exception) {
    napi_value exception;
    napi_get_and_clear_last_exception(env, &exception);
    napi_fatal_exception(env, exception);
  }
  napi_close_handle_scope(env, scope);
}

static void on_readable(uv_poll_t *poll, int status, int events) {
  (void)events;
  udp_batch *h = (udp_batch *)poll->data;
  if (h->closing) return;
  if (status < 0) {
    deliver(h, NULL, NULL, 0, -status);
    return;
  }
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  struct sockaddr_in from[BATCH];
  union {
    struct cmsghdr align;
    char bytes[CMSG_SPACE(sizeof(struct timespec))];
  } control[BATCH];
  for (int round = 0; round < ROUNDS && !h->closing; round++) {
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < BATCH; i++) {
      iov[i].iov_base = h->slab->bytes + (size_t)i * SLOT;
      iov[i].iov_len = SLOT;
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof from[i];
      msgs[i].msg_hdr.msg_control = control[i].bytes;
      msgs[i].msg_hdr.msg_controllen = sizeof control[i].bytes;
    }
    int n = recvmmsg(h->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n < 0) {
      if (errno == EINTR) continue;
      /* Drained. ECONNREFUSED and the like are ICMP errors of earlier sends: not this socket's fault. */
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNREFUSED || errno == EHOSTUNREACH || errno == ENETUNREACH) return;
      deliver(h, NULL, NULL, 0, errno);
      return;
    }
    if (n == 0) return;
    deliver(h, msgs, from, n, 0);
    if (n < BATCH) return;
  }
}

static int parse_ipv4(napi_env env, napi_value value, struct in_addr *out) {
  char text[64];
  size_t len;
  if (napi_get_value_string_utf8(env, value, text, sizeof text, &len) != napi_ok) return 0;
  return inet_pton(AF_INET, text, out) == 1;
}

/* open(address, port, onBatch(buffer, meta, count, errno)) → handle. */
static napi_value open_socket(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3) return throw_type(env, "open(address, port, onBatch) needs three arguments");
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  if (!parse_ipv4(env, argv[0], &addr.sin_addr)) return throw_type(env, "open: address must be a dotted-quad IPv4 address");
  int32_t port;
  if (napi_get_value_int32(env, argv[1], &port) != napi_ok || port < 0 || port > 65535) return throw_type(env, "open: port must be 0..65535");
  napi_valuetype type;
  napi_typeof(env, argv[2], &type);
  if (type != napi_function) return throw_type(env, "open: onBatch must be a function");
  addr.sin_port = htons((uint16_t)port);

  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) {
    napi_throw_error(env, "ENOLOOP", "open: no libuv loop for this environment");
    return NULL;
  }
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, errno, "socket(AF_INET, SOCK_DGRAM)");
  int on = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, err, "bind");
  }
  udp_batch *h = calloc(1, sizeof *h);
  struct receive_slab *slab = h == NULL ? NULL : shared_slab(env);
  if (h == NULL || slab == NULL) {
    free(h);
    close(fd);
    return throw_errno(env, ENOMEM, "open");
  }
  h->fd = fd;
  h->env = env;
  h->slab = slab;
  int rc = uv_poll_init(loop, &h->poll, fd);
  if (rc == 0) rc = uv_poll_start(&h->poll, UV_READABLE, on_readable);
  if (rc != 0) {
    slab->sockets--;
    free(h);
    close(fd);
    napi_throw_error(env, "EPOLL", uv_strerror(rc));
    return NULL;
  }
  h->poll.data = h;
  napi_value handle, name;
  napi_create_external(env, h, on_finalize, NULL, &handle);
  napi_create_reference(env, argv[2], 1, &h->on_batch);
  napi_create_reference(env, handle, 1, &h->self);
  napi_create_string_utf8(env, "udp-batch", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, handle, name, &h->context);
  return handle;
}

static udp_batch *open_handle(napi_env env, napi_value value) {
  udp_batch *h = handle_of(env, value);
  if (h == NULL) throw_type(env, "needs the handle open() returned");
  else if (h->closing) {
    napi_throw_error(env, "EBADF", "socket is closed");
    return NULL;
  }
  return h;
}

/* address(handle) → [dotted quad, port]. */
static napi_value local_address(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  udp_batch *h = argc < 1 ? NULL : open_handle(env, argv[0]);
  if (h == NULL) return argc < 1 ? throw_type(env, "address(handle)") : NULL;
  struct sockaddr_in addr;
  socklen_t len = sizeof addr;
  if (getsockname(h->fd, (struct sockaddr *)&addr, &len) < 0) return throw_errno(env, errno, "getsockname");
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &addr.sin_addr, text, sizeof text);
  napi_value result, a, p;
  napi_create_array_with_length(env, 2, &result);
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &a);
  napi_create_int32(env, ntohs(addr.sin_port), &p);
  napi_set_element(env, result, 0, a);
  napi_set_element(env, result, 1, p);
  return result;
}

/* buffers(handle, receive, send): sets those not -1, then → [SO_RCVBUF, SO_SNDBUF] as the kernel reports them. */
static napi_value buffers(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3) return throw_type(env, "buffers(handle, receive, send)");
  udp_batch *h = open_handle(env, argv[0]);
  if (h == NULL) return NULL;
  int32_t want[2];
  int opts[2] = {SO_RCVBUF, SO_SNDBUF};
  int got[2];
  for (int i = 0; i < 2; i++) {
    if (napi_get_value_int32(env, argv[1 + i], &want[i]) != napi_ok) return throw_type(env, "buffers: sizes must be numbers");
    if (want[i] >= 0 && setsockopt(h->fd, SOL_SOCKET, opts[i], &want[i], sizeof want[i]) < 0) return throw_errno(env, errno, "setsockopt");
    socklen_t len = sizeof got[i];
    if (getsockopt(h->fd, SOL_SOCKET, opts[i], &got[i], &len) < 0) return throw_errno(env, errno, "getsockopt");
  }
  napi_value result, r, s;
  napi_create_array_with_length(env, 2, &result);
  napi_create_int32(env, got[0], &r);
  napi_create_int32(env, got[1], &s);
  napi_set_element(env, result, 0, r);
  napi_set_element(env, result, 1, s);
  return result;
}

/* send(handle, buffer, meta Int32Array, count) → Int32Array of errno per datagram (0: the kernel has it). */
static napi_value send_batch(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 4) return throw_type(env, "send(handle, buffer, meta, count)");
  udp_batch *h = open_handle(env, argv[0]);
  if (h == NULL) return NULL;
  void *data;
  size_t data_len;
  bool is_buffer = false;
  napi_is_buffer(env, argv[1], &is_buffer);
  if (!is_buffer || napi_get_buffer_info(env, argv[1], &data, &data_len) != napi_ok) return throw_type(env, "send: buffer must be a Buffer");
  napi_typedarray_type type;
  size_t meta_len;
  void *meta_data;
  bool is_typed = false;
  napi_is_typedarray(env, argv[2], &is_typed);
  if (!is_typed) return throw_type(env, "send: meta must be an Int32Array");
  napi_get_typedarray_info(env, argv[2], &type, &meta_len, &meta_data, NULL, NULL);
  int32_t count;
  if (type != napi_int32_array || napi_get_value_int32(env, argv[3], &count) != napi_ok || count < 0 || (size_t)count * SEND_FIELDS > meta_len)
    return throw_type(env, "send: meta must be an Int32Array of 4 numbers per datagram, count within it");
  const int32_t *m = (const int32_t *)meta_data;
  for (int32_t i = 0; i < count; i++) {
    const int32_t *f = m + (size_t)i * SEND_FIELDS;
    if (f[0] < 0 || f[1] < 0 || (size_t)f[0] + (size_t)f[1] > data_len || f[3] < 0 || f[3] > 65535) return throw_type(env, "send: a datagram lies outside the buffer or has a bad port");
  }
  napi_value errors_buffer, errors;
  void *errors_data;
  napi_create_arraybuffer(env, sizeof(int32_t) * (size_t)count, &errors_data, &errors_buffer);
  napi_create_typedarray(env, napi_int32_array, (size_t)count, errors_buffer, 0, &errors);
  int32_t *e = (int32_t *)errors_data;
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  struct sockaddr_in to[BATCH];
  int32_t done = 0;
  while (done < count) {
    int n = count - done < BATCH ? count - done : BATCH;
    memset(msgs, 0, sizeof(struct mmsghdr) * (size_t)n);
    for (int i = 0; i < n; i++) {
      const int32_t *f = m + (size_t)(done + i) * SEND_FIELDS;
      iov[i].iov_base = (unsigned char *)data + f[0];
      iov[i].iov_len = (size_t)f[1];
      memset(&to[i], 0, sizeof to[i]);
      to[i].sin_family = AF_INET;
      to[i].sin_addr.s_addr = htonl((uint32_t)f[2]);
      to[i].sin_port = htons((uint16_t)f[3]);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &to[i];
      msgs[i].msg_hdr.msg_namelen = sizeof to[i];
    }
    int sent = sendmmsg(h->fd, msgs, (unsigned)n, 0);
    if (sent < 0) {
      if (errno == EINTR) continue;
      /* The first datagram of this run failed: say so and go on with the next. */
      e[done++] = errno;
      continue;
    }
    for (int i = 0; i < sent; i++) e[done + i] = 0;
    done += sent;
  }
  return errors;
}

/* close(handle): stops polling; the descriptor is closed once libuv lets go of it. */
static napi_value close_socket(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  udp_batch *h = argc < 1 ? NULL : handle_of(env, argv[0]);
  if (h == NULL) return throw_type(env, "close(handle) needs the handle open() returned");
  if (h->closing) return NULL;
  h->closing = 1;
  uv_poll_stop(&h->poll);
  napi_delete_reference(env, h->on_batch);
  napi_delete_reference(env, h->self);
  napi_async_destroy(env, h->context);
  uv_close((uv_handle_t *)&h->poll, on_closed);
  return NULL;
}

/* receiveBufferBytes(): the bytes of receive buffers this environment holds (one set, once a socket opened). */
static napi_value receive_buffer_bytes(napi_env env, napi_callback_info info) {
  (void)info;
  void *data = NULL;
  napi_get_instance_data(env, &data);
  napi_value result;
  napi_create_double(env, data == NULL ? 0 : (double)BATCH * SLOT, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"open", NULL, open_socket, NULL, NULL, NULL, napi_enumerable, NULL},
      {"address", NULL, local_address, NULL, NULL, NULL, napi_enumerable, NULL},
      {"buffers", NULL, buffers, NULL, NULL, NULL, napi_enumerable, NULL},
      {"send", NULL, send_batch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, close_socket, NULL, NULL, NULL, napi_enumerable, NULL},
      {"receiveBufferBytes", NULL, receive_buffer_bytes, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
