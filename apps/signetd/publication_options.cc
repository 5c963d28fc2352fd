#include "publication_options.h"

namespace signet::app {

void AddPublicationOptions(CLI::App& serve, CaConfig& config) {
  serve.add_option("--http-listen", config.http_listen,
                   "HOST:PORT of the plain-HTTP listener for CRLs and OCSP (default: the "
                   "--listen host and port + 80, e.g. 14080)");
  serve.add_option("--operator-listen", config.operator_listen,
                   "HOST:PORT of the operator listener: the view at /, /metrics, /health/live, "
                   "/health/ready "
                   "(default: the --listen host and port + 90, e.g. 14090)");
  serve.add_option("--public-base-url", config.public_base_url,
                   "base URL of CRLs and OCSP in certificates (default: http://HTTP-LISTEN)");
  serve.add_option("--acme-base-url", config.acme_base_url,
                   "https:// URL clients reach the ACME server at, put in certificates' caIssuers "
                   "and account URLs (default: https://LISTEN; behind a load balancer, its URL)");
  serve.add_flag("--ocsp", config.ocsp, "run the OCSP responder and name it in certificates");
  serve.add_option("--crl-shards", config.crl_shards, "number of CRL shards (4)");
  serve.add_option("--crl-interval-minutes", config.crl_interval_minutes,
                   "regenerate every CRL this often (60)");
  serve.add_option("--default-profile", config.default_profile,
                   "certificate profile of orders that name none (classic)");
}

}  // namespace signet::app
