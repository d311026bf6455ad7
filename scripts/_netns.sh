# Sourced by the scripts: as root, installs what network-namespace chaos runs need (iproute2,
# nftables, iptables) when it is missing. Never fails: where it cannot install, the runs and
# tests that need namespaces skip and say why (`iamstore chaos probe`).

ensure_netns_tools() {
  local missing=()
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
  command -v nft >/dev/null 2>&1 || missing+=(nftables)
  command -v iptables-restore >/dev/null 2>&1 || missing+=(iptables)
  if [[ ${#missing[@]} -eq 0 || "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    return 0
  fi
  echo "iamstore: installing ${missing[*]} for network-namespace chaos runs" >&2
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
         DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
           "${missing[@]}"; } >/dev/null 2>&1; then
    echo "iamstore: could not install ${missing[*]}; namespace runs will be skipped" >&2
  fi
  return 0
}
