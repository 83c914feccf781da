#include "http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <stdexcept>

namespace authd::testing {
namespace {

size_t onBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t onHeader(char* data, size_t size, size_t n, void* out) {
  addHeaderLine(std::string(data, size * n),
                *static_cast<std::map<std::string, std::string>*>(out));
  return size * n;
}

}  // namespace

void addHeaderLine(const std::string& line, std::map<std::string, std::string>& headers) {
  const auto colon = line.find(':');
  if (colon == std::string::npos) return;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  std::string value = line.substr(colon + 1);
  value.erase(0, value.find_first_not_of(' '));
  value.erase(value.find_last_not_of("\r\n ") + 1);
  headers[name] = value;
}

HttpResponse HttpClient::request(const std::string& method, const std::string& path,
                                 const std::string* body,
                                 const std::map<std::string, std::string>& headers) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) throw std::runtime_error("curl_easy_init failed");
  HttpResponse r;
  const std::string url = base_ + path;
  curl_slist* list = nullptr;
  for (const auto& [k, v] : headers) list = curl_slist_append(list, (k + ": " + v).c_str());
  list = curl_slist_append(list, "Expect:");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (body != nullptr) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, onHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK)
    throw std::runtime_error(std::string("HTTP request failed: ") + curl_easy_strerror(rc));
  return r;
}

HttpResponse HttpClient::get(const std::string& path,
                             const std::map<std::string, std::string>& headers) {
  return request("GET", path, nullptr, headers);
}

HttpResponse HttpClient::post(const std::string& path, const std::string& body,
                              const std::string& content_type,
                              const std::map<std::string, std::string>& headers) {
  auto h = headers;
  if (!content_type.empty()) h["Content-Type"] = content_type;
  return request("POST", path, &body, h);
}

}  // namespace authd::testing
