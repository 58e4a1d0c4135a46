// Daemons block SIGINT/SIGTERM in every thread (call before starting any thread: libfdcore and gRPC threads
// inherit the mask) and wait for them in main, which then shuts down in order.
#pragma once

namespace simbind {

void block_termination_signals();  // also ignores SIGPIPE (ignore_sigpipe)
// freeDiameter (and GnuTLS under it) write to sockets without MSG_NOSIGNAL: a peer that closes while we write
// would kill the whole process with SIGPIPE. Ignored, the write fails with EPIPE and the stack handles it.
void ignore_sigpipe();
int wait_for_termination_signal();  // returns the signal number

// A daemon that can no longer serve (its Diameter stack stopped by itself, say) asks main to shut down as on
// SIGTERM, and to exit with `exit_code` instead of 0 so that its supervisor (compose restart:, systemd
// Restart=on-failure) restarts it. Any thread; the first code asked for wins.
inline constexpr int kExitServiceLost = 69;  // EX_UNAVAILABLE (sysexits.h)
void request_termination(int exit_code);
int termination_exit_code();  // 0 unless request_termination was called

}  // namespace simbind
