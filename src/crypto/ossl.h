// Ownership of OpenSSL objects: every OpenSSL handle Signet holds is one of
// these unique_ptr aliases, whose deleter is defined once here (BoringSSL's
// bssl::UniquePtr is the model). No *_free call appears outside src/crypto.
#pragma once

#include <memory>
#include <string>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ct.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/error.h"

namespace signet::crypto {

template <auto Fn>
struct OsslDeleter {
  template <typename T>
  void operator()(T* p) const { if (p) Fn(p); }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, OsslDeleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OsslDeleter<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OsslDeleter<EVP_MD_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, OsslDeleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OsslDeleter<BN_free>>;
using BnCtxPtr = std::unique_ptr<BN_CTX, OsslDeleter<BN_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, OsslDeleter<X509_free>>;
using X509ReqPtr = std::unique_ptr<X509_REQ, OsslDeleter<X509_REQ_free>>;
using X509PubkeyPtr = std::unique_ptr<X509_PUBKEY, OsslDeleter<X509_PUBKEY_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, OsslDeleter<X509_NAME_free>>;
using X509ExtPtr = std::unique_ptr<X509_EXTENSION, OsslDeleter<X509_EXTENSION_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OsslDeleter<GENERAL_NAMES_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, OsslDeleter<ASN1_INTEGER_free>>;
using Asn1OctetStringPtr = std::unique_ptr<ASN1_OCTET_STRING, OsslDeleter<ASN1_OCTET_STRING_free>>;
using RsaPssParamsPtr = std::unique_ptr<RSA_PSS_PARAMS, OsslDeleter<RSA_PSS_PARAMS_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OsslDeleter<ECDSA_SIG_free>>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, OsslDeleter<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, OsslDeleter<SSL_free>>;
using SslSessionPtr = std::unique_ptr<SSL_SESSION, OsslDeleter<SSL_SESSION_free>>;
using Asn1ObjectPtr = std::unique_ptr<ASN1_OBJECT, OsslDeleter<ASN1_OBJECT_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, OsslDeleter<OSSL_PARAM_BLD_free>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, OsslDeleter<OSSL_PARAM_free>>;
inline void FreeExtensionStack(STACK_OF(X509_EXTENSION) * s) {
  sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free);
}
using ExtStackPtr = std::unique_ptr<STACK_OF(X509_EXTENSION), OsslDeleter<FreeExtensionStack>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, OsslDeleter<GENERAL_NAME_free>>;
using AccessDescriptionPtr =
    std::unique_ptr<ACCESS_DESCRIPTION, OsslDeleter<ACCESS_DESCRIPTION_free>>;
using AuthorityInfoAccessPtr =
    std::unique_ptr<AUTHORITY_INFO_ACCESS, OsslDeleter<AUTHORITY_INFO_ACCESS_free>>;
using ExtKeyUsagePtr = std::unique_ptr<EXTENDED_KEY_USAGE, OsslDeleter<EXTENDED_KEY_USAGE_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, OsslDeleter<X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OsslDeleter<X509_STORE_CTX_free>>;
inline void FreeX509Stack(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
using X509StackPtr = std::unique_ptr<STACK_OF(X509), OsslDeleter<FreeX509Stack>>;
// Revocation: CRLs (RFC 5280 5) and OCSP (RFC 6960).
using X509CrlPtr = std::unique_ptr<X509_CRL, OsslDeleter<X509_CRL_free>>;
using X509RevokedPtr = std::unique_ptr<X509_REVOKED, OsslDeleter<X509_REVOKED_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, OsslDeleter<ASN1_TIME_free>>;
using Asn1EnumeratedPtr = std::unique_ptr<ASN1_ENUMERATED, OsslDeleter<ASN1_ENUMERATED_free>>;
using OcspRequestPtr = std::unique_ptr<OCSP_REQUEST, OsslDeleter<OCSP_REQUEST_free>>;
using OcspResponsePtr = std::unique_ptr<OCSP_RESPONSE, OsslDeleter<OCSP_RESPONSE_free>>;
using OcspBasicRespPtr = std::unique_ptr<OCSP_BASICRESP, OsslDeleter<OCSP_BASICRESP_free>>;
using OcspCertIdPtr = std::unique_ptr<OCSP_CERTID, OsslDeleter<OCSP_CERTID_free>>;
using AuthorityKeyIdPtr = std::unique_ptr<AUTHORITY_KEYID, OsslDeleter<AUTHORITY_KEYID_free>>;
using IssuingDistPointPtr =
    std::unique_ptr<ISSUING_DIST_POINT, OsslDeleter<ISSUING_DIST_POINT_free>>;

// Certificate Transparency (RFC 6962): OpenSSL's SCT lists and the log
// store and policy context its SCT validation uses.
using SctListPtr = std::unique_ptr<STACK_OF(SCT), OsslDeleter<SCT_LIST_free>>;
using CtlogPtr = std::unique_ptr<CTLOG, OsslDeleter<CTLOG_free>>;
using CtlogStorePtr = std::unique_ptr<CTLOG_STORE, OsslDeleter<CTLOG_STORE_free>>;
using CtPolicyEvalCtxPtr =
    std::unique_ptr<CT_POLICY_EVAL_CTX, OsslDeleter<CT_POLICY_EVAL_CTX_free>>;

// The text of the most recent OpenSSL errors (and clears the queue).
std::string LastOsslError();

// An Error with `what` and the OpenSSL error queue appended.
Error OsslError(ErrorCode code, const std::string& what);

// A memory BIO's contents as a string.
std::string BioToString(BIO* bio);

}  // namespace signet::crypto
