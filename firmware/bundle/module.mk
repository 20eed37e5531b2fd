# SPDX-License-Identifier: Apache-2.0
# vtep-tor-bundle: the firmware's signature check of an upgrade bundle and
# its verified https download (libcrypto, libssl), run by vtep-tor-image.
PROGRAMS += vtep-tor-bundle
vtep-tor-bundle_SRCS := firmware/bundle/vtep-tor-bundle.c
vtep-tor-bundle_PKGS := openssl
