/*
 * LD_PRELOAD shim for pcscd: turn Nagle off (TCP_NODELAY) on every TCP
 * socket the process accepts or connects. Debian's vpcd 3.3 sends a frame's
 * length and its payload in two send() calls; with Nagle on, the payload
 * waits for the card's delayed ACK, about 40 ms an APDU (DOMAIN.md "PC/SC
 * plumbing"; vsmartcard issue #322). Built by scripts/pcscd/pcscd.sh.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static void nodelay(int fd, sa_family_t family) {
  int on = 1, saved = errno;
  if (family == AF_INET || family == AF_INET6) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  errno = saved; /* a UDP socket refuses the option: not the caller's concern */
}

int accept(int fd, struct sockaddr *addr, socklen_t *len) {
  static int (*real)(int, struct sockaddr *, socklen_t *);
  if (!real) real = (int (*)(int, struct sockaddr *, socklen_t *))dlsym(RTLD_NEXT, "accept");
  int client = real(fd, addr, len);
  struct sockaddr_storage own;
  socklen_t own_len = sizeof own;
  if (client >= 0 && getsockname(client, (struct sockaddr *)&own, &own_len) == 0) nodelay(client, own.ss_family);
  return client;
}

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
  static int (*real)(int, const struct sockaddr *, socklen_t);
  if (!real) real = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "connect");
  if (addr) nodelay(fd, addr->sa_family);
  return real(fd, addr, len);
}
