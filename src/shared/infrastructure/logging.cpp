#include "shared/infrastructure/logging.hpp"

#include <stdexcept>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace authd {

void setupLogging(const std::string& format, const std::string& level) {
  const auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") {
    throw std::invalid_argument("unknown log level");
  }
  auto logger = spdlog::stderr_logger_mt("authd");
  if (format == "json") {
    // Messages are written by our code only and never carry quotes from input unescaped:
    // callers pass pre-escaped JSON fragments for structured fields.
    logger->set_pattern(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","logger":"%n","msg":"%v"})",
        spdlog::pattern_time_type::utc);
  } else if (format == "text") {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%-5l%$ %v", spdlog::pattern_time_type::utc);
  } else {
    throw std::invalid_argument("unknown log format");
  }
  logger->set_level(lvl);
  spdlog::set_default_logger(logger);
}

}  // namespace authd
