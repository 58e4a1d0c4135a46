// Log lines carry what peers sent: nothing outside printable ASCII may reach the log as it is.
#include <gtest/gtest.h>

#include <string>

#include "common/log/log.h"

namespace simbind::log {
namespace {

std::string format_line(std::string_view message) {
  auto formatter = line_formatter();
  spdlog::details::log_msg msg("hss", spdlog::level::warn, spdlog::string_view_t(message.data(), message.size()));
  spdlog::memory_buf_t out;
  formatter->format(msg, out);
  return std::string(out.data(), out.size());
}

TEST(LogFormat, when_a_message_carries_control_octets_then_the_line_shows_them_escaped) {
  const std::string hostile = std::string("Session-Id mme;\0x", 17) + "\n2026-01-01 info forged\x1b[31m\xff";
  const std::string line = format_line(hostile);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');  // the line's own end, and the only one
  const std::string body = line.substr(0, line.size() - 1);
  for (const char ch : body) {
    const auto octet = static_cast<unsigned char>(ch);
    EXPECT_TRUE(octet >= 0x20 && octet < 0x7f) << "unprintable octet " << int(octet) << " in: " << body;
  }
  EXPECT_NE(body.find("mme;\\x00x\\n2026-01-01 info forged\\x1b[31m\\xff"), std::string::npos) << body;
  EXPECT_NE(body.find("hss: Session-Id"), std::string::npos) << body;
}

}  // namespace
}  // namespace simbind::log
