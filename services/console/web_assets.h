// The page's files, embedded at build time from services/console/web/ (embed_assets.cmake): no CDN, nothing to
// install beside the binary, so the console works in an air-gapped lab.
#pragma once

#include <string_view>

namespace simbind::console {

struct WebAsset {
  std::string_view path;          // "/", "/app.js", ...
  std::string_view content_type;
  std::string_view body;
};

// Nothing when no asset has that path.
const WebAsset* find_web_asset(std::string_view path);

}  // namespace simbind::console
