#pragma once

#include <string>
#include <vector>

namespace authd {

// A text file compiled into the binary by cmake/Embed.cmake.
struct EmbeddedFile {
  std::string name;
  std::string contents;
};

}  // namespace authd
