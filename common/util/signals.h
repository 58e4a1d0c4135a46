// Daemons block SIGINT/SIGTERM in every thread (call before starting any thread: libfdcore and gRPC threads
// inherit the mask) and wait for them in main, which then shuts down in order.
#pragma once

namespace simbind {

void block_termination_signals();  // also ignores SIGPIPE (ignore_sigpipe)
// freeDiameter (and GnuTLS under it) write to sockets without MSG_NOSIGNAL: a peer that closes while we write
// would kill the whole process with SIGPIPE. Ignored, the write fails with EPIPE and the stack handles it.
void ignore_sigpipe();
int wait_for_termination_signal();  // returns the signal number

}  // namespace simbind
