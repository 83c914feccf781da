// Per-recipient mail limits (contract, "Abuse limits"): a flood of requests must neither fill
// an inbox nor build a backlog that delays everybody's one-hour links.
#pragma once

namespace authd::auth::domain {

// What the outbox holds for one recipient, every kind of mail together.
struct RecipientLoad {
  int last_minute = 0;  // mails queued in the last minute, sent or not
  int last_hour = 0;    // mails queued in the last hour, sent or not
  int in_flight = 0;    // mails queued and neither sent nor given up
};

// At most `per_minute` a minute, `per_hour` an hour and one in flight. 0 turns a rate off
// (tests, a private deployment); the in-flight rule always holds.
struct MailLimits {
  int per_minute = 1;
  int per_hour = 5;

  bool admits(const RecipientLoad& load) const {
    if (load.in_flight > 0) return false;
    if (per_minute > 0 && load.last_minute >= per_minute) return false;
    if (per_hour > 0 && load.last_hour >= per_hour) return false;
    return true;
  }
};

}  // namespace authd::auth::domain
