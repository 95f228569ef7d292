# Sourced by the scripts of install-test-deps.d (it is not a step of its own).
# apt_install NAME PACKAGE: install Debian's PACKAGE; when this is not root, say what to
# install and return 1, so the caller can go on without it (its tests then say what is missing).
apt_install() {
  local name=$1 package=$2
  if [ "$(id -u)" != "0" ]; then
    echo "$name is not installed and this is not root: install Debian's '$package' package." >&2
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "$package" >/dev/null
}
