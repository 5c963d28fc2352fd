#include "client/rfc2136/client.h"

#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <netdb.h>
#include <sys/socket.h>

#include <cstdlib>
#include <memory>

#include "client/rfc2136/tsig.h"

namespace signet::client::rfc2136 {
namespace {

// ldns objects, owned once (STYLE.md: one deleter per C type).
struct ResolverFree {
  void operator()(ldns_resolver* r) const { ldns_resolver_deep_free(r); }
};
struct PktFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
struct RdfFree {
  void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
struct RrListFree {
  void operator()(ldns_rr_list* l) const { ldns_rr_list_deep_free(l); }
};
using ResolverPtr = std::unique_ptr<ldns_resolver, ResolverFree>;
using PktPtr = std::unique_ptr<ldns_pkt, PktFree>;
using RdfPtr = std::unique_ptr<ldns_rdf, RdfFree>;
using RrListPtr = std::unique_ptr<ldns_rr_list, RrListFree>;

std::string Absolute(std::string name) {
  if (name.empty() || name.back() != '.') name += '.';
  return name;
}

RdfPtr AddressRdf(const std::string& address) {
  ldns_rdf* rdf = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, address.c_str());
  if (!rdf) rdf = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_AAAA, address.c_str());
  return RdfPtr(rdf);
}

Result<ResolverPtr> NewResolver(const std::string& address, int port, bool tcp,
                                std::chrono::seconds timeout) {
  ResolverPtr res(ldns_resolver_new());
  RdfPtr ns = AddressRdf(address);
  if (!res || !ns || ldns_resolver_push_nameserver(res.get(), ns.get()) != LDNS_STATUS_OK)
    return Error(ErrorCode::kMalformed, "not an IP address: " + address);
  ldns_resolver_set_port(res.get(), uint16_t(port));
  ldns_resolver_set_usevc(res.get(), tcp);
  ldns_resolver_set_recursive(res.get(), false);
  ldns_resolver_set_retry(res.get(), 1);
  ldns_resolver_set_retrans(res.get(), 0);  // no sleep after a failed try: callers pace
  ldns_resolver_set_timeout(res.get(), timeval{time_t(timeout.count()), 0});
  return res;
}

std::string TsigErrorName(int e) {
  switch (e) {
    case 16:
      return "BADSIG";
    case 17:
      return "BADKEY";
    case 18:
      return "BADTIME";
    case 19:
      return "BADMODE";
    case 20:
      return "BADNAME";
    case 21:
      return "BADALG";
    case 22:
      return "BADTRUNC";
    default:
      return "TSIG error " + std::to_string(e);
  }
}

// Sends `query`; the answer, or an error naming the server and what went wrong.
Result<PktPtr> Exchange(ldns_resolver* res, ldns_pkt* query, const std::string& server) {
  // ldns_send, not ldns_resolver_send_pkt: it keeps the answer when the
  // answer's TSIG does not verify, so a BADSIG/BADKEY rcode can be reported.
  ldns_pkt* raw = nullptr;
  ldns_status st = ldns_send(&raw, res, query);
  PktPtr answer(raw);
  if (answer && ldns_pkt_tc(answer.get()) && !ldns_resolver_usevc(res)) {  // truncated: TCP
    ldns_resolver_set_usevc(res, true);
    raw = nullptr;
    st = ldns_send(&raw, res, query);
    answer.reset(raw);
  }
  if (answer && ldns_pkt_get_rcode(answer.get()) != LDNS_RCODE_NOERROR) return answer;
  if (st != LDNS_STATUS_OK || !answer)
    return Error(ErrorCode::kDns, "no answer from DNS server " + server + " port " +
                                      std::to_string(ldns_resolver_port(res)) +
                                      (ldns_resolver_usevc(res) ? " over TCP" : " over UDP") +
                                      " (" + ldns_get_errorstr_by_id(st) + ")");
  return answer;
}

struct SignedReply {
  PktPtr pkt;
  TsigResult tsig;
};

// Sends `query` TSIG-signed over TCP to the credentials' server; the parsed
// answer with what its TSIG record says.
Result<SignedReply> SignedExchange(const Credentials& c, const ldns_pkt* query,
                                   std::chrono::seconds timeout) {
  SIGNET_ASSIGN_OR_RETURN(TsigKey key, MakeTsigKey(c));
  uint8_t* raw = nullptr;
  size_t size = 0;
  if (ldns_pkt2wire(&raw, query, &size) != LDNS_STATUS_OK)
    return Error(ErrorCode::kServerInternal, "cannot write the DNS message");
  std::string wire(reinterpret_cast<const char*>(raw), size);
  std::free(raw);
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch());
  SIGNET_ASSIGN_OR_RETURN(std::string mac, SignMessage(&wire, key, uint64_t(now.count())));
  sockaddr_storage to{};
  socklen_t to_len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&to);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&to);
  if (inet_pton(AF_INET, c.server.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(uint16_t(c.port));
    to_len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, c.server.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(uint16_t(c.port));
    to_len = sizeof(sockaddr_in6);
  } else {
    return Error(ErrorCode::kMalformed, "not an IP address: " + c.server);
  }
  std::unique_ptr<ldns_buffer, decltype(&ldns_buffer_free)> qb(ldns_buffer_new(wire.size()),
                                                               &ldns_buffer_free);
  ldns_buffer_write(qb.get(), wire.data(), wire.size());
  uint8_t* reply = nullptr;
  size_t reply_size = 0;
  ldns_status st = ldns_tcp_send(&reply, qb.get(), &to, to_len, timeval{time_t(timeout.count()), 0},
                                 &reply_size);
  std::unique_ptr<uint8_t, decltype(&std::free)> reply_owner(reply, &std::free);
  if (st != LDNS_STATUS_OK || !reply)
    return Error(ErrorCode::kDns, "no answer from DNS server " + c.server + " port " +
                                      std::to_string(c.port) + " over TCP (" +
                                      ldns_get_errorstr_by_id(st) + ")");
  std::string_view reply_wire(reinterpret_cast<const char*>(reply), reply_size);
  ldns_pkt* parsed = nullptr;
  if (ldns_wire2pkt(&parsed, reply, reply_size) != LDNS_STATUS_OK)
    return Error(ErrorCode::kDns, "DNS server " + c.server + " sent a malformed answer");
  SignedReply out{PktPtr(parsed), {}};
  SIGNET_ASSIGN_OR_RETURN(out.tsig, CheckResponse(reply_wire, key, mac));
  return out;
}

