#include "common/util/signals.h"

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <csignal>

namespace simbind {
namespace {

std::atomic<int> g_exit_code{0};

sigset_t termination_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void ignore_sigpipe() { std::signal(SIGPIPE, SIG_IGN); }

void block_termination_signals() {
  ignore_sigpipe();
  const sigset_t set = termination_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int wait_for_termination_signal() {
  const sigset_t set = termination_set();
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

void request_termination(int exit_code) {
  int none = 0;
  g_exit_code.compare_exchange_strong(none, exit_code);
  kill(getpid(), SIGTERM);  // blocked in every thread: main's sigwait takes it
}

int termination_exit_code() { return g_exit_code.load(); }

}  // namespace simbind
