#include "ca/va/remote/remote_va_server.h"

#include <boost/json.hpp>

#include "ca/va/remote/wire.h"

namespace signet::va::remote {
namespace json = boost::json;

namespace {

http::Response JsonResponse(int status, json::object body, const std::string& rir) {
  body["rir"] = rir;
  http::Response r;
  r.status = status;
  r.Set("Content-Type", "application/json");
  r.body = json::serialize(body);
  return r;
}

}  // namespace

http::Handler MakeRemoteVaHandler(ValidationAuthority& local, std::string rir) {
  return [&local, rir = std::move(rir)](const http::Request& req) -> http::Response {
    auto JsonResponse = [&rir](int status, json::object body) {
      return remote::JsonResponse(status, std::move(body), rir);
    };
    if (req.method != "POST") return JsonResponse(405, StatusToJson(Error(ErrorCode::kMethodNotAllowed, "POST only")));
    boost::system::error_code ec;
    json::value body = json::parse(req.body, ec);
    if (ec || !body.is_object())
      return JsonResponse(400, StatusToJson(Error(ErrorCode::kMalformed, "body must be a JSON object")));
    const json::object& o = body.get_object();
    if (req.Path() == "/va/info") return JsonResponse(200, json::object{});
    if (req.Path() == "/va/validate") {
      auto request = RequestFromJson(o);
      if (!request.ok()) return JsonResponse(400, StatusToJson(request.error()));
      return JsonResponse(200, ResultToJson(local.Validate(*request)));
    }
    if (req.Path() == "/va/caa") {
      auto str = [&](const char* k) {
        const json::value* v = o.if_contains(k);
        return v && v->is_string() ? std::string(v->get_string()) : std::string();
      };
      const json::value* w = o.if_contains("wildcard");
      Status s = local.CheckCaa(str("name"), w && w->is_bool() && w->get_bool(),
                                str("account_url"), str("method"), DeadlineFromJson(o));
      return JsonResponse(200, StatusToJson(s));
    }
    return JsonResponse(404, StatusToJson(Error(ErrorCode::kNotFound, "no such resource")));
  };
}

}  // namespace signet::va::remote