// The TXT strings of `rr`, concatenated (RFC 7208 3.3 style, as ACME does).
std::string TxtValue(const ldns_rr* rr) {
  std::string out;
  for (size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
    const ldns_rdf* rdf = ldns_rr_rdf(rr, i);
    const uint8_t* d = ldns_rdf_data(rdf);
    size_t size = ldns_rdf_size(rdf);
    if (size == 0) continue;
    size_t len = std::min<size_t>(d[0], size - 1);
    out.append(reinterpret_cast<const char*>(d + 1), len);
  }
  return out;
}

std::string DnameText(const ldns_rdf* rdf) {
  char* s = ldns_rdf2str(rdf);
  std::string out = s ? s : "";
  std::free(s);
  return out;
}

// Answer-section records of `type` owned by `name`.
std::vector<const ldns_rr*> AnswersOf(const ldns_pkt* pkt, const ldns_rdf* name,
                                      ldns_rr_type type) {
  std::vector<const ldns_rr*> out;
  const ldns_rr_list* list = ldns_pkt_answer(pkt);
  for (size_t i = 0; list && i < ldns_rr_list_rr_count(list); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(list, i);
    if (ldns_rr_get_type(rr) == type && ldns_dname_compare(ldns_rr_owner(rr), name) == 0)
      out.push_back(rr);
  }
  return out;
}

