#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "features/auth/application/ports/mail.hpp"
#include "features/auth/infrastructure/mail/odb_mail_outbox.hpp"

namespace authd::auth::infrastructure {

struct OutboxWorkerConfig {
  std::chrono::milliseconds poll{1000};         // how often to look for due mail
  std::chrono::milliseconds retry_base{1000};   // first retry delay; doubles per attempt
  std::chrono::milliseconds retry_max{300000};  // cap of the delay
  int max_attempts = 12;                        // then the mail is marked failed
  std::size_t batch = 20;
  Seconds lease{120};      // a claimed mail is due again after this
  bool background = true;  // false: no thread; call drainOnce() yourself
};

// Background thread draining the outbox through a Mailer: due mail is claimed, sent, and
// marked sent, or retried with exponential backoff, or given up after max_attempts. Requests
// never wait for SMTP. Stops on destruction (or stop()).
class OutboxWorker {
 public:
  // `before_drain` runs at the start of every pass (the reset-request processor), so mail it
  // enqueues goes out in the same pass.
  OutboxWorker(OdbMailOutbox& outbox, application::Mailer& mailer, Clock& clock,
               OutboxWorkerConfig config, std::function<void()> before_drain = {});
  ~OutboxWorker();
  void stop();
  // One pass: returns how many mails were sent. Public for tests.
  std::size_t drainOnce();

 private:
  void run();

  OdbMailOutbox& outbox_;
  application::Mailer& mailer_;
  Clock& clock_;
  OutboxWorkerConfig config_;
  std::function<void()> before_drain_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace authd::auth::infrastructure
