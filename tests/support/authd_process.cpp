#include "authd_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "http_client.hpp"

extern char** environ;

namespace authd::testing {

int freeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    throw std::runtime_error("cannot bind a loopback port");
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

AuthdProcess::AuthdProcess(const std::string& database_url,
                           std::map<std::string, std::string> extra_env) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv(*e);
    const auto eq = kv.find('=');
    if (eq != std::string::npos && kv.rfind("AUTH_", 0) != 0)
      env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  // Cheap Argon2id so the suite stays fast; the cost itself is measured in bench/.
  env["AUTH_ARGON2_OPSLIMIT"] = "1";
  env["AUTH_ARGON2_MEMLIMIT"] = "8192";
  env["AUTH_DEV_MODE"] = "1";
  env["AUTH_MIGRATE_ON_START"] = "1";
  env["AUTH_THREADS"] = "2";
  // The per-address limit would trip suites that log in often from 127.0.0.1; the tests of
  // the limit turn it back on.
  env["AUTH_RATE_LIMIT_PER_IP"] = "0";
  env["AUTH_DATABASE_URL"] = database_url;
  for (auto& [k, v] : extra_env) env[k] = v;

  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = freeLoopbackPort();
    env["AUTH_LISTEN"] = "127.0.0.1:" + std::to_string(port_);
    std::vector<std::string> kv;
    for (auto [k, v] : env) {
      // "{port}" in a value is the port chosen here (an AUTH_ISSUER others can reach).
      for (auto at = v.find("{port}"); at != std::string::npos; at = v.find("{port}")) {
        v.replace(at, 6, std::to_string(port_));
      }
      kv.push_back(k + "=" + v);
    }
    std::vector<char*> envp;
    for (auto& s : kv) envp.push_back(s.data());
    envp.push_back(nullptr);
    char log_template[] = "/tmp/authd-e2e-XXXXXX.log";
    const int log_fd = mkstemps(log_template, 4);
    log_path_ = log_template;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, log_fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, log_fd, STDERR_FILENO);
    std::string binary = AUTHD_BINARY;
    char* argv[] = {binary.data(), const_cast<char*>("serve"), nullptr};
    const int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv, envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(log_fd);
    if (rc != 0) throw std::runtime_error(std::string("posix_spawn failed: ") + strerror(rc));

    HttpClient client(baseUrl());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;  // exited: maybe the port was taken; try another
      }
      try {
        if (client.get("/healthz").status == 200) return;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (pid_ > 0) {
      stop();
      throw std::runtime_error("authd did not become healthy:\n" + log());
    }
  }
  throw std::runtime_error("authd kept exiting at start-up:\n" + log());
}

int AuthdProcess::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 100; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

AuthdProcess::~AuthdProcess() {
  stop();
  std::remove(log_path_.c_str());
}

std::string AuthdProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace authd::testing

namespace authd::testing {

int runAuthd(const std::vector<std::string>& args, const std::string& database_url,
             std::string* output, const std::map<std::string, std::string>& env) {
  // Test-controlled values only (URLs, base64 keys): single quotes are enough.
  std::string cmd = "AUTH_DATABASE_URL='" + database_url + "'";
  for (const auto& [k, v] : env) cmd += " " + k + "='" + v + "'";
  cmd += " timeout 30 '" + std::string(AUTHD_BINARY) + "'";
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed");
  char buf[512];
  std::string out;
  while (fgets(buf, sizeof buf, pipe) != nullptr) out += buf;
  const int status = pclose(pipe);
  if (output != nullptr) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace authd::testing
