SCRIPT_TESTS += tests/cli/vtepd-cli.sh
