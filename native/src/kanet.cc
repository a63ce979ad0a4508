// kanet: the project's minimal N-API addon for VRRP I/O that Node core cannot do.
// Owns: raw IP sockets (IPv4/IPv6, any protocol), setsockopt with a caller-built Buffer, bind,
// sendto, recvmsg returning the received TTL / hop limit, destination address and ifindex from
// ancillary data, rtnetlink requests sent to the kernel (AF_NETLINK sendto with an empty address),
// AF_PACKET frame send (gratuitous ARP / unsolicited NA), and readiness
// notification through uv_poll. Everything is non-blocking; failures are returned as -errno
// numbers (never thrown), so the TypeScript adapter turns them into values.
#include <napi.h>
#include <uv.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// socket(family, type, protocol) with SOCK_NONBLOCK|SOCK_CLOEXEC -> fd or -errno.
Napi::Value Socket(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int family = info[0].As<Napi::Number>().Int32Value();
  int type = info[1].As<Napi::Number>().Int32Value();
  int proto = info[2].As<Napi::Number>().Int32Value();
  int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  return Napi::Number::New(env, fd < 0 ? -errno : fd);
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  int r = close(fd);
  return Napi::Number::New(info.Env(), r < 0 ? -errno : 0);
}

// setsockopt(fd, level, name, buffer) -> 0 or -errno.
Napi::Value SetSockOpt(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  int level = info[1].As<Napi::Number>().Int32Value();
  int name = info[2].As<Napi::Number>().Int32Value();
  Napi::Buffer<uint8_t> buf = info[3].As<Napi::Buffer<uint8_t>>();
  int r = setsockopt(fd, level, name, buf.Data(), static_cast<socklen_t>(buf.Length()));
  return Napi::Number::New(info.Env(), r < 0 ? -errno : 0);
}

// Fills a sockaddr from (family, address bytes, port/protocol, scope id or ifindex).
socklen_t FillAddr(sockaddr_storage* ss, int family, const uint8_t* addr, size_t len, int port, int scope) {
  memset(ss, 0, sizeof(*ss));
  if (family == AF_INET && len == 4) {
    auto* sin = reinterpret_cast<sockaddr_in*>(ss);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(static_cast<uint16_t>(port));
    memcpy(&sin->sin_addr, addr, 4);
    return sizeof(sockaddr_in);
  }
  if (family == AF_INET6 && len == 16) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(ss);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(static_cast<uint16_t>(port));
    sin6->sin6_scope_id = static_cast<uint32_t>(scope);
    memcpy(&sin6->sin6_addr, addr, 16);
    return sizeof(sockaddr_in6);
  }
  if (family == AF_NETLINK && len == 0) {  // the kernel (port 0), for rtnetlink requests
    auto* nl = reinterpret_cast<sockaddr_nl*>(ss);
    nl->nl_family = AF_NETLINK;
    return sizeof(sockaddr_nl);
  }
  return 0;
}

// bind(fd, family, addrBytes, scope) -> 0 or -errno.
Napi::Value Bind(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  int family = info[1].As<Napi::Number>().Int32Value();
  Napi::Buffer<uint8_t> a = info[2].As<Napi::Buffer<uint8_t>>();
  int scope = info[3].As<Napi::Number>().Int32Value();
  sockaddr_storage ss;
  socklen_t sl = FillAddr(&ss, family, a.Data(), a.Length(), 0, scope);
  if (sl == 0) return Napi::Number::New(info.Env(), -EINVAL);
  int r = bind(fd, reinterpret_cast<sockaddr*>(&ss), sl);
  return Napi::Number::New(info.Env(), r < 0 ? -errno : 0);
}

// sendto(fd, payload, family, addrBytes, scope[, len]) -> bytes sent or -errno.
Napi::Value SendTo(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  Napi::Buffer<uint8_t> data = info[1].As<Napi::Buffer<uint8_t>>();
  int family = info[2].As<Napi::Number>().Int32Value();
  Napi::Buffer<uint8_t> a = info[3].As<Napi::Buffer<uint8_t>>();
  int scope = info[4].As<Napi::Number>().Int32Value();
  // optional 6th argument: send only the first `len` bytes of data (a reused transmit buffer)
  size_t len = data.Length();
  if (info.Length() > 5 && info[5].IsNumber()) {
    int64_t l = info[5].As<Napi::Number>().Int64Value();
    if (l < 0 || static_cast<size_t>(l) > len) return Napi::Number::New(info.Env(), -EINVAL);
    len = static_cast<size_t>(l);
  }
  sockaddr_storage ss;
  socklen_t sl = FillAddr(&ss, family, a.Data(), a.Length(), 0, scope);
  if (sl == 0) return Napi::Number::New(info.Env(), -EINVAL);
  ssize_t n = sendto(fd, data.Data(), len, 0, reinterpret_cast<sockaddr*>(&ss), sl);
  return Napi::Number::New(info.Env(), n < 0 ? -errno : static_cast<double>(n));
}

