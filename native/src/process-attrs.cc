// Process attributes keepalived sets on itself: the name (prctl PR_SET_NAME, /proc/PID/comm), the
// command line the kernel reports (/proc/PID/cmdline, moved with PR_SET_MM to a buffer of ours),
// real-time scheduling (sched_setscheduler SCHED_RR | SCHED_RESET_ON_FORK), niceness (setpriority),
// CPU affinity (sched_setaffinity), RLIMIT_RTTIME and RLIMIT_NOFILE (setrlimit). No mlockall: V8 aborts on locked
// memory (see src/daemon/process/priorities.ts).
// Scheduling calls act on the calling thread (pid 0 = the event-loop thread when called from
// JavaScript, which is the thread /proc/PID/sched describes). Failures are returned as -errno.
#include <napi.h>

#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <sched.h>
#include <string>
#include <sys/prctl.h>
#include <sys/resource.h>

namespace {

// setCommName(name) -> 0 or -errno. The kernel keeps at most 15 bytes.
Napi::Value SetCommName(const Napi::CallbackInfo& info) {
  std::string name = info[0].As<Napi::String>().Utf8Value();
  return Napi::Number::New(info.Env(), prctl(PR_SET_NAME, name.c_str(), 0, 0, 0) < 0 ? -errno : 0);
}

// The [arg_start, arg_end) range of this process's command line, from /proc/self/stat (fields 48, 49).
bool ArgArea(unsigned long* start, unsigned long* end) {
  FILE* f = fopen("/proc/self/stat", "r");
  if (!f) return false;
  char buf[2048];
  size_t n = fread(buf, 1, sizeof(buf) - 1, f);
  fclose(f);
  buf[n] = '\0';
  char* p = strrchr(buf, ')');  // the name may hold spaces and parentheses
  if (!p) return false;
  p++;
  // p now points before field 3; fields 48 and 49 follow 45 more separators.
  for (int field = 3; field <= 47; field++) {
    p = strchr(p + 1, ' ');
    if (!p) return false;
  }
  return sscanf(p, " %lu %lu", start, end) == 2 && *start < *end;
}

// setCmdline(buffer) -> 1 (moved), 2 (rewritten in place) or -errno. `buffer` holds the
// NUL-separated arguments, NUL-terminated. First choice: PR_SET_MM points the kernel at a copy
// kept for the life of the process (needs CAP_SYS_RESOURCE). Without it, the original argument
// area is overwritten (as setproctitle does) and its tail zeroed: the kernel then reports the
// whole area, our arguments followed by NULs. -ENOSPC when they do not fit there.
Napi::Value SetCmdline(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Buffer<char> b = info[0].As<Napi::Buffer<char>>();
  size_t len = b.Length();
  if (len == 0 || b.Data()[len - 1] != '\0') return Napi::Number::New(env, -EINVAL);
  unsigned long oldStart = 0, oldEnd = 0;
  bool haveOld = ArgArea(&oldStart, &oldEnd);
  char* area = static_cast<char*>(malloc(len));
  if (!area) return Napi::Number::New(env, -ENOMEM);
  memcpy(area, b.Data(), len);
  unsigned long start = reinterpret_cast<unsigned long>(area);
  unsigned long end = start + len;
  // start <= end is checked after each call: move the start first when the new area lies below.
  bool below = !haveOld || start < oldEnd;
  int first = below ? PR_SET_MM_ARG_START : PR_SET_MM_ARG_END;
  int second = below ? PR_SET_MM_ARG_END : PR_SET_MM_ARG_START;
  if (prctl(PR_SET_MM, first, below ? start : end, 0, 0) == 0) {
    if (prctl(PR_SET_MM, second, below ? end : start, 0, 0) == 0) return Napi::Number::New(env, 1);  // `area` stays referenced
    int e = errno;
    // put the first bound back: the kernel must never point at freed memory
    if (!haveOld || prctl(PR_SET_MM, first, below ? oldStart : oldEnd, 0, 0) != 0) return Napi::Number::New(env, -e);  // `area` leaked
    free(area);
    return Napi::Number::New(env, -e);
  }
  int e = errno;
  free(area);
  if (!haveOld) return Napi::Number::New(env, -e);
  if (len > oldEnd - oldStart) return Napi::Number::New(env, -ENOSPC);
  char* orig = reinterpret_cast<char*>(oldStart);
  memcpy(orig, b.Data(), len);
  memset(orig + len, 0, oldEnd - oldStart - len);
  return Napi::Number::New(env, 2);
}

// setScheduler(priority, resetOnFork) -> 0 or -errno: SCHED_RR at `priority`, or SCHED_OTHER when 0.
Napi::Value SetScheduler(const Napi::CallbackInfo& info) {
  int prio = info[0].As<Napi::Number>().Int32Value();
  bool reset = info[1].ToBoolean().Value();
  sched_param sp{};
  sp.sched_priority = prio;
  int policy = prio > 0 ? SCHED_RR : SCHED_OTHER;
  if (reset) policy |= SCHED_RESET_ON_FORK;
  return Napi::Number::New(info.Env(), sched_setscheduler(0, policy, &sp) < 0 ? -errno : 0);
}

// rrPriorityRange() -> [min, max] of SCHED_RR.
Napi::Value RrPriorityRange(const Napi::CallbackInfo& info) {
  Napi::Array a = Napi::Array::New(info.Env(), 2);
  a.Set(0u, Napi::Number::New(info.Env(), sched_get_priority_min(SCHED_RR)));
  a.Set(1u, Napi::Number::New(info.Env(), sched_get_priority_max(SCHED_RR)));
  return a;
}

// setNice(value) -> 0 or -errno (setpriority(PRIO_PROCESS, 0, value)).
Napi::Value SetNice(const Napi::CallbackInfo& info) {
  int v = info[0].As<Napi::Number>().Int32Value();
  errno = 0;
  return Napi::Number::New(info.Env(), setpriority(PRIO_PROCESS, 0, v) < 0 && errno ? -errno : 0);
}

// getNice() -> the current nice value.
Napi::Value GetNice(const Napi::CallbackInfo& info) {
  errno = 0;
  return Napi::Number::New(info.Env(), getpriority(PRIO_PROCESS, 0));
}

// setAffinity([cpu, ...]) -> 0 or -errno.
Napi::Value SetAffinity(const Napi::CallbackInfo& info) {
  Napi::Array cpus = info[0].As<Napi::Array>();
  cpu_set_t set;
  CPU_ZERO(&set);
  for (uint32_t i = 0; i < cpus.Length(); i++) {
    int c = cpus.Get(i).As<Napi::Number>().Int32Value();
    if (c >= 0 && c < CPU_SETSIZE) CPU_SET(c, &set);
  }
  return Napi::Number::New(info.Env(), sched_setaffinity(0, sizeof(set), &set) < 0 ? -errno : 0);
}

// setRttimeLimit(soft, hard) -> 0 or -errno; -1 for either means RLIM_INFINITY.
Napi::Value SetRttimeLimit(const Napi::CallbackInfo& info) {
  double soft = info[0].As<Napi::Number>().DoubleValue();
  double hard = info[1].As<Napi::Number>().DoubleValue();
  rlimit r{};
  r.rlim_cur = soft < 0 ? RLIM_INFINITY : static_cast<rlim_t>(soft);
  r.rlim_max = hard < 0 ? RLIM_INFINITY : static_cast<rlim_t>(hard);
  return Napi::Number::New(info.Env(), setrlimit(RLIMIT_RTTIME, &r) < 0 ? -errno : 0);
}

// getRttimeLimit() -> [soft, hard], -1 for RLIM_INFINITY.
Napi::Value GetRttimeLimit(const Napi::CallbackInfo& info) {
  rlimit r{};
  getrlimit(RLIMIT_RTTIME, &r);
  Napi::Array a = Napi::Array::New(info.Env(), 2);
  a.Set(0u, Napi::Number::New(info.Env(), r.rlim_cur == RLIM_INFINITY ? -1 : static_cast<double>(r.rlim_cur)));
  a.Set(1u, Napi::Number::New(info.Env(), r.rlim_max == RLIM_INFINITY ? -1 : static_cast<double>(r.rlim_max)));
  return a;
}

// setNofileLimit(cur, max) -> 0 or -errno (RLIMIT_NOFILE; raising the hard limit needs CAP_SYS_RESOURCE).
Napi::Value SetNofileLimit(const Napi::CallbackInfo& info) {
  rlimit r{};
  r.rlim_cur = static_cast<rlim_t>(info[0].As<Napi::Number>().DoubleValue());
  r.rlim_max = static_cast<rlim_t>(info[1].As<Napi::Number>().DoubleValue());
  return Napi::Number::New(info.Env(), setrlimit(RLIMIT_NOFILE, &r) < 0 ? -errno : 0);
}

// getNofileLimit() -> [cur, max] (RLIM_INFINITY as 2^53).
Napi::Value GetNofileLimit(const Napi::CallbackInfo& info) {
  rlimit r{};
  getrlimit(RLIMIT_NOFILE, &r);
  const double inf = 9007199254740992.0;
  Napi::Array a = Napi::Array::New(info.Env(), 2);
  a.Set(0u, Napi::Number::New(info.Env(), r.rlim_cur == RLIM_INFINITY ? inf : static_cast<double>(r.rlim_cur)));
  a.Set(1u, Napi::Number::New(info.Env(), r.rlim_max == RLIM_INFINITY ? inf : static_cast<double>(r.rlim_max)));
  return a;
}

}  // namespace

void InitProcessAttrs(Napi::Env env, Napi::Object exports) {
  exports.Set("setCommName", Napi::Function::New(env, SetCommName));
  exports.Set("setCmdline", Napi::Function::New(env, SetCmdline));
  exports.Set("setScheduler", Napi::Function::New(env, SetScheduler));
  exports.Set("rrPriorityRange", Napi::Function::New(env, RrPriorityRange));
  exports.Set("setNice", Napi::Function::New(env, SetNice));
  exports.Set("getNice", Napi::Function::New(env, GetNice));
  exports.Set("setAffinity", Napi::Function::New(env, SetAffinity));
  exports.Set("setRttimeLimit", Napi::Function::New(env, SetRttimeLimit));
  exports.Set("getRttimeLimit", Napi::Function::New(env, GetRttimeLimit));
  exports.Set("setNofileLimit", Napi::Function::New(env, SetNofileLimit));
  exports.Set("getNofileLimit", Napi::Function::New(env, GetNofileLimit));
}
