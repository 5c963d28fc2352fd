// What a WFE handler produces before the envelope (nonce, index link) is added.
// Private to src/ca/wfe.
#pragma once

#include <string>
#include <vector>

#include <boost/json.hpp>

#include "ca/wfe/wfe.h"
#include "http/message.h"

namespace signet::ca {

struct WebFrontEnd::Reply {
  int status = 200;
  std::string content_type;
  std::string body;
  std::string location;
  std::vector<std::string> links;  // full Link header values
  int retry_after = 0;             // seconds; 0 = none
  std::string cache_control;

  static Reply Json(int status, const boost::json::object& o) {
    Reply r;
    r.status = status;
    r.content_type = "application/json";
    r.body = boost::json::serialize(o);
    return r;
  }
  static Reply Raw(int status, std::string content_type, std::string body) {
    Reply r;
    r.status = status;
    r.content_type = std::move(content_type);
    r.body = std::move(body);
    return r;
  }
  http::Response ToResponse() && {
    http::Response res;
    res.status = status;
    if (!content_type.empty()) res.Set("Content-Type", content_type);
    if (!location.empty()) res.Set("Location", location);
    for (auto& l : links) res.Add("Link", std::move(l));
    if (retry_after > 0) res.Set("Retry-After", std::to_string(retry_after));
    if (!cache_control.empty()) res.Set("Cache-Control", cache_control);
    res.body = std::move(body);
    return res;
  }
};

}  // namespace signet::ca
