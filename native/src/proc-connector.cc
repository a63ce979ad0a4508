// The kernel's process-event connector (NETLINK_CONNECTOR, CN_IDX_PROC) for track_process: open a
// socket bound to the process-event multicast group, read an int socket option, and mark an inherited
// descriptor close-on-exec. Datagrams are read with kanet's recv (which reports the sender's netlink port). The listen request and the
// event datagrams are built and parsed in TypeScript (src/vrrp/process-track/connector-codec.ts);
// readiness comes through kanet's Poller (uv_poll). Failures are returned as -errno, never thrown.
#include <napi.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// procConnectorOpen() -> fd, -errno (socket failed) or -(errno + 0x10000) (bind failed).
// The socket is bound to CN_IDX_PROC with our pid as port id.
// A socket opened in a network namespace other than the initial one is created, but the kernel
// refuses its listen request (ECONNREFUSED) and sends it no events.
Napi::Value ProcConnectorOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR);
  if (fd < 0) return Napi::Number::New(env, -errno);
  sockaddr_nl sa;
  memset(&sa, 0, sizeof(sa));
  sa.nl_family = AF_NETLINK;
  sa.nl_groups = CN_IDX_PROC;
  sa.nl_pid = static_cast<__u32>(getpid());
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) < 0) {
    int e = errno;
    close(fd);
    return Napi::Number::New(env, -(e + 0x10000));  // a failed bind, told apart from a failed socket()
  }
  return Napi::Number::New(env, fd);
}

// setCloexec(fd) -> 0 or -errno: an inherited descriptor must not reach the scripts we run.
Napi::Value SetCloexec(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  int flags = fcntl(fd, F_GETFD);
  int r = flags < 0 ? -1 : fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  return Napi::Number::New(info.Env(), r < 0 ? -errno : 0);
}

// getsockoptInt(fd, level, name) -> the int option's value or -errno.
Napi::Value GetSockOptInt(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  int level = info[1].As<Napi::Number>().Int32Value();
  int name = info[2].As<Napi::Number>().Int32Value();
  int v = 0;
  socklen_t len = sizeof(v);
  int r = getsockopt(fd, level, name, &v, &len);
  return Napi::Number::New(info.Env(), r < 0 ? -errno : v);
}

}  // namespace

void InitProcConnector(Napi::Env env, Napi::Object exports) {
  exports.Set("procConnectorOpen", Napi::Function::New(env, ProcConnectorOpen));
  exports.Set("setCloexec", Napi::Function::New(env, SetCloexec));
  exports.Set("getsockoptInt", Napi::Function::New(env, GetSockOptInt));
}
