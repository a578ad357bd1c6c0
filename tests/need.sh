#!/bin/sh
# need.sh: install the Debian packages the tests use when they are
# missing (makefs for FFS images, python3 for the hijack tests).  As
# root it runs apt-get; otherwise it tries sudo without a password;
# failing both it says what is missing and carries on (those tests
# then fail with a message naming the program).
missing=""
command -v makefs >/dev/null 2>&1 || [ -x /usr/sbin/makefs ] ||
	missing="$missing makefs"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
[ -z "$missing" ] && exit 0
echo "tests: installing$missing"
if [ "$(id -u)" = 0 ]; then
	apt-get update -qq && apt-get install -y -qq $missing && exit 0
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo -n apt-get update -qq && sudo -n apt-get install -y -qq $missing &&
	    exit 0
fi
echo "tests: could not install$missing; the tests that use them will fail" >&2
exit 0
