// inotify(7) for the parent's reload_time_file monitor (src/daemon/reload/time-monitor.ts): an
// instance (non-blocking, close-on-exec), watches, and read(2) of its events into a Buffer; the
// events are parsed in TypeScript, readiness comes through kanet's Poller. Node's fs.watch cannot
// ask for IN_CLOSE_WRITE, which keepalived 2.2.7 waits for before it reads the file.
// Failures are returned as -errno, never thrown.
#include <napi.h>

#include <cerrno>
#include <string>
#include <sys/inotify.h>
#include <unistd.h>

namespace {

// inotifyInit() -> fd or -errno
Napi::Value InotifyInit(const Napi::CallbackInfo& info) {
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  return Napi::Number::New(info.Env(), fd < 0 ? -errno : fd);
}

// inotifyAddWatch(fd, path, mask) -> watch descriptor or -errno
Napi::Value InotifyAddWatch(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  std::string path = info[1].As<Napi::String>().Utf8Value();
  uint32_t mask = info[2].As<Napi::Number>().Uint32Value();
  int wd = inotify_add_watch(fd, path.c_str(), mask);
  return Napi::Number::New(info.Env(), wd < 0 ? -errno : wd);
}

// inotifyRmWatch(fd, wd) -> 0 or -errno
Napi::Value InotifyRmWatch(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  int wd = info[1].As<Napi::Number>().Int32Value();
  return Napi::Number::New(info.Env(), inotify_rm_watch(fd, wd) < 0 ? -errno : 0);
}

// readFd(fd, buf) -> bytes read or -errno (read(2); inotify descriptors are not sockets)
Napi::Value ReadFd(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  Napi::Buffer<uint8_t> buf = info[1].As<Napi::Buffer<uint8_t>>();
  ssize_t n = read(fd, buf.Data(), buf.Length());
  return Napi::Number::New(info.Env(), n < 0 ? -errno : static_cast<double>(n));
}

}  // namespace

void InitInotify(Napi::Env env, Napi::Object exports) {
  exports.Set("inotifyInit", Napi::Function::New(env, InotifyInit));
  exports.Set("inotifyAddWatch", Napi::Function::New(env, InotifyAddWatch));
  exports.Set("inotifyRmWatch", Napi::Function::New(env, InotifyRmWatch));
  exports.Set("readFd", Napi::Function::New(env, ReadFd));
}
