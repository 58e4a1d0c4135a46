// Running the real daemons from integration tests: start a process with its output in a log file, wait for a
// line in that log, stop it with SIGTERM or kill it with SIGKILL. Free loopback ports and temporary
// directories for their configuration and stores.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace simbind::test {

class DaemonProcess {
 public:
  DaemonProcess(std::string name, std::string binary, std::vector<std::string> args, std::string log_path);
  ~DaemonProcess();  // stops the process if it still runs
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  bool start();
  // True when `text` appears in the log, written since the last start(), within `timeout` (false early if the
  // process exits).
  bool wait_for_log(const std::string& text, std::chrono::milliseconds timeout) const;
  bool running() const;
  // SIGTERM, then SIGKILL after `grace`; returns the exit status (or 128 + signal).
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  void kill9();  // crash it: SIGKILL, no chance to clean up
  void signal(int sig);  // e.g. SIGSTOP / SIGCONT: a peer that stops answering
  // Waits for the process to exit by itself; returns the exit status, or -1 on timeout.
  int wait_exit(std::chrono::milliseconds timeout);
  std::string log() const;
  const std::string& name() const { return name_; }

 private:
  std::string name_, binary_;
  std::vector<std::string> args_;
  std::string log_path_;
  mutable pid_t pid_ = -1;
  mutable int exit_status_ = -1;
  std::size_t log_offset_ = 0;  // log size at the last start()
};

// Runs a shell command to completion; returns its exit status (-1 if it did not exit normally) and, if asked,
// its standard output and error together.
int run_command(const std::string& command, std::string* output = nullptr);

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

// A fresh directory under /tmp, removed with its content on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes `content` to `name` (mode 0600) and returns its path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

// Where CMake put the built daemons (SIMBIND_BUILD_DIR, set by the test's compile definitions).
std::string daemon_path(const std::string& relative);

}  // namespace simbind::test
