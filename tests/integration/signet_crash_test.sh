#!/usr/bin/env bash
# Issue 14: signet killed with SIGKILL at random moments of certonly (new
# lineages) and renew (one lineage), signetd as the CA (agent_crash_lib.sh):
# after every kill the live links a server reads belong together (or all
# four previous_*.pem links are there for the next run to roll back to),
# certbot certificates reads every lineage, and each is complete, matching
# and verifies; the next run finishes the job without a duplicate lineage.
# Usage: signet_crash_test.sh SIGNET SIGNETD [CERTONLY_ROUNDS] [RENEW_ROUNDS]
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/agent_lib.sh"
source "$(dirname "$0")/agent_crash_lib.sh"
start_agent_ca signetd "$2"
agent_crash_campaign "$1" "${3:-3}" "${4:-5}"
