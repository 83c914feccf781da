#include "features/auth/infrastructure/mail/outbox_worker.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace authd::auth::infrastructure {

OutboxWorker::OutboxWorker(OdbMailOutbox& outbox, application::Mailer& mailer, Clock& clock,
                           OutboxWorkerConfig config, std::function<void()> before_drain)
    : outbox_(outbox),
      mailer_(mailer),
      clock_(clock),
      config_(config),
      before_drain_(std::move(before_drain)) {
  if (config_.background) thread_ = std::thread([this] { run(); });
}

OutboxWorker::~OutboxWorker() { stop(); }

void OutboxWorker::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::size_t OutboxWorker::drainOnce() {
  std::size_t sent = 0;
  for (auto& c : outbox_.claim(config_.batch, config_.lease)) {
    const auto status = mailer_.send(c.mail);
    if (status) {
      outbox_.markSent(c.id);
      ++sent;
      continue;
    }
    const bool permanent = status.error().code != ErrorCode::Unavailable;
    std::optional<Timestamp> retry_at;
    if (!permanent && c.attempts < config_.max_attempts) {
      auto delay = config_.retry_base * (1LL << std::min(c.attempts - 1, 20));
      delay = std::min<std::chrono::milliseconds>(delay, config_.retry_max);
      retry_at = clock_.now() + std::chrono::duration_cast<std::chrono::microseconds>(delay);
    }
    // Recipient only: the body holds a single-use link and never goes to the log.
    spdlog::warn("mail {} to {} not sent (attempt {}): {}{}", c.id, c.mail.to, c.attempts,
                 status.error().detail, retry_at ? "; will retry" : "; giving up");
    outbox_.markFailed(c.id, status.error().detail, retry_at);
  }
  return sent;
}

void OutboxWorker::run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    try {
      if (before_drain_) before_drain_();
      drainOnce();
    } catch (const std::exception& e) {
      spdlog::warn("mail outbox: {}", e.what());  // the database is away; try again later
    }
    lock.lock();
    cv_.wait_for(lock, config_.poll, [this] { return stopping_; });
  }
}

}  // namespace authd::auth::infrastructure
