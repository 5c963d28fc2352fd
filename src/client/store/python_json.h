// JSON text as Python's json.dumps() writes it with default arguments, the
// way certbot writes regr.json, meta.json and private_key.json: ", " and
// ": " separators, members in insertion order, ensure_ascii (non-ASCII as
// \uXXXX, surrogate pairs beyond the BMP). Internal to client/store.
#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace signet::client::store_internal {

std::string PythonJsonDumps(const boost::json::value& value);

}  // namespace signet::client::store_internal
