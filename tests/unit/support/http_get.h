// A minimal HTTP/1.1 GET over a plain socket, for tests of the daemons' /metrics and /healthz (no HTTP library
// in the tests: what is checked is what goes over the wire).
#pragma once

#include <cstdint>
#include <string>

namespace simbind::test {

struct HttpResponse {
  int status = 0;  // 0: no connection or no parsable answer (error says why)
  std::string content_type;
  std::string body;
  std::string error;
};

HttpResponse http_get(const std::string& host, std::uint16_t port, const std::string& path);

// The value of the sample line `series` (exact metric name with its labels as rendered, e.g.
// simbind_mme_attaches_completed_total or simbind_hss_s6a_answers_total{command="AIR",result="2001"}); -1 when
// the exposition has no such line.
double sample_value(const std::string& exposition, const std::string& series);

}  // namespace simbind::test
