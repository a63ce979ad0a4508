// TcpProber: TCP_CHECK's connect-then-close at scale. Each probe is a non-blocking socket whose
// connect is registered (EPOLLOUT | EPOLLONESHOT) on a private epoll set; one uv_poll watches that
// set and each wake-up finishes every completed connect (getsockopt SO_ERROR, then close(2): a FIN
// after a connect that succeeded, as keepalived's close(fd)) and reports them to JS in one call
// through two Int32Arrays (ids, errno values) and a count. Per probe this is socket, [bind,]
// connect, one epoll_ctl, getsockopt and close, with no libuv handle, no JS object and no callback
// of its own. Errors are returned as numbers, never thrown.
#include <napi.h>
#include <uv.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

constexpr int kBatch = 1024;
// start() returns -(errno + kBindErr) when bind() failed (-errno for socket/connect failures).
constexpr int kBindErr = 4096;

// A literal address (JS string, no copy to the heap) and a port into a sockaddr; 0 if not parsable.
socklen_t ToSockaddr(napi_env env, napi_value str, int family, int port, sockaddr_storage* ss) {
  char text[INET6_ADDRSTRLEN + 1];
  size_t len = 0;
  if (napi_get_value_string_utf8(env, str, text, sizeof(text), &len) != napi_ok) return 0;
  memset(ss, 0, sizeof(*ss));
  if (family == AF_INET) {
    auto* sin = reinterpret_cast<sockaddr_in*>(ss);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(static_cast<uint16_t>(port));
    return inet_pton(AF_INET, text, &sin->sin_addr) == 1 ? sizeof(sockaddr_in) : 0;
  }
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(ss);
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(static_cast<uint16_t>(port));
  return inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1 ? sizeof(sockaddr_in6) : 0;
}

