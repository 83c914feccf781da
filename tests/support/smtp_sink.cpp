#include "smtp_sink.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "authd_process.hpp"

extern char** environ;

namespace authd::testing {
namespace {

bool accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

}  // namespace

SmtpSink::SmtpSink() : port_(freeLoopbackPort()) {
  char tmpl[] = "/tmp/authd-smtp-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  start();
}

SmtpSink::~SmtpSink() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void SmtpSink::start() {
  if (pid_ > 0) return;
  const std::string listen = "127.0.0.1:" + std::to_string(port_);
  const std::string maildir = dir_ + "/maildir";
  // Debian's interpreter, where python3-aiosmtpd is installed (PATH may hold another one).
  const char* argv[] = {"/usr/bin/python3",
                        "-m",
                        "aiosmtpd",
                        "-n",
                        "-l",
                        listen.c_str(),
                        "-c",
                        "aiosmtpd.handlers.Mailbox",
                        maildir.c_str(),
                        nullptr};
  if (posix_spawn(&pid_, argv[0], nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
    throw std::runtime_error("cannot start the SMTP sink (is python3-aiosmtpd installed?)");
  }
  for (int i = 0; i < 200; ++i) {
    if (accepts(port_)) return;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  stop();
  throw std::runtime_error("the SMTP sink did not start");
}

void SmtpSink::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  for (int i = 0; i < 100 && accepts(port_); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::vector<std::string> SmtpSink::messages() const {
  std::vector<std::pair<std::filesystem::file_time_type, std::string>> files;
  const auto dir = std::filesystem::path(dir_) / "maildir" / "new";
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    files.emplace_back(e.last_write_time(), ss.str());
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& f : files) out.push_back(std::move(f.second));
  return out;
}

std::size_t SmtpSink::countTo(const std::string& to) const {
  std::size_t n = 0;
  for (const auto& m : messages()) {
    if (m.find("\nTo: " + to + "\n") != std::string::npos) ++n;
  }
  return n;
}

std::string SmtpSink::waitFor(const std::string& to, std::size_t skip,
                              std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::size_t seen = 0;
    for (const auto& m : messages()) {
      if (m.find("\nTo: " + to + "\n") == std::string::npos) continue;
      if (seen++ == skip) return m;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return "";
}

std::string tokenFromMail(const std::string& message) {
  static const std::regex link("token=([A-Za-z0-9_-]+)");
  std::smatch m;
  if (std::regex_search(message, m, link)) return m[1];
  return "";
}

}  // namespace authd::testing
