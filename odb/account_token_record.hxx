// Persistence shapes of single-use account tokens and outgoing mail (ODB compiler input only).
#pragma once

#include <string>

#include <odb/core.hxx>
#include <odb/nullable.hxx>

#include "odb_types.hxx"

namespace authd::records {

#pragma db object table("account_tokens") pointer(std::shared_ptr)
struct AccountTokenRecord {
#pragma db id column("id") type("UUID")
  std::string id;
#pragma db column("user_id") type("UUID")
  std::string user_id;
#pragma db column("kind") type("TEXT")
  std::string kind;
#pragma db column("digest") type("TEXT")
  std::string digest;  // hex keyed digest of the token
#pragma db column("created_at") type("TIMESTAMPTZ")
  long long created_at = 0;
#pragma db column("expires_at") type("TIMESTAMPTZ")
  long long expires_at = 0;
#pragma db column("used_at") type("TIMESTAMPTZ") null
  odb::nullable<long long> used_at;
#pragma db column("new_email") type("TEXT") null
  odb::nullable<std::string> new_email;  // email_change only
};

#pragma db object table("mail_outbox") pointer(std::shared_ptr)
struct MailOutboxRecord {
#pragma db id column("id") type("UUID")
  std::string id;
#pragma db column("recipient") type("TEXT")
  std::string recipient;
#pragma db column("sealed_content") type("TEXT")
  std::string sealed_content;  // base64url(secretbox(JSON {subject, text, html}))
#pragma db column("created_at") type("TIMESTAMPTZ")
  long long created_at = 0;
#pragma db column("next_attempt_at") type("TIMESTAMPTZ")
  long long next_attempt_at = 0;
#pragma db column("attempts")
  int attempts = 0;
#pragma db column("sent_at") type("TIMESTAMPTZ") null
  odb::nullable<long long> sent_at;
#pragma db column("failed_at") type("TIMESTAMPTZ") null
  odb::nullable<long long> failed_at;
#pragma db column("last_error") type("TEXT")
  std::string last_error;
#pragma db column("expires_at") type("TIMESTAMPTZ") null
  odb::nullable<long long> expires_at;  // the link's expiry: never sent after it
};

// Number of outbox rows matching a query (the per-recipient mail limits).
#pragma db view object(MailOutboxRecord)
struct MailCount {
#pragma db column("count(" + MailOutboxRecord::id + ")")
  std::size_t count = 0;
};

}  // namespace authd::records

namespace authd::records {

#pragma db object table("password_reset_requests") pointer(std::shared_ptr)
struct PasswordResetRequestRecord {
#pragma db id column("id") type("UUID")
  std::string id;
#pragma db column("email") type("TEXT")
  std::string email;
#pragma db column("requested_at") type("TIMESTAMPTZ")
  long long requested_at = 0;
#pragma db column("processed_at") type("TIMESTAMPTZ") null
  odb::nullable<long long> processed_at;
};

}  // namespace authd::records
