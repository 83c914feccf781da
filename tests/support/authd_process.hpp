#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace authd::testing {

// Runs the real `authd serve` binary on a free loopback port against a database, and stops
// it (SIGTERM, then SIGKILL) on destruction. Its log goes to a file kept for failures.
// "{port}" in an extra variable's value becomes the chosen port
// (AUTH_ISSUER=http://127.0.0.1:{port}).
class AuthdProcess {
 public:
  AuthdProcess(const std::string& database_url, std::map<std::string, std::string> extra_env = {});
  ~AuthdProcess();
  AuthdProcess(const AuthdProcess&) = delete;
  AuthdProcess& operator=(const AuthdProcess&) = delete;

  std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string log() const;
  // Sends SIGTERM and waits; returns the exit status (or -1).
  int stop();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
};

int freeLoopbackPort();

// Runs `authd ARGS...` to completion (killed after 30 s) with AUTH_DATABASE_URL and `env`
// set; returns its exit code and puts its output in *output when given.
int runAuthd(const std::vector<std::string>& args, const std::string& database_url,
             std::string* output = nullptr, const std::map<std::string, std::string>& env = {});

}  // namespace authd::testing
