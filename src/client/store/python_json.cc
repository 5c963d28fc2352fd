#include "client/store/python_json.h"

#include <boost/json/serialize.hpp>
#include <cstdio>

namespace signet::client::store_internal {
namespace {

namespace json = boost::json;

void AppendEscape(unsigned code, std::string* out) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "\\u%04x", code);
  *out += buf;
}

// Decodes one UTF-8 sequence at `i`; invalid bytes come out as U+FFFD.
unsigned DecodeUtf8(const json::string& s, size_t* i) {
  const unsigned char c = static_cast<unsigned char>(s[*i]);
  int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (len == 0 || *i + size_t(len) > s.size()) {
    ++*i;
    return 0xFFFD;
  }
  unsigned code = c & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    const unsigned char cc = static_cast<unsigned char>(s[*i + size_t(k)]);
    if ((cc & 0xC0) != 0x80) {
      ++*i;
      return 0xFFFD;
    }
    code = (code << 6) | (cc & 0x3F);
  }
  *i += size_t(len);
  return code;
}

void AppendString(const json::string& s, std::string* out) {
  *out += '"';
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      unsigned code = DecodeUtf8(s, &i);
      if (code >= 0x10000) {
        code -= 0x10000;
        AppendEscape(0xD800 | (code >> 10), out);
        AppendEscape(0xDC00 | (code & 0x3FF), out);
      } else {
        AppendEscape(code, out);
      }
      continue;
    }
    ++i;
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '\b':
        *out += "\\b";
        break;
      case '\f':
        *out += "\\f";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          AppendEscape(c, out);
        } else {
          *out += char(c);
        }
    }
  }
  *out += '"';
}

void Append(const json::value& v, std::string* out) {
  switch (v.kind()) {
    case json::kind::null:
      *out += "null";
      break;
    case json::kind::bool_:
      *out += v.get_bool() ? "true" : "false";
      break;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      *out += json::serialize(v);
      break;
    case json::kind::string:
      AppendString(v.get_string(), out);
      break;
    case json::kind::array: {
      *out += '[';
      bool first = true;
      for (const json::value& e : v.get_array()) {
        if (!first) *out += ", ";
        first = false;
        Append(e, out);
      }
      *out += ']';
      break;
    }
    case json::kind::object: {
      *out += '{';
      bool first = true;
      for (const json::key_value_pair& kv : v.get_object()) {
        if (!first) *out += ", ";
        first = false;
        AppendString(json::string(kv.key()), out);
        *out += ": ";
        Append(kv.value(), out);
      }
      *out += '}';
      break;
    }
  }
}

}  // namespace

std::string PythonJsonDumps(const json::value& value) {
  std::string out;
  Append(value, &out);
  return out;
}

}  // namespace signet::client::store_internal