Result<PktPtr> Query(const Credentials& c, const std::string& name, ldns_rr_type type, bool sign,
                     std::chrono::seconds timeout) {
  SIGNET_ASSIGN_OR_RETURN(ResolverPtr res, NewResolver(c.server, c.port, true, timeout));
  ldns_rdf* qname = ldns_dname_new_frm_str(name.c_str());
  if (!qname) return Error(ErrorCode::kMalformed, "not a domain name: " + name);
  PktPtr q(ldns_pkt_query_new(qname, type, LDNS_RR_CLASS_IN, 0));  // RD off
  if (!sign) return Exchange(res.get(), q.get(), c.server);
  SIGNET_ASSIGN_OR_RETURN(SignedReply reply, SignedExchange(c, q.get(), timeout));
  if (ldns_pkt_get_rcode(reply.pkt.get()) == LDNS_RCODE_NOERROR && !reply.tsig.verified)
    return Error(ErrorCode::kDns, "DNS server " + c.server + ": the answer's TSIG does not verify");
  return std::move(reply.pkt);
}

}  // namespace

std::string RcodeName(int rcode) {
  static const char* kNames[] = {"NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                                 "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE"};
  if (rcode >= 0 && rcode <= 10) return kNames[rcode];
  return "RCODE " + std::to_string(rcode);
}

Client::Client(Credentials credentials, std::chrono::seconds timeout)
    : credentials_(std::move(credentials)), timeout_(timeout) {}

Result<std::string> Client::FindZone(const std::string& name) const {
  std::string guess = Absolute(name);
  std::string tried;
  while (!guess.empty() && guess != ".") {
    auto queried = Query(credentials_, guess, LDNS_RR_TYPE_SOA, credentials_.sign_query, timeout_);
    if (!queried.ok())  // certbot's wording, then why
      return Error(ErrorCode::kDns,
                   "Encountered error when making query: " + queried.error().detail +
                       "; check dns_rfc2136_server and dns_rfc2136_port");
    PktPtr answer = std::move(*queried);
    RdfPtr qname(ldns_dname_new_frm_str(guess.c_str()));
    if (ldns_pkt_get_rcode(answer.get()) == LDNS_RCODE_NOERROR && ldns_pkt_aa(answer.get()) &&
        !AnswersOf(answer.get(), qname.get(), LDNS_RR_TYPE_SOA).empty())
      return guess;
    tried += (tried.empty() ? "" : ", ") + guess;
    guess = guess.substr(guess.find('.') + 1);
  }
  return Error(ErrorCode::kDns, "Unable to determine base domain for " + name +
                                    " using names: " + tried + " (no authoritative SOA from " +
                                    credentials_.server + ")");
}

Status Client::SendUpdate(const std::string& zone, const std::string& name,
                          const std::string& value, bool add, int ttl) const {
  ldns_rr* rr = ldns_rr_new();
  ldns_rr_set_owner(rr, ldns_dname_new_frm_str(Absolute(name).c_str()));
  ldns_rr_set_type(rr, LDNS_RR_TYPE_TXT);
  // RFC 2136 2.5.1: class IN adds; 2.5.4: class NONE, TTL 0 deletes this RR.
  ldns_rr_set_class(rr, add ? LDNS_RR_CLASS_IN : LDNS_RR_CLASS_NONE);
  ldns_rr_set_ttl(rr, add ? uint32_t(ttl) : 0);
  for (size_t at = 0; at == 0 || at < value.size(); at += 255) {  // <character-string>s
    std::string chunk = value.substr(at, 255);
    std::string wire(1, char(chunk.size()));
    wire += chunk;
    ldns_rr_push_rdf(rr, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_STR, wire.size(), wire.data()));
  }
  RrListPtr updates(ldns_rr_list_new());
  ldns_rr_list_push_rr(updates.get(), rr);
  PktPtr pkt(ldns_update_pkt_new(ldns_dname_new_frm_str(zone.c_str()), LDNS_RR_CLASS_IN, nullptr,
                                 updates.get(), nullptr));
  if (!pkt) return Error(ErrorCode::kServerInternal, "cannot build the DNS UPDATE for " + name);
  const char* what = add ? "adding" : "deleting";
  auto answer = SignedExchange(credentials_, pkt.get(), timeout_);
  if (!answer.ok())
    return Error(ErrorCode::kDns, std::string("Encountered error ") + what + " TXT record " + name +
                                      ": " + answer.error().detail);
  int rcode = ldns_pkt_get_rcode(answer->pkt.get());
  const TsigResult& tsig = answer->tsig;
  if (rcode == LDNS_RCODE_NOERROR) {
    if (tsig.verified) return OkStatus();
    return Error(ErrorCode::kDns, "DNS server " + credentials_.server + " answered " + what +
                                      " TXT record " + name + " without a valid TSIG signature");
  }
  std::string detail = RcodeName(rcode);
  if (tsig.error != 0) {
    detail += " (" + TsigErrorName(tsig.error) +
              ": check dns_rfc2136_name, dns_rfc2136_secret "
              "and dns_rfc2136_algorithm)";
  } else if (rcode == LDNS_RCODE_REFUSED || rcode == LDNS_RCODE_NOTAUTH) {
    detail +=
        " (is the TSIG key " + credentials_.key_name + " allowed to update zone " + zone + "?)";
  }
  return Error(ErrorCode::kDns, "Received response from server " + credentials_.server + " " +
                                    what + " TXT record " + name + ": " + detail);
}

