#include "services/cli/apn_spec.h"

#include <charconv>

namespace simbind::cli {
namespace {

namespace v1 = simbind::hss::v1;

std::unexpected<Error> bad(const std::string& what) { return fail(ErrorCode::invalid_argument, what); }

Result<std::uint64_t> number(std::string_view text, const std::string& what) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return bad(what + ": '" + std::string(text) + "' is not a number");
  }
  return v;
}

}  // namespace

Result<std::uint32_t> parse_bit_rate(std::string_view text) {
  std::uint64_t scale = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'k': case 'K': scale = 1'000; break;
      case 'M': scale = 1'000'000; break;
      case 'G': scale = 1'000'000'000; break;
      default: break;
    }
    if (scale != 1) text.remove_suffix(1);
  }
  auto v = number(text, "bit rate");
  if (!v) return std::unexpected(v.error());
  if (*v == 0 || *v > 0xffffffffull / scale) return bad("bit rate must be 1..4294967295 bit/s");
  return static_cast<std::uint32_t>(*v * scale);
}

Result<v1::PdnType> parse_pdn_type(std::string_view name) {
  if (name == "ipv4") return v1::PDN_TYPE_IPV4;
  if (name == "ipv6") return v1::PDN_TYPE_IPV6;
  if (name == "ipv4v6") return v1::PDN_TYPE_IPV4V6;
  if (name == "ipv4_or_ipv6") return v1::PDN_TYPE_IPV4_OR_IPV6;
  return bad("pdn: must be ipv4, ipv6, ipv4v6 or ipv4_or_ipv6, got '" + std::string(name) + "'");
}

Result<v1::PreEmption> parse_pre_emption(std::string_view name) {
  if (name == "enabled" || name == "0") return v1::PRE_EMPTION_ENABLED;
  if (name == "disabled" || name == "1") return v1::PRE_EMPTION_DISABLED;
  return bad("pre-emption must be enabled (0) or disabled (1), got '" + std::string(name) + "'");
}

const char* pdn_type_name(v1::PdnType t) {
  switch (t) {
    case v1::PDN_TYPE_IPV4: return "ipv4";
    case v1::PDN_TYPE_IPV6: return "ipv6";
    case v1::PDN_TYPE_IPV4_OR_IPV6: return "ipv4_or_ipv6";
    default: return "ipv4v6";
  }
}

const char* pre_emption_name(v1::PreEmption p) {
  return p == v1::PRE_EMPTION_ENABLED ? "enabled" : p == v1::PRE_EMPTION_DISABLED ? "disabled" : "default";
}

Result<v1::ApnConfig> parse_apn_spec(std::string_view spec) {
  v1::ApnConfig out;
  std::size_t start = 0;
  bool first = true;
  for (;;) {
    const auto comma = spec.find(',', start);
    const std::string_view part = spec.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (first) {
      if (part.empty() || part.find('=') != std::string_view::npos) {
        return bad("starts with the APN name (NAME[,pdn=...][,qci=N]...), got '" + std::string(spec) + "'");
      }
      out.set_apn(std::string(part));
      first = false;
    } else {
      const auto eq = part.find('=');
      if (eq == std::string_view::npos) return bad("expected KEY=VALUE after the APN name, got '" + std::string(part) + "'");
      const std::string_view key = part.substr(0, eq), value = part.substr(eq + 1);
      if (key == "pdn") {
        auto t = parse_pdn_type(value);
        if (!t) return std::unexpected(t.error());
        out.set_pdn_type(*t);
      } else if (key == "qci") {
        auto v = number(value, "qci");
        if (!v) return std::unexpected(v.error());
        if (*v < 1 || *v > 254) return bad("qci: must be 1..254, got " + std::string(value));
        out.set_qci(static_cast<std::int32_t>(*v));
      } else if (key == "arp") {
        const auto c1 = value.find(':');
        auto pl = number(value.substr(0, c1), "arp priority level");
        if (!pl) return std::unexpected(pl.error());
        if (*pl < 1 || *pl > 15) return bad("arp: priority level must be 1..15, got " + std::to_string(*pl));
        out.set_arp_priority(static_cast<std::uint32_t>(*pl));
        if (c1 != std::string_view::npos) {
          const auto c2 = value.find(':', c1 + 1);
          if (c2 == std::string_view::npos) return bad("arp: PL or PL:CAP:VUL, got '" + std::string(value) + "'");
          auto cap = parse_pre_emption(value.substr(c1 + 1, c2 - c1 - 1));
          if (!cap) return bad("arp: capability: " + cap.error().message);
          auto vul = parse_pre_emption(value.substr(c2 + 1));
          if (!vul) return bad("arp: vulnerability: " + vul.error().message);
          out.set_pre_emption_capability(*cap);
          out.set_pre_emption_vulnerability(*vul);
        }
      } else if (key == "ambr") {
        const auto colon = value.find(':');
        if (colon == std::string_view::npos) return bad("ambr: UL:DL in bit/s (e.g. 50M:100M), got '" + std::string(value) + "'");
        auto ul = parse_bit_rate(value.substr(0, colon));
        if (!ul) return bad("ambr: uplink: " + ul.error().message);
        auto dl = parse_bit_rate(value.substr(colon + 1));
        if (!dl) return bad("ambr: downlink: " + dl.error().message);
        out.set_ambr_ul(*ul);
        out.set_ambr_dl(*dl);
      } else if (key == "ipv4") {
        out.set_static_ipv4(std::string(value));
      } else if (key == "ipv6") {
        out.set_static_ipv6_prefix(std::string(value));
      } else if (key == "id") {
        auto v = number(value, "id");
        if (!v) return std::unexpected(v.error());
        if (*v < 1 || *v > 0xffffffffull) return bad("id: the context identifier must be 1..4294967295");
        out.set_context_id(static_cast<std::uint32_t>(*v));
      } else {
        return bad("unknown key '" + std::string(key) + "' (pdn, qci, arp, ambr, ipv4, ipv6, id)");
      }
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace simbind::cli
