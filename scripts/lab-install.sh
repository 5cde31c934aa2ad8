#!/usr/bin/env bash
# Installs what the lab (src/lab) needs to run real DUTs in network namespaces:
#   - strongSwan charon + swanctl from Debian (apt),
#   - Libreswan pluto, which conflicts with strongSwan's packages in apt, so it is
#     fetched with `apt-get download` and unpacked into .cache/libreswan/ (never
#     installed system-wide); only its shared-library dependencies come from apt,
#   - gcc, to build the ESP-emulation shim (src/lab/shim/fake-xfrm-sa.c) into
#     .cache/lab/fake-xfrm-sa.so,
#   - strongSwan package versions for `lab.dut.package` (upgrade validation, docs/lab.md):
#     each version's charon, libcharon, libstrongswan, standard plugins and vici fetched with
#     `apt-get download <pkg>=<version>` and unpacked into .cache/lab/strongswan-<version>/.
#     By default the two the upgrade test uses; --strongswan-package <version> (repeatable)
#     installs those instead.
# Needs root. Non-interactive, idempotent, and quick when everything is already there.
# Usage: bash scripts/lab-install.sh [--strongswan-package <version>]…   (or: npm run lab:install)
set -euo pipefail
cd "$(dirname "$0")/.."
root_dir=$(pwd)

die() { echo "lab-install: error: $*" >&2; exit 1; }
say() { echo "lab-install: $*"; }

strongswan_versions=()
while [ $# -gt 0 ]; do
  case "$1" in
    --strongswan-package) [ $# -ge 2 ] || die "--strongswan-package needs a version"; strongswan_versions+=("$2"); shift 2 ;;
    *) die "unknown argument $1 (usage: lab-install.sh [--strongswan-package <version>]…)" ;;
  esac
done
# test/lab/strongswan-upgrade.test.ts runs the upgrade from the first to the second.
[ "${#strongswan_versions[@]}" -gt 0 ] || strongswan_versions=(5.9.8-5+deb12u5 5.9.8-5+deb12u6)

[ "$(id -u)" -eq 0 ] || die "needs root (apt-get, namespaces); run: sudo npm run lab:install"
command -v apt-get >/dev/null || die "apt-get not found: the lab needs a Debian-family host"

export DEBIAN_FRONTEND=noninteractive
# Several people (and CI steps) may use apt at once: wait for the lock instead of failing.
apt_opts=(-y -q --no-install-recommends -o DPkg::Lock::Timeout=600)

# strongSwan, the namespace/capture tools, the shim's compiler, and Libreswan's
# runtime libraries (ldd of pluto 4.10 on Debian 12; see docs/lab.md).
packages=(
  strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-standard-plugins
  iproute2 iptables iputils-ping tcpdump tshark util-linux procps gcc libc6-dev
  libnss3-tools libnss3 libnspr4 libcurl3-nss libevent-core-2.1-7 libevent-pthreads-2.1-7
  libldns3 libunbound8 libcap-ng0 libaudit1 libldap-2.5-0 dns-root-data
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
updated=no
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]}"
  # tshark asks whether non-root users may capture; answer it up front.
  echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
  apt-get update -q -o DPkg::Lock::Timeout=600 || die "apt-get update failed"
  updated=yes
  apt-get install "${apt_opts[@]}" "${missing[@]}" || die "apt-get install ${missing[*]} failed"
fi
[ -x /usr/lib/ipsec/charon ] || die "/usr/lib/ipsec/charon missing after installing strongswan-charon"
command -v swanctl >/dev/null || die "swanctl missing after installing strongswan-swanctl"
# pluto keeps its keys in an NSS database, which the adapter creates per instance with certutil.
command -v certutil >/dev/null || die "certutil (libnss3-tools) missing: pluto's NSS database cannot be created"

