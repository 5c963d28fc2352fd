// HTTP requests and responses as plain values, so request handling is a pure
// function from Request to Response (Beast's examples) and nothing above this
// module sees Beast.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace signet::http {

struct Request {
  std::string method;  // "GET", "POST", "HEAD", ...
  std::string target;  // path and query, as sent
  std::string host;    // the Host header
  bool tls = false;    // arrived over HTTPS
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address;  // the client's IP address (the TCP peer), "" if unknown

  // The first header named `name` (case-insensitive), or "".
  std::string_view Header(std::string_view name) const;
  // target without the query string.
  std::string_view Path() const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Facts for the access log (e.g. "account", "problem"), never sent to the
  // client: the server writes only status, headers and body.
  std::vector<std::pair<std::string, std::string>> log_fields;

  void Set(std::string name, std::string value);  // replaces
  void Add(std::string name, std::string value);  // appends (e.g. several Link headers)
  std::string_view Header(std::string_view name) const;
};

using Handler = std::function<Response(const Request&)>;

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace signet::http