Status Client::AddTxt(const std::string& zone, const std::string& name, const std::string& value,
                      int ttl) const {
  return SendUpdate(zone, name, value, true, ttl);
}

Status Client::DeleteTxt(const std::string& zone, const std::string& name,
                         const std::string& value) const {
  return SendUpdate(zone, name, value, false, 0);
}

Result<std::vector<std::string>> Client::NameServers(const std::string& zone) const {
  SIGNET_ASSIGN_OR_RETURN(
      PktPtr answer, Query(credentials_, zone, LDNS_RR_TYPE_NS, credentials_.sign_query, timeout_));
  RdfPtr qname(ldns_dname_new_frm_str(zone.c_str()));
  std::vector<std::string> out;
  for (const ldns_rr* rr : AnswersOf(answer.get(), qname.get(), LDNS_RR_TYPE_NS))
    if (ldns_rr_rd_count(rr) > 0) out.push_back(DnameText(ldns_rr_rdf(rr, 0)));
  if (out.empty())
    return Error(ErrorCode::kDns, "DNS server " + credentials_.server + " lists no NS for " + zone);
  return out;
}

std::vector<std::string> Client::Addresses(const std::string& host) const {
  std::vector<std::string> out;
  RdfPtr qname(ldns_dname_new_frm_str(host.c_str()));
  for (ldns_rr_type type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA}) {
    auto answer = Query(credentials_, host, type, credentials_.sign_query, timeout_);
    if (!answer.ok() || !qname) continue;
    for (const ldns_rr* rr : AnswersOf(answer->get(), qname.get(), type))
      if (ldns_rr_rd_count(rr) > 0) out.push_back(DnameText(ldns_rr_rdf(rr, 0)));
  }
  if (!out.empty()) return out;
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &list) != 0) return out;
  for (addrinfo* ai = list; ai; ai = ai->ai_next) {
    char buf[NI_MAXHOST];
    if (getnameinfo(ai->ai_addr, ai->ai_addrlen, buf, sizeof(buf), nullptr, 0, NI_NUMERICHOST) == 0)
      out.push_back(buf);
  }
  freeaddrinfo(list);
  return out;
}

Result<bool> ServerAnswersTxt(const std::string& address, int port, const std::string& name,
                              const std::string& value, std::chrono::seconds timeout) {
  SIGNET_ASSIGN_OR_RETURN(ResolverPtr res, NewResolver(address, port, false, timeout));
  std::string qn = Absolute(name);
  ldns_rdf* qname = ldns_dname_new_frm_str(qn.c_str());
  if (!qname) return Error(ErrorCode::kMalformed, "not a domain name: " + name);
  PktPtr q(ldns_pkt_query_new(qname, LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_IN, 0));
  SIGNET_ASSIGN_OR_RETURN(PktPtr answer, Exchange(res.get(), q.get(), address));
  RdfPtr owner(ldns_dname_new_frm_str(qn.c_str()));
  for (const ldns_rr* rr : AnswersOf(answer.get(), owner.get(), LDNS_RR_TYPE_TXT))
    if (TxtValue(rr) == value) return true;
  return false;
}

}  // namespace signet::client::rfc2136
