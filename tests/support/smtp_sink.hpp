#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace authd::testing {

// A real SMTP server on loopback for end-to-end tests: Debian's python3-aiosmtpd storing
// every message in a Maildir. It can be stopped and started again on the same port.
class SmtpSink {
 public:
  SmtpSink();
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  void start();
  void stop();
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // Raw messages received so far.
  std::vector<std::string> messages() const;
  // Waits (up to `timeout`) for a message to `to` beyond the first `skip` such messages and
  // returns it; empty on timeout.
  std::string waitFor(const std::string& to, std::size_t skip = 0,
                      std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;
  std::size_t countTo(const std::string& to) const;

 private:
  int port_;
  std::string dir_;
  pid_t pid_ = -1;
};

// The value of "token=" in the first link of a message.
std::string tokenFromMail(const std::string& message);

}  // namespace authd::testing
