// spawn-as: start a script the way keepalived 2.2.7 does (lib/notify.c system_call_script and
// set_script_env), which Node's child_process cannot: the child gets the script's gid, a
// supplementary group list of exactly that gid (setgroups(1, &gid); libuv clears the list to
// nothing), the script's uid, a process group of its own (setpgid(0, 0), same session; Node's
// `detached` makes a new session), SIGTERM as parent-death signal, default signal dispositions with
// nothing blocked, the caller's umask, /dev/null on 0-2, and the daemon's environment.
//
// The child runs only async-signal-safe calls between fork() and execve(): raw syscalls for the
// credential changes (glibc's setuid() family broadcasts to every thread of the parent, a
// mechanism that has no meaning in the forked single-threaded child), sigaction, open/dup2,
// setpgid, prctl, umask, write, _exit. A failure before or at execve() is sent to the parent over a
// close-on-exec pipe (which step, errno), so the caller gets ENOENT/EACCES/EPERM synchronously, as
// Node's spawn reports them; the failed child is reaped here.
//
// The exit status is collected through a pidfd (pidfd_open + waitid(P_PIDFD)); the caller polls
// the pidfd with the addon's Poller, so nothing blocks the event loop and libuv's SIGCHLD handler
// (which waits only for the pids it spawned itself) never steals the status.
#include <napi.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

extern char** environ;

namespace {

enum Step : int { kSetgid = 1, kSetgroups = 2, kSetuid = 3, kExec = 4, kSetpgid = 5 };
const char* StepName(int s) {
  switch (s) {
    case kSetgid: return "setgid";
    case kSetgroups: return "setgroups";
    case kSetuid: return "setuid";
    case kSetpgid: return "setpgid";
    default: return "exec";
  }
}

// The descriptor limit scripts get when the daemon raised its own (keepalived's
// reset_process_priorities() in the forked child: scripts keep the limit the daemon started with).
rlimit g_script_nofile{};
bool g_reset_nofile = false;

// setScriptNofileLimit(cur, max): scripts start with this RLIMIT_NOFILE; (-1, -1): with the daemon's.
Napi::Value SetScriptNofileLimit(const Napi::CallbackInfo& info) {
  double cur = info[0].As<Napi::Number>().DoubleValue(), max = info[1].As<Napi::Number>().DoubleValue();
  g_reset_nofile = cur >= 0 && max >= 0;
  g_script_nofile.rlim_cur = static_cast<rlim_t>(cur < 0 ? 0 : cur);
  g_script_nofile.rlim_max = static_cast<rlim_t>(max < 0 ? 0 : max);
  return info.Env().Undefined();
}

// In the child: report (step, errno) to the parent and leave without running atexit handlers.
[[noreturn]] void Fail(int fd, int step) {
  int msg[2] = {step, errno};
  ssize_t r;
  do { r = write(fd, msg, sizeof msg); } while (r < 0 && errno == EINTR);
  _exit(127);
}

// spawnAs(file, argv[], uid, gid, umask) -> pid, or { step, errno } when the child could not
// become the script (credentials) or could not execute the file.
Napi::Value SpawnAs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string file = info[0].As<Napi::String>().Utf8Value();
  Napi::Array jsArgv = info[1].As<Napi::Array>();
  uid_t uid = static_cast<uid_t>(info[2].As<Napi::Number>().Uint32Value());
  gid_t gid = static_cast<gid_t>(info[3].As<Napi::Number>().Uint32Value());
  mode_t mask = static_cast<mode_t>(info[4].As<Napi::Number>().Uint32Value() & 0777);

  // Everything the child needs is built before fork(): the child must not allocate.
  std::vector<std::string> args;
  for (uint32_t i = 0; i < jsArgv.Length(); i++) args.push_back(jsArgv.Get(i).As<Napi::String>().Utf8Value());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const uid_t ourUid = geteuid();
  const gid_t ourGid = getegid();

