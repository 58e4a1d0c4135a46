// freeDiameter stops the whole stack by itself when one of its threads meets an error it deems unrecoverable
// (routing_dispatch.c process_thr calls fd_core_shutdown). The daemon must hear of it (DiameterStack::on_failure)
// and not go on as if it served. fd_core_shutdown() is called here directly: it is what that path calls.
// One stack per process: this test has its own executable.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "common/diameter/dictionary.h"
#include "common/diameter/fd.h"
#include "common/diameter/stack.h"

namespace simbind::diameter {
namespace {

std::unique_ptr<DiameterStack> start_stack() {
  StackConfig c;
  c.identity = "stack-failure-test.simbind.lab";
  c.port = 39000 + static_cast<std::uint16_t>(::getpid() % 20000);
  auto stack = DiameterStack::start(c, [] {
    auto d = define_dictionary(BindingDictionaryConfig{});
    return d ? Result<void>{} : Result<void>(std::unexpected(d.error()));
  });
  EXPECT_TRUE(stack) << (stack ? "" : stack.error().message);
  return stack ? std::move(*stack) : nullptr;
}

TEST(DiameterStackFailure, when_freediameter_shuts_itself_down_then_the_failure_handler_runs_once_with_a_reason) {
  auto stack = start_stack();
  ASSERT_TRUE(stack);
  EXPECT_FALSE(stack->failure().has_value());

  std::mutex m;
  std::condition_variable cv;
  int calls = 0;
  std::string reason;
  stack->on_failure([&](const std::string& why) {
    std::lock_guard lock(m);
    ++calls;
    reason = why;
    cv.notify_all();
  });

  ASSERT_EQ(fd_core_shutdown(), 0);
  {
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return calls > 0; }))
        << "the stack stopped and nobody was told";
  }
  ASSERT_TRUE(stack->failure().has_value());
  EXPECT_FALSE(stack->failure()->empty());

  // A handler registered after the fact hears of it at once.
  int late_calls = 0;
  stack->on_failure([&](const std::string&) { ++late_calls; });
  EXPECT_EQ(late_calls, 1);

  stack.reset();  // the orderly shutdown after a failure neither hangs nor calls a handler again
  std::lock_guard lock(m);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace simbind::diameter
