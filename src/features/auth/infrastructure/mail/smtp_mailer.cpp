#include "features/auth/infrastructure/mail/smtp_mailer.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace authd::auth::infrastructure {
namespace {

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

std::string rfc5322Date() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

// Header values come from our templates and validated emails; strip CR/LF anyway so nothing
// can inject headers.
std::string headerSafe(std::string v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](char c) { return c == '\r' || c == '\n'; }),
          v.end());
  return v;
}

}  // namespace

SmtpMailer::SmtpMailer(SmtpConfig config) : config_(std::move(config)) {
  static CurlGlobal init;
  if (config_.url.rfind("smtp://", 0) != 0 && config_.url.rfind("smtps://", 0) != 0) {
    throw std::invalid_argument("AUTH_SMTP_URL must start with smtp:// or smtps://");
  }
}

Status SmtpMailer::send(const application::Mail& mail) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return fail(ErrorCode::Unavailable, "curl_easy_init failed");
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + headerSafe(mail.to) + ">").c_str());
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, ("From: " + headerSafe(config_.from)).c_str());
  headers = curl_slist_append(headers, ("To: " + headerSafe(mail.to)).c_str());
  headers = curl_slist_append(headers, ("Subject: " + headerSafe(mail.subject)).c_str());
  headers = curl_slist_append(headers, ("Date: " + rfc5322Date()).c_str());

  curl_mime* mime = curl_mime_init(curl);
  curl_mime* alternative = curl_mime_init(curl);
  curl_mimepart* part = curl_mime_addpart(alternative);
  curl_mime_data(part, mail.text.c_str(), CURL_ZERO_TERMINATED);
  curl_mime_type(part, "text/plain; charset=utf-8");
  part = curl_mime_addpart(alternative);
  curl_mime_data(part, mail.html.c_str(), CURL_ZERO_TERMINATED);
  curl_mime_type(part, "text/html; charset=utf-8");
  part = curl_mime_addpart(mime);
  curl_mime_subparts(part, alternative);
  curl_mime_type(part, "multipart/alternative");

  curl_easy_setopt(curl, CURLOPT_URL, config_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, ("<" + headerSafe(config_.from) + ">").c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, config_.timeout_s);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (config_.starttls) curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!config_.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, config_.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, config_.password.c_str());
  }
  const CURLcode rc = curl_easy_perform(curl);
  long reply = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
  curl_mime_free(mime);
  curl_slist_free_all(headers);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(curl);
  if (rc == CURLE_OK) return ok();
  const std::string why =
      std::string(curl_easy_strerror(rc)) + (reply ? " (SMTP " + std::to_string(reply) + ")" : "");
  // 5xx is the server refusing for good (bad recipient, policy); anything else may pass later.
  if (reply >= 500 && reply < 600) return fail(ErrorCode::Internal, why);
  return fail(ErrorCode::Unavailable, why);
}

Status LogMailer::send(const application::Mail& mail) {
  spdlog::warn("dev mode: mail to {} not sent; it reads:\n{}\n{}", mail.to, mail.subject,
               mail.text);
  return ok();
}

}  // namespace authd::auth::infrastructure