// sendFrame(fd, frame, ifindex): AF_PACKET SOCK_RAW send of a complete Ethernet frame.
Napi::Value SendFrame(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  Napi::Buffer<uint8_t> frame = info[1].As<Napi::Buffer<uint8_t>>();
  int ifindex = info[2].As<Napi::Number>().Int32Value();
  if (frame.Length() < 14) return Napi::Number::New(info.Env(), -EINVAL);
  sockaddr_ll ll;
  memset(&ll, 0, sizeof(ll));
  ll.sll_family = AF_PACKET;
  ll.sll_ifindex = ifindex;
  ll.sll_halen = ETH_ALEN;
  memcpy(&ll.sll_protocol, frame.Data() + 12, 2);  // ethertype, already network order
  memcpy(ll.sll_addr, frame.Data(), ETH_ALEN);
  ssize_t n = sendto(fd, frame.Data(), frame.Length(), 0, reinterpret_cast<sockaddr*>(&ll), sizeof(ll));
  return Napi::Number::New(info.Env(), n < 0 ? -errno : static_cast<double>(n));
}

// recv(fd, buf) -> -errno (e.g. -EAGAIN) or { n, src, ttl, dst, ifindex }.
// ttl is the IP_TTL / IPV6_HOPLIMIT cmsg value (-1 when the option was not enabled);
// dst/ifindex come from IP_PKTINFO / IPV6_PKTINFO when enabled; a netlink datagram adds nlPid, namelen.
Napi::Value Recv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  Napi::Buffer<uint8_t> buf = info[1].As<Napi::Buffer<uint8_t>>();
  sockaddr_storage from;
  iovec iov{buf.Data(), buf.Length()};
  alignas(cmsghdr) char control[256];
  msghdr msg;
  memset(&msg, 0, sizeof(msg));
  msg.msg_name = &from;
  msg.msg_namelen = sizeof(from);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  ssize_t n = recvmsg(fd, &msg, 0);
  if (n < 0) return Napi::Number::New(env, -errno);
  Napi::Object out = Napi::Object::New(env);
  out.Set("n", Napi::Number::New(env, static_cast<double>(n)));
  out.Set("truncated", Napi::Boolean::New(env, (msg.msg_flags & MSG_TRUNC) != 0));
  int ttl = -1, ifindex = 0;
  Napi::Value dst = env.Null();
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
      memcpy(&ttl, CMSG_DATA(c), sizeof(int));
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
      memcpy(&ttl, CMSG_DATA(c), sizeof(int));
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo pi;
      memcpy(&pi, CMSG_DATA(c), sizeof(pi));
      ifindex = pi.ipi_ifindex;
      dst = Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t*>(&pi.ipi_addr), 4);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo pi;
      memcpy(&pi, CMSG_DATA(c), sizeof(pi));
      ifindex = static_cast<int>(pi.ipi6_ifindex);
      dst = Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t*>(&pi.ipi6_addr), 16);
    }
  }
  Napi::Value src = env.Null();
  if (from.ss_family == AF_INET) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&from);
    src = Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t*>(&sin->sin_addr), 4);
  } else if (from.ss_family == AF_INET6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&from);
    src = Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t*>(&sin6->sin6_addr), 16);
    if (ifindex == 0) ifindex = static_cast<int>(sin6->sin6_scope_id);
  } else if (from.ss_family == AF_NETLINK) {  // the sender's port (the kernel's is 0) and the address length
    out.Set("nlPid", Napi::Number::New(env, reinterpret_cast<sockaddr_nl*>(&from)->nl_pid));
    out.Set("namelen", Napi::Number::New(env, msg.msg_namelen));
  }
  out.Set("src", src);
  out.Set("dst", dst);
  out.Set("ttl", Napi::Number::New(env, ttl));
  out.Set("ifindex", Napi::Number::New(env, ifindex));
  return out;
}

// recvPlain(fd, buf) -> bytes read or -errno: recv(2) without addresses or ancillary data (raw IPv4
// sockets, whose datagrams start with the IP header that carries source, destination and TTL).
Napi::Value RecvPlain(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  Napi::Buffer<uint8_t> buf = info[1].As<Napi::Buffer<uint8_t>>();
  ssize_t n = recv(fd, buf.Data(), buf.Length(), 0);
  return Napi::Number::New(info.Env(), n < 0 ? -errno : static_cast<double>(n));
}