# Libreswan: unpack the Debian package into .cache/libreswan (usr/libexec/ipsec/pluto, whack, addconn…).
ls_dir="$root_dir/.cache/libreswan"
pluto="$ls_dir/usr/libexec/ipsec/pluto"
if [ ! -x "$pluto" ]; then
  say "fetching libreswan with apt-get download into .cache/libreswan"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  chmod 755 "$tmp"   # apt's _apt user must be able to write the download
  if ! (cd "$tmp" && apt-get download -q libreswan); then
    [ "$updated" = yes ] || { apt-get update -q -o DPkg::Lock::Timeout=600 || die "apt-get update failed"; }
    (cd "$tmp" && apt-get download -q libreswan) || die "apt-get download libreswan failed"
  fi
  deb=$(ls "$tmp"/libreswan_*.deb 2>/dev/null | head -n1)
  [ -n "$deb" ] || die "apt-get download libreswan produced no .deb"
  mkdir -p "$root_dir/.cache"
  rm -rf "$ls_dir.partial"
  dpkg -x "$deb" "$ls_dir.partial" || die "dpkg -x $deb failed"
  basename "$deb" > "$ls_dir.partial/PACKAGE"
  rm -rf "$ls_dir"
  mv "$ls_dir.partial" "$ls_dir"
fi
[ -x "$pluto" ] || die "pluto not found at $pluto after unpacking libreswan"
unresolved=$(ldd "$pluto" | grep 'not found' || true)
[ -z "$unresolved" ] || die "pluto has unresolved libraries (install them with apt): $unresolved"

# strongSwan versions beside the system's: unpacked only, never installed (their files would clash with it).
# strongswan-swanctl for its vici plugin (the lab drives charon over vici); the system's swanctl does the talking.
strongswan_debs=(strongswan-charon strongswan-libcharon libstrongswan libstrongswan-standard-plugins strongswan-swanctl)
for v in "${strongswan_versions[@]}"; do
  [[ "$v" =~ ^([0-9]+:)?[0-9][A-Za-z0-9.+~-]*$ ]] || die "--strongswan-package $v is not a Debian version"
  dir="$root_dir/.cache/lab/strongswan-$v"
  [ -x "$dir/usr/lib/ipsec/charon" ] && [ -f "$dir/usr/lib/ipsec/plugins/libstrongswan-vici.so" ] && continue
  say "fetching strongSwan $v with apt-get download into .cache/lab/strongswan-$v"
  dl=$(mktemp -d)
  chmod 755 "$dl"
  wanted=("${strongswan_debs[@]/%/=$v}")
  if ! (cd "$dl" && apt-get download -q "${wanted[@]}"); then
    [ "$updated" = yes ] || { apt-get update -q -o DPkg::Lock::Timeout=600 || die "apt-get update failed"; updated=yes; }
    (cd "$dl" && apt-get download -q "${wanted[@]}") || die "apt-get download ${wanted[*]} failed: is $v in the apt sources? ('apt-cache policy strongswan-charon' lists what is; an older version needs a snapshot.debian.org source)"
  fi
  rm -rf "$dir.partial"
  mkdir -p "$dir.partial"
  for deb in "$dl"/*.deb; do dpkg-deb -x "$deb" "$dir.partial" || die "dpkg-deb -x $deb failed"; done
  (cd "$dl" && ls ./*.deb | sed 's|^\./||') > "$dir.partial/PACKAGE"
  rm -rf "$dl"
  unresolved=$(LD_LIBRARY_PATH="$dir.partial/usr/lib/ipsec" ldd "$dir.partial/usr/lib/ipsec/charon" | grep 'not found' || true)
  [ -z "$unresolved" ] || die "charon $v has unresolved libraries (install them with apt): $unresolved"
  rm -rf "$dir"
  mv "$dir.partial" "$dir"
done

# The ESP-emulation shim (used only when the kernel has no ESP; see docs/lab.md).
shim_src="$root_dir/src/lab/shim/fake-xfrm-sa.c"
shim_so="$root_dir/.cache/lab/fake-xfrm-sa.so"
mkdir -p "$root_dir/.cache/lab"
if [ ! -f "$shim_so" ] || [ "$shim_src" -nt "$shim_so" ]; then
  say "building $shim_so"
  gcc -std=c11 -O2 -Wall -Wextra -Werror -fPIC -shared -o "$shim_so.tmp" "$shim_src" -ldl \
    || die "gcc failed to build the shim from $shim_src"
  mv "$shim_so.tmp" "$shim_so"
fi

say "ok: charon $(/usr/lib/ipsec/charon --version 2>/dev/null | head -n1 || echo '?'), strongSwan packages ${strongswan_versions[*]} in .cache/lab, $(cat "$ls_dir/PACKAGE"), shim $shim_so"