  auto error = [&](int step, int err) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("step", Napi::String::New(env, StepName(step)));
    o.Set("errno", Napi::Number::New(env, err));
    return o;
  };

  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) return error(kExec, errno);

  // Block every signal across fork() so the child cannot run one of the parent's handlers before
  // it has reset them; the parent restores its mask right after.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t pid = fork();
  if (pid == 0) {
    close(pipefd[0]);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    for (int sig = 1; sig < NSIG; sig++) {
      if (sig == SIGKILL || sig == SIGSTOP) continue;
      sigaction(sig, &dfl, nullptr);  // glibc's reserved real-time signals simply fail: harmless
    }
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      dup2(devnull, 0); dup2(devnull, 1); dup2(devnull, 2);
      if (devnull > 2) close(devnull);
    }
    // keepalived's set_script_env(): setgid when it differs, setgroups(1, &gid) always, setuid when
    // it differs. An unprivileged daemon (tests) cannot setgroups; that is only tolerated when no
    // identity change was asked for.
    if (gid != ourGid && syscall(SYS_setgid, gid) != 0) Fail(pipefd[1], kSetgid);
    if (syscall(SYS_setgroups, 1, &gid) != 0 && !(errno == EPERM && gid == ourGid && uid == ourUid)) Fail(pipefd[1], kSetgroups);
    if (uid != ourUid && syscall(SYS_setuid, uid) != 0) Fail(pipefd[1], kSetuid);
    if (setpgid(0, 0) != 0) Fail(pipefd[1], kSetpgid);
    // If keepalived dies, the script is to die (after the uid change: a credential change clears it).
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    umask(mask);
    if (g_reset_nofile) setrlimit(RLIMIT_NOFILE, &g_script_nofile);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(file.c_str(), argv.data(), environ);
    Fail(pipefd[1], kExec);
  }
  int forkErr = errno;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  close(pipefd[1]);
  if (pid < 0) {
    close(pipefd[0]);
    return error(kExec, forkErr);
  }
  int msg[2];
  ssize_t n;
  do { n = read(pipefd[0], msg, sizeof msg); } while (n < 0 && errno == EINTR);
  close(pipefd[0]);
  if (n == static_cast<ssize_t>(sizeof msg)) {
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    return error(msg[0], msg[1]);
  }
  return Napi::Number::New(env, pid);
}

// pidfdOpen(pid) -> fd (close-on-exec) or -errno.
Napi::Value PidfdOpen(const Napi::CallbackInfo& info) {
  pid_t pid = info[0].As<Napi::Number>().Int32Value();
  long fd = syscall(SYS_pidfd_open, pid, 0);
  if (fd >= 0) fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
  return Napi::Number::New(info.Env(), fd < 0 ? -errno : static_cast<double>(fd));
}

// reapPidfd(fd) -> { code } | { signal } once the process has ended (its status is collected),
// 0 while it still runs, or -errno.
Napi::Value ReapPidfd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  siginfo_t si;
  memset(&si, 0, sizeof si);
  int r;
  do { r = waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(fd), &si, WEXITED | WNOHANG); } while (r < 0 && errno == EINTR);
  if (r < 0) return Napi::Number::New(env, -errno);
  if (si.si_pid == 0) return Napi::Number::New(env, 0);
  Napi::Object o = Napi::Object::New(env);
  if (si.si_code == CLD_EXITED) o.Set("code", Napi::Number::New(env, si.si_status));
  else o.Set("signal", Napi::Number::New(env, si.si_status));
  return o;
}

}  // namespace

void InitSpawnAs(Napi::Env env, Napi::Object exports) {
  exports.Set("spawnAs", Napi::Function::New(env, SpawnAs));
  exports.Set("setScriptNofileLimit", Napi::Function::New(env, SetScriptNofileLimit));
  exports.Set("pidfdOpen", Napi::Function::New(env, PidfdOpen));
  exports.Set("reapPidfd", Napi::Function::New(env, ReapPidfd));
}
