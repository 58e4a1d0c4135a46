// Daemons block SIGINT/SIGTERM in every thread (call before starting any thread: libfdcore and gRPC threads
// inherit the mask) and wait for them in main, which then shuts down in order.
#pragma once

namespace simbind {

void block_termination_signals();
int wait_for_termination_signal();  // returns the signal number

}  // namespace simbind
