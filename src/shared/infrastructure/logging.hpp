#pragma once

#include <string>

namespace authd {

// Configures spdlog's default logger: text or one JSON object per line, at `level`
// ("trace".."critical"). Throws std::invalid_argument for an unknown format or level.
void setupLogging(const std::string& format, const std::string& level);

}  // namespace authd
