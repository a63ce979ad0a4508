// Namespace switching for `net_namespace` / `-s`: setns(2) on an open namespace file, unshare(2) of
// the mount namespace, and the mount(2) / umount(2) calls that give the daemon its private
// /run/keepalived. All of these act on the calling thread only (the event-loop thread when called
// from JavaScript): processes forked from it afterwards start wholly inside the new namespaces.
// Failures are returned as -errno, never thrown.
#include <napi.h>

#include <cerrno>
#include <sched.h>
#include <string>
#include <sys/mount.h>

namespace {

// setns(fd, nstype) -> 0 or -errno.
Napi::Value SetNs(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  int type = info[1].As<Napi::Number>().Int32Value();
  return Napi::Number::New(info.Env(), setns(fd, type) < 0 ? -errno : 0);
}

// unshare(flags) -> 0 or -errno.
Napi::Value Unshare(const Napi::CallbackInfo& info) {
  int flags = info[0].As<Napi::Number>().Int32Value();
  return Napi::Number::New(info.Env(), unshare(flags) < 0 ? -errno : 0);
}

// mount(source, target, fstype|null, flags) -> 0 or -errno (no data argument).
Napi::Value Mount(const Napi::CallbackInfo& info) {
  std::string src = info[0].As<Napi::String>().Utf8Value();
  std::string target = info[1].As<Napi::String>().Utf8Value();
  std::string fstype = info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : std::string();
  unsigned long flags = static_cast<unsigned long>(info[3].As<Napi::Number>().Int64Value());
  int r = mount(src.c_str(), target.c_str(), info[2].IsString() ? fstype.c_str() : nullptr, flags, nullptr);
  return Napi::Number::New(info.Env(), r < 0 ? -errno : 0);
}

// umount(target) -> 0 or -errno.
Napi::Value Umount(const Napi::CallbackInfo& info) {
  std::string target = info[0].As<Napi::String>().Utf8Value();
  return Napi::Number::New(info.Env(), umount(target.c_str()) < 0 ? -errno : 0);
}

}  // namespace

void InitNamespaces(Napi::Env env, Napi::Object exports) {
  exports.Set("setns", Napi::Function::New(env, SetNs));
  exports.Set("unshare", Napi::Function::New(env, Unshare));
  exports.Set("mount", Napi::Function::New(env, Mount));
  exports.Set("umount", Napi::Function::New(env, Umount));
}
