# Shared by the package tests: the e2e helpers, then $deb, the package for this machine's
# architecture in the folder given as the test's argument. Both tests need root.
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
DIR=${1:?usage: $0 DIR_WITH_THE_DEB}
deb=$(ls "$DIR"/photobooth_*_"$(dpkg --print-architecture)".deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "no photobooth .deb in $DIR"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "$(basename "$0") installs a package: run it as root"; exit 1; }