// Poller: calls back on the JS thread whenever fd is readable, via uv_poll.
class Poller : public Napi::ObjectWrap<Poller> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "Poller", {InstanceMethod("stop", &Poller::Stop)});
  }

  Poller(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Poller>(info) {
    Napi::Env env = info.Env();
    int fd = info[0].As<Napi::Number>().Int32Value();
    cb_ = Napi::Persistent(info[1].As<Napi::Function>());
    uv_loop_t* loop = nullptr;
    napi_get_uv_event_loop(env, &loop);
    handle_ = new uv_poll_t;
    handle_->data = this;
    int r = uv_poll_init(loop, handle_, fd);
    if (r == 0) r = uv_poll_start(handle_, UV_READABLE, OnReady);
    if (r != 0) {
      delete handle_;
      handle_ = nullptr;
      Napi::Error::New(env, uv_strerror(r)).ThrowAsJavaScriptException();
      return;
    }
    Ref();  // stay alive while polling, even if JS drops the object
  }

  ~Poller() override { StopPoll(); }

 private:
  static void OnReady(uv_poll_t* h, int status, int) {
    auto* self = static_cast<Poller*>(h->data);
    if (self == nullptr || self->cb_.IsEmpty()) return;
    Napi::Env env = self->cb_.Env();
    Napi::HandleScope scope(env);
    self->cb_.MakeCallback(env.Global(), {Napi::Number::New(env, status)});
    // libuv stops a poll handle whose descriptor reports POLLERR and calls back with UV_EBADF. A
    // socket error is not the end of the socket: a netlink ENOBUFS (events dropped) or an ICMP
    // error sets it, the read in the callback consumes it, and data may still be queued. Poll
    // again (unless the callback stopped us); a descriptor really gone fails to restart.
    if (status < 0 && self->handle_ == h) {
      if (uv_poll_start(h, UV_READABLE, OnReady) != 0) self->cb_.MakeCallback(env.Global(), {Napi::Number::New(env, status)});
    }
  }

  void StopPoll() {
    if (handle_ == nullptr) return;
    uv_poll_stop(handle_);
    handle_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(handle_), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
    handle_ = nullptr;
  }

  Napi::Value Stop(const Napi::CallbackInfo& info) {
    bool was = handle_ != nullptr;
    StopPoll();
    if (was) Unref();
    return info.Env().Undefined();
  }

  uv_poll_t* handle_ = nullptr;
  Napi::FunctionReference cb_;
};

Napi::Value StrError(const Napi::CallbackInfo& info) {
  int e = info[0].As<Napi::Number>().Int32Value();
  return Napi::String::New(info.Env(), strerror(e < 0 ? -e : e));
}

}  // namespace

Napi::Function InitTcpProber(Napi::Env env);  // tcp-prober.cc
void InitSpawnAs(Napi::Env env, Napi::Object exports);  // spawn-as.cc
void InitProcConnector(Napi::Env env, Napi::Object exports);  // proc-connector.cc
void InitNamespaces(Napi::Env env, Napi::Object exports);  // namespaces.cc
void InitLinkbeat(Napi::Env env, Napi::Object exports);  // linkbeat.cc
void InitProcessAttrs(Napi::Env env, Napi::Object exports);  // process-attrs.cc
void InitInotify(Napi::Env env, Napi::Object exports);  // inotify.cc

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("socket", Napi::Function::New(env, Socket));
  exports.Set("close", Napi::Function::New(env, Close));
  exports.Set("setsockopt", Napi::Function::New(env, SetSockOpt));
  exports.Set("bind", Napi::Function::New(env, Bind));
  exports.Set("sendto", Napi::Function::New(env, SendTo));
  exports.Set("sendFrame", Napi::Function::New(env, SendFrame));
  exports.Set("recv", Napi::Function::New(env, Recv));
  exports.Set("recvPlain", Napi::Function::New(env, RecvPlain));
  exports.Set("strerror", Napi::Function::New(env, StrError));
  exports.Set("Poller", Poller::Init(env));
  exports.Set("TcpProber", InitTcpProber(env));
  InitSpawnAs(env, exports);
  InitProcConnector(env, exports);
  InitNamespaces(env, exports);
  InitLinkbeat(env, exports);
  InitProcessAttrs(env, exports);
  InitInotify(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(kanet, Init)