class TcpProber : public Napi::ObjectWrap<TcpProber> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "TcpProber", {
      InstanceMethod("start", &TcpProber::Start),
      InstanceMethod("cancel", &TcpProber::Cancel),
      InstanceMethod("connected", &TcpProber::Connected),
      InstanceMethod("close", &TcpProber::CloseAll),
    });
  }

  // new TcpProber(onDone(ids: Int32Array, errs: Int32Array, n: number))
  TcpProber(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TcpProber>(info) {
    Napi::Env env = info.Env();
    cb_ = Napi::Persistent(info[0].As<Napi::Function>());
    ids_ = Napi::Persistent(Napi::Int32Array::New(env, kBatch));
    errs_ = Napi::Persistent(Napi::Int32Array::New(env, kBatch));
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    if (ep_ < 0) { Napi::Error::New(env, strerror(errno)).ThrowAsJavaScriptException(); return; }
    uv_loop_t* loop = nullptr;
    napi_get_uv_event_loop(env, &loop);
    poll_ = new uv_poll_t;
    poll_->data = this;
    int r = uv_poll_init(loop, poll_, ep_);
    if (r == 0) r = uv_poll_start(poll_, UV_READABLE, OnReady);
    if (r != 0) {
      delete poll_;
      poll_ = nullptr;
      Napi::Error::New(env, uv_strerror(r)).ThrowAsJavaScriptException();
      return;
    }
    // Only probes in flight keep the event loop alive.
    uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
    Ref();
  }

  ~TcpProber() override { Shutdown(); }

 private:
  // start(id, family (4|6), host, port, bindto: string | null, bindPort) -> fd, or a negative code.
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    int id = info[0].As<Napi::Number>().Int32Value();
    int family = info[1].As<Napi::Number>().Int32Value() == 6 ? AF_INET6 : AF_INET;
    int port = info[3].As<Napi::Number>().Int32Value();
    sockaddr_storage dst;
    socklen_t dlen = ToSockaddr(env, info[2], family, port, &dst);
    if (dlen == 0) return Napi::Number::New(env, -EINVAL);
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return Napi::Number::New(env, -errno);
    if (info[4].IsString() || info[5].As<Napi::Number>().Int32Value() != 0) {
      sockaddr_storage src;
      socklen_t slen = info[4].IsString() ? ToSockaddr(env, info[4], family, info[5].As<Napi::Number>().Int32Value(), &src) : 0;
      if (!info[4].IsString()) {  // bind_port alone: the wildcard address
        memset(&src, 0, sizeof(src));
        src.ss_family = static_cast<sa_family_t>(family);
        reinterpret_cast<sockaddr_in*>(&src)->sin_port = htons(static_cast<uint16_t>(info[5].As<Napi::Number>().Int32Value()));
        slen = family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
      }
      // As libuv's bind: a bind_port whose last check is in TIME_WAIT stays usable.
      int on = 1;
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
      if (slen == 0 || bind(fd, reinterpret_cast<const sockaddr*>(&src), slen) < 0) {
        int e = slen == 0 ? EINVAL : errno;
        close(fd);
        return Napi::Number::New(env, -(e + kBindErr));
      }
    }
    if (connect(fd, reinterpret_cast<const sockaddr*>(&dst), dlen) < 0 && errno != EINPROGRESS) {
      int e = errno;
      close(fd);
      return Napi::Number::New(env, -e);
    }
    epoll_event ev{};
    ev.events = EPOLLOUT | EPOLLONESHOT;
    ev.data.u64 = (static_cast<uint64_t>(static_cast<uint32_t>(id)) << 32) | static_cast<uint32_t>(fd);
    if (epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev) < 0) {
      int e = errno;
      close(fd);
      return Napi::Number::New(env, -e);
    }
    if (inflight_++ == 0 && poll_ != nullptr) uv_ref(reinterpret_cast<uv_handle_t*>(poll_));
    return Napi::Number::New(env, fd);
  }

  // cancel(fd): the probe's deadline passed (or the engine stops): close it; no report follows.
  Napi::Value Cancel(const Napi::CallbackInfo& info) {
    int fd = info[0].As<Napi::Number>().Int32Value();
    close(fd);
    Done(1);
    return info.Env().Undefined();
  }

  // connected(fd): has the kernel completed this connect (a peer address)? 1 or 0.
  Napi::Value Connected(const Napi::CallbackInfo& info) {
    int fd = info[0].As<Napi::Number>().Int32Value();
    sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    return Napi::Number::New(info.Env(), getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0 ? 1 : 0);
  }

  Napi::Value CloseAll(const Napi::CallbackInfo& info) {
    bool was = poll_ != nullptr;
    Shutdown();
    if (was) Unref();
    return info.Env().Undefined();
  }

  void Done(int n) {
    inflight_ -= n;
    if (inflight_ <= 0) {
      inflight_ = 0;
      if (poll_ != nullptr) uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
    }
  }

  static void OnReady(uv_poll_t* h, int status, int) {
    auto* self = static_cast<TcpProber*>(h->data);
    if (self == nullptr || status < 0) return;
    self->Drain();
  }

  void Drain() {
    Napi::Env env = cb_.Env();
    Napi::HandleScope scope(env);
    epoll_event evs[kBatch];
    for (;;) {
      int n = epoll_wait(ep_, evs, kBatch, 0);
      if (n <= 0) return;
      int32_t* ids = ids_.Value().Data();
      int32_t* errs = errs_.Value().Data();
      for (int i = 0; i < n; i++) {
        int fd = static_cast<int>(evs[i].data.u64 & 0xffffffffu);
        int err = 0;
        socklen_t len = sizeof(err);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
        close(fd);
        ids[i] = static_cast<int32_t>(evs[i].data.u64 >> 32);
        errs[i] = err;
      }
      Done(n);
      cb_.MakeCallback(env.Global(), {ids_.Value(), errs_.Value(), Napi::Number::New(env, n)});
      if (poll_ == nullptr || n < kBatch) return;
    }
  }

  void Shutdown() {
    if (poll_ != nullptr) {
      uv_poll_stop(poll_);
      poll_->data = nullptr;
      uv_close(reinterpret_cast<uv_handle_t*>(poll_), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
      poll_ = nullptr;
    }
    if (ep_ >= 0) { close(ep_); ep_ = -1; }
  }

  int ep_ = -1;
  int inflight_ = 0;
  uv_poll_t* poll_ = nullptr;
  Napi::FunctionReference cb_;
  Napi::Reference<Napi::Int32Array> ids_;
  Napi::Reference<Napi::Int32Array> errs_;
};

}  // namespace

Napi::Function InitTcpProber(Napi::Env env) { return TcpProber::Init(env); }
